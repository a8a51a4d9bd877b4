// Who must have made a GitHub artifact attestation, decided the way `gh attestation verify` decides
// it (cli/cli pkg/cmd/attestation/verify/policy.go and verification/extensions.go): the
// certificate's SAN names the expected signer workflow, its build extensions name the expected
// owner and repository on the expected host, and its OIDC issuer is exactly the expected one.

import type { BuildIdentity } from '../sigstore/certificate';

/** GitHub Actions' OIDC issuer on github.com: gh's default, and nothing below it. */
export const ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const GITHUB_HOST = 'github.com';
/** The runner environment Fulcio records for GitHub's own runners. */
export const GITHUB_HOSTED_RUNNER = 'github-hosted';

export interface AttestationPolicy {
  /** The owner the artifact's repository belongs to. */
  owner: string;
  /** `owner/repo`: the repository the artifact comes from; the default signer is then this repository's workflows. */
  repo?: string;
  /** `github.com` (default) or a GitHub Enterprise Cloud tenant's `<tenant>.ghe.com` (see supportedHost). */
  host?: string;
  /**
   * The host as the user gave it (`--hostname`, GH_HOST), before supportedHost reduced it: gh puts
   * it, unreduced, in front of a --signer-workflow given without one. Default: `host`.
   */
  hostname?: string;
  /** `owner/repo` of the workflow that signed (a reusable workflow lives elsewhere). */
  signerRepo?: string;
  /** `[host/]owner/repo/.github/workflows/file.yml[@ref]`: the SAN must start with it. */
  signerWorkflow?: string;
  /** The certificate's SAN, exactly. */
  certIdentity?: string;
  /** A regular expression the SAN must match somewhere (as gh: anchor it yourself); a leading `(?i)` is honoured. */
  certIdentityRegex?: string;
  /** Only attestations of this predicate type count (default: SLSA provenance v1). */
  predicateType?: string;
  /** The OIDC issuer, compared ignoring case (default: GitHub Actions' for the host). */
  issuer?: string;
  denySelfHostedRunners?: boolean;
  /** The source repository's ref (`refs/heads/main`), exactly. */
  sourceRef?: string;
  /** The source repository's commit, exactly. */
  sourceDigest?: string;
  /** Refuse attestations signed through public-good Sigstore (only GitHub's own instance counts). */
  noPublicGood?: boolean;
}

/**
 * The host gh would use for a `--hostname`: github.com or a tenant of GitHub Enterprise Cloud
 * (`<tenant>.ghe.com`); subdomains are reduced as gh reduces them (`api.github.com` is github.com).
 * Undefined for anything else: gh refuses GitHub Enterprise Server hosts.
 */
export function supportedHost(hostname: string): string | undefined {
  const host = hostname.trim().toLowerCase();
  if (host === GITHUB_HOST || host.endsWith(`.${GITHUB_HOST}`)) return GITHUB_HOST;
  const tenant = /(?:^|\.)([a-z0-9-]+)\.ghe\.com$/.exec(host)?.[1];
  return tenant ? `${tenant}.ghe.com` : undefined;
}

/** `acme` for `acme.ghe.com`; undefined on github.com. */
export function tenantOf(host: string): string | undefined {
  return /^([a-z0-9-]+)\.ghe\.com$/.exec(host)?.[1];
}

export function policyHost(policy: AttestationPolicy): string {
  return policy.host ?? GITHUB_HOST;
}

/**
 * The issuer an attestation must come through: the one asked for, else GitHub Actions' (a
 * tenant's own on `<tenant>.ghe.com`; gh reads the github.com default as "the host's default").
 */
export function expectedIssuer(policy: AttestationPolicy): string {
  if (policy.issuer !== undefined && policy.issuer !== ACTIONS_ISSUER) return policy.issuer;
  const tenant = tenantOf(policyHost(policy));
  return tenant ? `https://token.actions.${tenant}.ghe.com` : ACTIONS_ISSUER;
}

/**
 * A JavaScript regular expression for a pattern written for Go's regexp (gh compiles
 * --cert-identity-regex with it): a leading flag group such as `(?i)` becomes a flag. Throws on a
 * pattern neither can compile.
 */
