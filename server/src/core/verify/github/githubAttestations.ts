// GitHub artifact attestations of a file, with `gh attestation verify` semantics: among the
// attestations for the file's sha256 (from GitHub's API, or a bundle file), at least one must be a
// Sigstore bundle that verifies — public-good Sigstore (with a transparency log) or GitHub's own
// instance (no log, RFC 3161 timestamps: GitHub's trusted root) — whose statement names the file's
// digest, whose predicate type is the one asked for (SLSA provenance v1 by default), and whose
// certificate is GitHub Actions' for the given owner or repository, signed by the expected workflow.

import type { Bundle } from '@sigstore/bundle';
import githubRoot from '../../trust/github_trusted_root.json';
import { type TrustContext, trustFromJson } from '../../trust/trustedRoot';
import type { Verdict } from '../../verdict';
import type { BuildIdentity } from '../sigstore/certificate';
import { checkBundle, parseBundle, signerIdentity, signingCertificate } from '../sigstore/bundleCheck';

/** GitHub Actions' OIDC issuer, gh's default expectation (a GitHub Enterprise tenant adds `/<tenant>`). */
export const ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

export interface AttestationPolicy {
  owner: string;
  /** `owner/repo`: the attestation must come from this repository (not just the owner). */
  repo?: string;
  /** `owner/repo` of the workflow that signed (a reusable workflow lives elsewhere); default: the owner's. */
  signerRepo?: string;
  /** `owner/repo/.github/workflows/file.yml` that signed. */
  signerWorkflow?: string;
  predicateType?: string;
  issuer?: string;
}

export interface AttestationVerdict {
  verdict: Verdict;
  code: 'verified' | 'signature-missing' | 'provenance-invalid' | 'signer-not-allowed' | 'provenance-subject-mismatch' | 'trust-material-missing';
  reason: string;
  identity?: BuildIdentity;
  /** How many attestations were looked at, and which one verified. */
  checked: number;
}

let githubTrust: TrustContext | undefined;

/** GitHub's Sigstore instance: its trusted root as bundled (CAs and timestamp authorities; it keeps no log). */
export function githubInstanceTrust(): TrustContext {
  githubTrust ??= trustFromJson(githubRoot, "GitHub's embedded snapshot");
  return githubTrust;
}

/**
 * A bundle checked against the Sigstore it came from: with log entries, public-good Sigstore;
 * without, GitHub's own instance, which vouches for time with RFC 3161 timestamps instead.
 */
function checkGithubBundle(bundle: Bundle, publicGood: TrustContext): ReturnType<typeof checkBundle> {
  return bundle.verificationMaterial.tlogEntries.length === 0 ? checkBundle(bundle, githubInstanceTrust(), undefined, true, undefined, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 1 }) : checkBundle(bundle, publicGood);
}

export function verifyGithubAttestations(sha256: string, bundles: unknown[], policy: AttestationPolicy, publicGood: TrustContext): AttestationVerdict {
  if (bundles.length === 0) return { verdict: 'unsigned', code: 'signature-missing', reason: `No attestation names sha256:${sha256}.`, checked: 0 };
  const failures: Array<Omit<AttestationVerdict, 'checked'>> = [];
  for (const json of bundles) {
    const one = checkOne(sha256, json, policy, publicGood);
    if (one.verdict === 'verified') return { ...one, checked: bundles.length };
    failures.push(one);
  }
  // None holds: the most serious failure speaks (evidence that is wrong, then a signer not accepted).
  const worst = failures.find((f) => f.verdict === 'invalid') ?? failures.find((f) => f.verdict === 'policy-violation') ?? failures[0];
  return { ...worst, reason: bundles.length > 1 ? `None of ${bundles.length} attestations holds; ${worst.reason}` : worst.reason, checked: bundles.length };
}

function checkOne(sha256: string, json: unknown, policy: AttestationPolicy, publicGood: TrustContext): Omit<AttestationVerdict, 'checked'> {
  const invalid = (reason: string, code: AttestationVerdict['code'] = 'provenance-invalid') => ({ verdict: 'invalid' as const, code, reason });
  const parsed = parseBundle(json);
  if ('error' in parsed) return parsed.status === 'invalid' ? invalid(`an attestation is malformed: ${parsed.error}`) : { verdict: 'unverifiable', code: 'trust-material-missing', reason: `an attestation cannot be read: ${parsed.error}` };
  const bundle = parsed.bundle;
  if (bundle.content.$case !== 'dsseEnvelope') return invalid('an attestation is not an in-toto statement');
  let statement: { predicateType?: string; subject?: Array<{ digest?: Record<string, string> }> };
  try {
    statement = JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8'));
  } catch {
    return invalid('an attestation\'s statement is not JSON');
  }
  if (!statement.subject?.some((s) => s.digest?.sha256?.toLowerCase() === sha256)) return invalid(`an attestation is about other content than sha256:${sha256}`, 'provenance-subject-mismatch');
  const material = bundle.verificationMaterial;
  if (material.content.$case === 'publicKey') return { verdict: 'unverifiable', code: 'trust-material-missing', reason: 'an attestation is signed with a key, not a GitHub Actions certificate' };
  const checked = checkGithubBundle(bundle, publicGood);
  if (!checked.ok) return checked.status === 'invalid' ? invalid(`an attestation does not verify: ${checked.message}`) : { verdict: 'unverifiable', code: 'trust-material-missing', reason: checked.message };
  const identity = signerIdentity(bundle) ?? {};
  const mismatch = policyMismatch(identity, statement.predicateType, policy);
  if (mismatch) return { verdict: 'policy-violation', code: 'signer-not-allowed', reason: mismatch, identity };
  return { verdict: 'verified', code: 'verified', reason: `Attested by ${identity.buildSignerURI ?? identity.subjectAlternativeName} for ${identity.sourceRepository} (${statement.predicateType}).`, identity };
}

