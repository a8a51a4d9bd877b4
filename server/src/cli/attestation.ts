// `provenance-lens attestation verify FILE`: GitHub artifact attestations, as `gh attestation verify`
// checks them (see attestations/githubAttestations.ts), with gh's options (attestationOptions.ts).
// Attestations come from a bundle file (--bundle, .json or gh's .jsonl) or from GitHub's API
// (GITHUB_API_URL or --github-api-url; GITHUB_TOKEN or GH_TOKEN is sent to that host only). Exit 0
// only when an attestation verifies and matches.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleFileFormat, fetchAttestations, githubApiClient, parseJsonValues, readBundleFile } from '../core/attestations/githubAttestationsApi';
import { trustFromJson } from '../core/trust/trustedRoot';
import { type AttestationTrust, type AttestationVerdict, verifyGithubAttestations } from '../core/attestations/githubAttestations';
import { digestFile, digestName } from '../core/attestations/attestationSubject';
import { GITHUB_ORGANIZATION, PUBLIC_GOOD_ORGANIZATION, rootOrganization } from '../core/attestations/sigstoreInstances';
import { coded } from '../core/reasons';
import { ATTESTATION_OPTIONS, attestationRequest } from './attestationOptions';
import { type CliIo, parseCommand, resolveTrust, usageError, verifyingHelpFooter } from './shared';

const USAGE = `Usage: provenance-lens attestation verify FILE (--owner OWNER | --repo OWNER/REPO) [options]

Verifies GitHub artifact attestations of FILE as gh attestation verify does. Every attestation must
be a well-formed Sigstore bundle; among those of the predicate type asked for, one must verify
(public-good Sigstore, or GitHub's own instance for private repositories), name FILE's digest
under --digest-alg, and come from GitHub Actions in OWNER (or OWNER/REPO) through GitHub Actions'
OIDC issuer, signed by a workflow of OWNER (of OWNER/REPO with --repo) unless a signer option says
otherwise.

Options (gh's names and short forms):
  -o, --owner OWNER          the organisation or user the artifact must come from
  -R, --repo OWNER/REPO      …or the repository
  -b, --bundle FILE          read the attestations from FILE instead of the API: FILE.json holds
                             one bundle, FILE.jsonl one bundle a line (gh attestation download)
  -d, --digest-alg ALG       sha256 (default) or sha512: the API is asked for ALG:HEX of FILE, and
                             a subject must carry that digest under ALG
  --predicate-type URI       only attestations of this type count
                             (default: https://slsa.dev/provenance/v1)
  --signer-repo OWNER/REPO   signed by a workflow of this repository (reusable workflows)
  --signer-workflow [HOST/]OWNER/REPO/PATH
                             signed by this workflow: the certificate's identity (SAN) must start
                             with https://HOST/OWNER/REPO/PATH; without HOST, the --hostname one
                             is put in front (github.com/OWNER/… and OWNER/… are the same)
  --cert-identity URI        the SAN, exactly
  -i, --cert-identity-regex RE
                             a regular expression (Go syntax, as gh) the SAN must match; it is
                             searched, so anchor it: ^…$
                             (one of the four above; default: a workflow of OWNER, or of
                             OWNER/REPO with --repo)
  --cert-oidc-issuer URL     the OIDC issuer, exactly but for case (default:
                             https://token.actions.githubusercontent.com, on a tenant
                             https://token.actions.TENANT.ghe.com); an enterprise's own issuer
                             below the default counts only when named here
  --deny-self-hosted-runners refuse attestations built on self-hosted runners
  --source-ref REF           the source repository's ref, exactly (refs/heads/main)
  --source-digest SHA        the source repository's commit, exactly
  --no-public-good           refuse attestations signed through public-good Sigstore
  --hostname HOST            github.com or TENANT.ghe.com (default: $GH_HOST, else github.com)
  -L, --limit N              fetch at most N attestations from the API (1–1000, default 30)
  --github-api-url URL       the GitHub API (default: $GITHUB_API_URL)
  --format text|json         output format (default: text)
  --custom-trusted-root FILE = --trusted-root, which also takes several roots one a line, as
                             gh attestation trusted-root prints them (not refreshed through TUF)
${verifyingHelpFooter(29)}`;