export function goRegExp(pattern: string): RegExp {
  const flags = /^\(\?([ims]+)\)/.exec(pattern);
  return flags ? new RegExp(pattern.slice(flags[0].length), [...new Set(flags[1])].join('')) : new RegExp(pattern);
}

/** Whether `value` (a workflow given to --signer-workflow) starts with a host, as gh tells it: a first label with a dot. */
function startsWithHost(value: string): boolean {
  return /^[A-Za-z0-9-]+\.[A-Za-z0-9-]+/.test(value);
}

interface SignerRule {
  description: string;
  accepts(san: string): boolean;
}

/**
 * Which SANs the policy accepts. gh builds patterns from names (`(?i)^https://host/owner/`); they
 * are compared here as the literal prefixes they spell, so a `.` in a repository name is a dot.
 */
function signerRule(policy: AttestationPolicy): SignerRule {
  const host = policyHost(policy);
  const prefix = (text: string, ignoreCase: boolean, description: string): SignerRule => ({
    description,
    accepts: (san) => (ignoreCase ? san.toLowerCase().startsWith(text.toLowerCase()) : san.startsWith(text)),
  });
  if (policy.signerRepo) return prefix(`https://${host}/${policy.signerRepo}/`, true, `a workflow of ${host}/${policy.signerRepo}`);
  if (policy.signerWorkflow) {
    // Without a host gh puts the configured one in front; its pattern for a workflow keeps case.
    const workflow = `https://${startsWithHost(policy.signerWorkflow) ? policy.signerWorkflow : `${policy.hostname ?? host}/${policy.signerWorkflow}`}`;
    return prefix(workflow, false, `the workflow ${workflow}`);
  }
  if (policy.certIdentity !== undefined) {
    const identity = policy.certIdentity;
    return { description: identity, accepts: (san) => san === identity };
  }
  if (policy.certIdentityRegex !== undefined) {
    const pattern = goRegExp(policy.certIdentityRegex);
    return { description: `an identity matching ${policy.certIdentityRegex}`, accepts: (san) => pattern.test(san) };
  }
  const scope = policy.repo ?? policy.owner;
  return prefix(`https://${host}/${scope}/`, true, `a workflow of ${host}/${scope}`);
}

const sameText = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** Why the certificate is not the one the policy asks for; undefined when it is. */
export function policyMismatch(identity: BuildIdentity, policy: AttestationPolicy): string | undefined {
  const san = identity.subjectAlternativeName ?? '';
  const signer = signerRule(policy);
  if (!signer.accepts(san)) return `signed by ${san || 'an unknown identity'}, not by ${signer.description}`;
  if (policy.denySelfHostedRunners && identity.runnerEnvironment !== GITHUB_HOSTED_RUNNER)
    return `built on a ${identity.runnerEnvironment ?? 'runner of unknown kind'} runner, and self-hosted runners are refused (--deny-self-hosted-runners)`;
  if (policy.sourceRef !== undefined && identity.sourceRef !== policy.sourceRef)
    return `built from ${identity.sourceRef ?? 'an unknown ref'}, not ${policy.sourceRef}`;
  if (policy.sourceDigest !== undefined && identity.sourceCommit !== policy.sourceDigest)
    return `built from commit ${identity.sourceCommit ?? 'unknown'}, not ${policy.sourceDigest}`;
  const base = `https://${policyHost(policy)}`;
  const ownerUri = `${base}/${policy.owner}`;
  if (!sameText(identity.sourceRepositoryOwnerURI, ownerUri)) return `built for ${identity.sourceRepositoryOwnerURI ?? 'an unknown owner'}, not ${ownerUri}`;
  if (policy.repo && !sameText(identity.sourceRepository, `${base}/${policy.repo}`))
    return `built from ${identity.sourceRepository ?? 'an unknown repository'}, not ${base}/${policy.repo}`;
  const issuer = expectedIssuer(policy);
  if (!sameText(identity.issuer, issuer)) {
    // An enterprise's own issuer sits below the default one; it counts only when named.
    const below = identity.issuer?.toLowerCase().startsWith(`${issuer.toLowerCase()}/`);
    return `issued through ${identity.issuer ?? 'an unknown issuer'}, not ${issuer}${below ? ' (an enterprise issuer is accepted only when named with --cert-oidc-issuer)' : ''}`;
  }
  return undefined;
}