/** Why the attestation's certificate or predicate is not what the policy asks, as gh checks them. */
function policyMismatch(identity: BuildIdentity, predicateType: string | undefined, policy: AttestationPolicy): string | undefined {
  const wanted = policy.predicateType ?? SLSA_PROVENANCE_V1;
  if (predicateType !== wanted) return `the attestation's predicate is ${predicateType ?? 'missing'}, not ${wanted}`;
  const issuer = policy.issuer ?? ACTIONS_ISSUER;
  // A GitHub Enterprise Cloud tenant's issuer is the Actions issuer with the tenant's name after it.
  if (identity.issuer !== issuer && !(policy.issuer === undefined && identity.issuer?.startsWith(`${ACTIONS_ISSUER}/`))) return `issued through ${identity.issuer ?? 'an unknown issuer'}, not ${issuer}`;
  // The certificate's own host: the issuer vouches that it is the one GitHub Actions runs on.
  const ownerUri = identity.sourceRepositoryOwnerURI ?? '';
  const host = /^(https:\/\/[^/]+)\//.exec(ownerUri)?.[1];
  if (!host) return 'the certificate names no source repository owner';
  if (ownerUri.toLowerCase() !== `${host}/${policy.owner}`.toLowerCase()) return `built for ${ownerUri}, not ${host}/${policy.owner}`;
  if (policy.repo && identity.sourceRepository?.toLowerCase() !== `${host}/${policy.repo}`.toLowerCase()) return `built from ${identity.sourceRepository ?? 'an unknown repository'}, not ${host}/${policy.repo}`;
  const signer = identity.buildSignerURI ?? identity.subjectAlternativeName ?? '';
  const expected = policy.signerWorkflow ? `${host}/${policy.signerWorkflow}@` : `${host}/${policy.signerRepo ?? policy.owner}/`;
  if (!signer.toLowerCase().startsWith(expected.toLowerCase())) return `signed by ${signer || 'an unknown workflow'}, not by ${policy.signerWorkflow ? `the workflow ${policy.signerWorkflow}` : `a workflow of ${policy.signerRepo ?? policy.owner}`}`;
  return undefined;
}

export const RELEASE_PREDICATE = 'https://in-toto.io/attestation/release/v0.1';
/** The identity GitHub signs immutable releases with on github.com (gh release verify expects it). */
const RELEASE_SIGNER = 'https://dotcom.releases.github.com';

/**
 * A release of `owner/repo` attested by GitHub (immutable releases): a bundle that verifies, signed
 * by GitHub's release identity, whose statement's `pkg:github/<owner>/<repo>@<tag>` subject has the
 * commit's sha1. Returns the tag attested, or why none holds.
 */
export function verifyReleaseAttestations(repository: string, commit: string, bundles: unknown[], publicGood: TrustContext): { ok: true; tag: string } | { ok: false; status: 'invalid' | 'unsigned' | 'unverifiable'; message: string } {
  if (bundles.length === 0) return { ok: false, status: 'unsigned', message: `no release of ${repository} attests commit ${commit}` };
  let failure: { ok: false; status: 'invalid' | 'unverifiable'; message: string } | undefined;
  for (const json of bundles) {
    const parsed = parseBundle(json);
    if ('error' in parsed || parsed.bundle.content.$case !== 'dsseEnvelope') {
      failure ??= { ok: false, status: 'invalid', message: 'a release attestation is malformed' };
      continue;
    }
    const bundle = parsed.bundle;
    const envelope = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
    let statement: { predicateType?: string; subject?: Array<{ uri?: string; digest?: Record<string, string> }>; predicate?: { repository?: string; tag?: string } };
    try {
      statement = JSON.parse(Buffer.from(envelope!.payload).toString('utf8'));
    } catch {
      failure ??= { ok: false, status: 'invalid', message: 'a release attestation\'s statement is not JSON' };
      continue;
    }
    if (statement.predicateType !== RELEASE_PREDICATE) continue; // another kind of attestation of the commit
    const prefix = `pkg:github/${repository.toLowerCase()}@`;
    const subject = statement.subject?.find((s) => s.uri?.toLowerCase().startsWith(prefix));
    if (!subject || subject.digest?.sha1 !== commit || statement.predicate?.repository?.toLowerCase() !== repository.toLowerCase()) {
      failure = { ok: false, status: 'invalid', message: `a release attestation is not about ${repository} at ${commit}` };
      continue;
    }
    const checked = checkGithubBundle(bundle, publicGood);
    if (!checked.ok) {
      failure = { ok: false, status: checked.status, message: `a release attestation does not verify: ${checked.message}` };
      continue;
    }
    const san = signingCertificate(bundle)?.subjectAltName;
    if (san !== RELEASE_SIGNER) {
      failure = { ok: false, status: 'invalid', message: `a release attestation is signed by ${san ?? 'an unknown identity'}, not GitHub's release signer` };
      continue;
    }
    return { ok: true, tag: subject.uri!.slice(prefix.length) };
  }
  return failure ?? { ok: false, status: 'unsigned', message: `no release of ${repository} attests commit ${commit}` };
}