export async function runAttestation(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') return usageError(io, `attestation: the only subcommand is verify.\n\n${USAGE}`);
  const parsed = parseCommand(rest, ATTESTATION_OPTIONS, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals, usage } = parsed;
  if (positionals.length !== 1) return usage('attestation verify takes one FILE.');
  const request = attestationRequest(values, env);
  if ('usage' in request) return usage(request.usage);
  const apiUrl = values['github-api-url'] ?? env.GITHUB_API_URL;
  if (!values.bundle && !apiUrl) return usage('Give --bundle, or the GitHub API with --github-api-url or GITHUB_API_URL.');
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.resolve(io.cwd, positionals[0]));
  } catch {
    return usage(`${positionals[0]}: cannot read it.`);
  }
  const file = digestFile(bytes, request.algorithm);
  let bundleText: string | undefined;
  if (values.bundle) {
    // gh tells a bundle file by its extension before it reads it.
    if (!bundleFileFormat(values.bundle))
      return usage(`--bundle ${values.bundle}: a bundle file ends in .json (one bundle) or .jsonl (one bundle a line), as gh reads them.`);
    try {
      bundleText = fs.readFileSync(path.resolve(io.cwd, values.bundle), 'utf8');
    } catch {
      return usage(`--bundle ${values.bundle}: cannot read it.`);
    }
  }
  const read = bundleText === undefined ? undefined : readBundleFile(values.bundle!, bundleText);
  let trust: AttestationTrust;
  if (request.trustedRoot) {
    const custom = customRoots(path.resolve(io.cwd, request.trustedRoot));
    if (typeof custom === 'string') return usage(custom);
    trust = custom;
  } else {
    const publicGood = await resolveTrust(values, io.cwd, io.err, undefined);
    if (!publicGood) return 2;
    trust = { publicGood };
  }
  let result: AttestationVerdict;
  if (read && 'malformed' in read) {
    result = { ...coded('provenance-invalid'), reason: `The bundle file is malformed: ${read.malformed}.`, checked: 0 };
  } else {
    let bundles: unknown[];
    if (read) {
      bundles = read.bundles;
    } else {
      const http = githubApiClient(env, apiUrl!, { timeoutMs: 15_000, offline: false });
      try {
        bundles = await fetchAttestations(
          http,
          apiUrl!,
          { owner: request.policy.owner, repo: request.policy.repo },
          digestName(file),
          undefined,
          request.limit,
        );
      } catch (error) {
        io.err.write(`Could not fetch the attestations: ${(error as Error).message}.\n`);
        return 1;
      } finally {
        await http.close();
      }
    }
    result = verifyGithubAttestations(file, bundles, request.policy, trust);
  }
  if (values.format === 'json') {
    const report = {
      file: positionals[0],
      digest: digestName(file),
      sha256: file.hex.sha256,
      verdict: result.verdict,
      code: result.code,
      reason: result.reason,
      attestations: result.checked,
      signer: result.identity?.subjectAlternativeName,
      sourceRepository: result.identity?.sourceRepository,
    };
    io.out.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.out.write(`${positionals[0]}: ${result.verdict}. ${result.reason}\n`);
  }
  return result.verdict === 'verified' ? 0 : 1;
}

/**
 * gh's --custom-trusted-root: one trusted root, or several one a line as `gh attestation
 * trusted-root` prints them. Each bundle is then checked against the root whose certificate
 * authority belongs to the organization that issued its certificate, as gh matches them; with one
 * root, that root for all. A message when the file is unusable.
 */
function customRoots(file: string): AttestationTrust | string {
  let values: unknown[] | undefined;
  try {
    values = parseJsonValues(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return `cannot read trusted root ${file}: ${(error as Error).message}`;
  }
  if (!values?.length) return `${file} is neither a trusted root nor trusted roots one a line`;
  try {
    const roots = values.map((json) => trustFromJson(json, 'custom file'));
    const of = (organization: string) => roots.find((root) => rootOrganization(root) === organization) ?? roots[0];
    return { publicGood: of(PUBLIC_GOOD_ORGANIZATION), github: of(GITHUB_ORGANIZATION) };
  } catch (error) {
    return `${file} is not a Sigstore trusted root: ${(error as Error).message}`;
  }
}
