// The options of `attestation verify`, named, combined and checked as gh's own (cli/cli
// pkg/cmd/attestation/verify/verify.go flag definitions, options.go AreFlagsValid): a combination
// gh refuses is a usage error here (exit 2). What they mean is in attestations/attestationPolicy.ts.

import { type AttestationPolicy, GITHUB_HOST, goRegExp, supportedHost } from '../core/attestations/attestationPolicy';
import { DIGEST_ALGORITHMS, type SubjectDigestAlgorithm } from '../core/attestations/attestationSubject';
import { DEFAULT_ATTESTATION_LIMIT } from '../core/attestations/githubAttestationsApi';
import { TRUST_OPTIONS } from './shared';

export const ATTESTATION_OPTIONS = {
  owner: { type: 'string', short: 'o' },
  repo: { type: 'string', short: 'R' },
  bundle: { type: 'string', short: 'b' },
  'digest-alg': { type: 'string', short: 'd', default: 'sha256' },
  'predicate-type': { type: 'string' },
  'signer-repo': { type: 'string' },
  'signer-workflow': { type: 'string' },
  'cert-identity': { type: 'string' },
  'cert-identity-regex': { type: 'string', short: 'i' },
  'cert-oidc-issuer': { type: 'string' },
  'deny-self-hosted-runners': { type: 'boolean', default: false },
  'source-ref': { type: 'string' },
  'source-digest': { type: 'string' },
  'no-public-good': { type: 'boolean', default: false },
  hostname: { type: 'string' },
  limit: { type: 'string', short: 'L' },
  'custom-trusted-root': { type: 'string' },
  'github-api-url': { type: 'string' },
  format: { type: 'string', default: 'text' },
  ...TRUST_OPTIONS,
} as const;

type Values = { [K in keyof typeof ATTESTATION_OPTIONS]?: (typeof ATTESTATION_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export interface AttestationRequest {
  policy: AttestationPolicy;
  algorithm: SubjectDigestAlgorithm;
  /** How many attestations to fetch from the API (gh's --limit). */
  limit: number;
  /** The trusted root file (--custom-trusted-root, gh's name, or our --trusted-root). */
  trustedRoot?: string;
}

/** gh accepts OWNER/REPO: two parts, no host. */
const OWNER_REPO = /^[^/\s]+\/[^/\s]+$/;

/** The options as a request, or what is wrong with them (a usage error). */
export function attestationRequest(values: Values, env: NodeJS.ProcessEnv): AttestationRequest | { usage: string } {
  const usage = (message: string) => ({ usage: message });
  // gh: MarkFlagsMutuallyExclusive("owner", "repo") and MarkFlagsOneRequired("owner", "repo").
  if (values.owner !== undefined && values.repo !== undefined) return usage('Give --owner or --repo, not both.');
  if (values.owner === undefined && values.repo === undefined) return usage('Give --owner OWNER or --repo OWNER/REPO.');
  if (values.repo !== undefined && !OWNER_REPO.test(values.repo)) return usage(`--repo takes OWNER/REPO, not ${values.repo}.`);
  if (values['signer-repo'] !== undefined && !OWNER_REPO.test(values['signer-repo']))
    return usage(`--signer-repo takes OWNER/REPO (no host), not ${values['signer-repo']}.`);
  // gh: MarkFlagsMutuallyExclusive("cert-identity", "cert-identity-regex", "signer-repo", "signer-workflow").
  const signers = (['cert-identity', 'cert-identity-regex', 'signer-repo', 'signer-workflow'] as const).filter((name) => values[name] !== undefined);
  if (signers.length > 1) return usage(`--${signers.join(' and --')} cannot be combined: give one way to name the signer.`);
  const algorithm = values['digest-alg'] as SubjectDigestAlgorithm;
  if (!DIGEST_ALGORITHMS.includes(algorithm)) return usage(`--digest-alg must be ${DIGEST_ALGORITHMS.join(' or ')}, not ${values['digest-alg']}.`);
  const limit = values.limit === undefined ? DEFAULT_ATTESTATION_LIMIT : /^\d+$/.test(values.limit) ? Number(values.limit) : NaN;
  if (!(limit >= 1 && limit <= 1000)) return usage(`--limit must be between 1 and 1000, not ${values.limit}.`);
  if (values['cert-identity-regex'] !== undefined) {
    try {
      goRegExp(values['cert-identity-regex']);
    } catch (error) {
      return usage(`--cert-identity-regex is not a regular expression: ${(error as Error).message}.`);
    }
  }
  // gh takes the host from --hostname, else GH_HOST, else github.com, and refuses GitHub Enterprise Server.
  const hostname = values.hostname ?? (env.GH_HOST || GITHUB_HOST);
  const host = supportedHost(hostname);
  if (!host)
    return usage(
      `${hostname}: only github.com and GitHub Enterprise Cloud hosts (<tenant>.ghe.com) are supported, as gh supports them; not GitHub Enterprise Server.`,
    );
  if (!['text', 'json'].includes(values.format!)) return usage('--format must be text or json.');
  if (values['trusted-root'] !== undefined && values['custom-trusted-root'] !== undefined) return usage('--custom-trusted-root is --trusted-root: give one.');
  const policy: AttestationPolicy = {
    // gh: with --repo, the owner is the repository's.
    owner: values.owner ?? values.repo!.split('/')[0],
    repo: values.repo,
    host,
    hostname,
    signerRepo: values['signer-repo'],
    signerWorkflow: values['signer-workflow'],
    certIdentity: values['cert-identity'],
    certIdentityRegex: values['cert-identity-regex'],
    predicateType: values['predicate-type'],
    issuer: values['cert-oidc-issuer'],
    denySelfHostedRunners: values['deny-self-hosted-runners'],
    sourceRef: values['source-ref'],
    sourceDigest: values['source-digest'],
    noPublicGood: values['no-public-good'],
  };
  return { policy, algorithm, limit, trustedRoot: values['custom-trusted-root'] ?? values['trusted-root'] };
}
