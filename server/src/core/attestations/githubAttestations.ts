// GitHub artifact attestations of a file, with `gh attestation verify` semantics (cli/cli
// pkg/cmd/attestation/verify and verification/): every attestation must be a well-formed Sigstore
// bundle; those of the predicate type asked for (SLSA provenance v1 by default) are candidates, and
// one must verify against the Sigstore instance that issued its certificate (sigstoreInstances.ts),
// name the file's digest under the algorithm asked for (attestationSubject.ts), and come from the
// signer, owner, repository and issuer the policy expects (attestationPolicy.ts).

import type { Bundle } from '@sigstore/bundle';
import type { TrustContext } from '../trust/trustedRoot';
import type { Verdict } from '../verdict';
import { type CodeOf, type Failure, coded, hasVerdict } from '../reasons';
import type { BuildIdentity } from '../sigstore/certificate';
import { checkBundle, parseBundle, signerIdentity, signingCertificate } from '../sigstore/bundleCheck';
import { type AttestationPolicy, SLSA_PROVENANCE_V1, policyMismatch } from './attestationPolicy';
import { type FileDigest, type Statement, digestName, matchSubject, readStatement } from './attestationSubject';
import { GITHUB_THRESHOLDS, githubInstanceTrust, instanceOf } from './sigstoreInstances';

export { ACTIONS_ISSUER, type AttestationPolicy, SLSA_PROVENANCE_V1 } from './attestationPolicy';
export { type FileDigest, digestFile } from './attestationSubject';
export { githubInstanceTrust } from './sigstoreInstances';

export interface AttestationVerdict {
  /** The code's verdict (reasons.ts). */
  verdict: Verdict;
  code:
    | 'verified'
    | 'signature-missing'
    | 'provenance-invalid'
    | 'signer-not-allowed'
    | 'digest-algorithm-mismatch'
    | 'provenance-subject-mismatch'
    | CodeOf<'unverifiable'>;
  reason: string;
  identity?: BuildIdentity;
  /** How many attestations were looked at. */
  checked: number;
}

/** The trusted roots of the two instances: public-good Sigstore's, and GitHub's (default: the bundled snapshot). */
export interface AttestationTrust {
  publicGood: TrustContext;
  github?: TrustContext;
}

type OneVerdict = Omit<AttestationVerdict, 'checked'>;

/** gh reads bundles of format v0.2 and later only (verification/sigstore.go, chooseVerifier). */
const FIRST_BUNDLE_VERSION = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

/**
 * A bundle checked against the instance that issued its certificate. A GitHub bundle also needs
 * GitHub's trusted root (a user's own root stands in for both when given).
 */
function checkWithInstance(bundle: Bundle, trust: AttestationTrust): ReturnType<typeof checkBundle> {
  const instance = instanceOf(bundle);
  if (typeof instance !== 'string')
    return { ok: false, code: 'signature-invalid', message: `it is from no Sigstore instance gh accepts: ${instance.unrecognised}` };
  return instance === 'github'
    ? checkBundle(bundle, trust.github ?? githubInstanceTrust(), undefined, true, undefined, GITHUB_THRESHOLDS)
    : checkBundle(bundle, trust.publicGood);
}

/**
 * One candidate must hold. (gh at cli/cli@44ee177 fails the whole set when any candidate fails,
 * verification/sigstore.go:202-211 and extensions.go:20-23; we keep "one attestation that holds",
 * so that a stale or foreign attestation of the same digest does not hide a good one.) `roots` is
 * public-good Sigstore's root (GitHub's then being the bundled one), or both roots.
 */
export function verifyGithubAttestations(
  file: FileDigest,
  bundles: unknown[],
  policy: AttestationPolicy,
  roots: TrustContext | AttestationTrust,
): AttestationVerdict {
  const trust: AttestationTrust = 'publicGood' in roots ? roots : { publicGood: roots };
  const digest = digestName(file);
  const checked = bundles.length;
  if (bundles.length === 0) return { ...coded('signature-missing'), reason: `No attestation names ${digest}.`, checked };
  // gh reads every bundle before it verifies any: one that is not a bundle fails the set.
  const parsed: Bundle[] = [];
  for (const json of bundles) {
    const one = parseBundle(json);
    if (!one.ok) {
      // A malformed attestation is attestation evidence that is wrong: provenance-invalid, as gh fails it.
      return one.code === 'bundle-malformed'
        ? { ...coded('provenance-invalid'), reason: `An attestation is malformed: ${one.message}.`, checked }
        : { ...coded(one.code), reason: `An attestation cannot be read: ${one.message}.`, checked };
    }
    parsed.push(one.bundle);
  }
  const wanted = policy.predicateType ?? SLSA_PROVENANCE_V1;
  const candidates = parsed.flatMap((bundle) => {
    const statement = readStatement(bundle);
    return statement?.predicateType === wanted ? [{ bundle, statement }] : [];
  });
  if (candidates.length === 0) {
    // Nothing to verify as gh would (it filters first); but evidence that does not verify is still
    // reported as such rather than as a mere predicate mismatch.
    for (const bundle of parsed) {
      const result = checkWithInstance(bundle, trust);
      if (!result.ok && hasVerdict(result.code, 'invalid'))
        return { ...coded('provenance-invalid'), reason: `An attestation does not verify: ${result.message}.`, checked };
    }
    const found = [...new Set(parsed.map((b) => readStatement(b)?.predicateType ?? 'no in-toto statement'))].join(', ');
    return { ...coded('signer-not-allowed'), reason: `No attestation has the predicate type ${wanted} (found: ${found}).`, checked };
  }
  const failures: OneVerdict[] = [];
  for (const { bundle, statement } of candidates) {
    const one = checkOne(file, bundle, statement, policy, trust);
    if (one.verdict === 'verified') return { ...one, checked };
    failures.push(one);
  }
  // None holds: the most serious failure speaks (evidence that is wrong, then a signer not accepted).
  const worst = failures.find((f) => f.verdict === 'invalid') ?? failures.find((f) => f.verdict === 'policy-violation') ?? failures[0];
  const reason =
    candidates.length > 1
      ? `None of ${candidates.length} attestations holds; ${worst.reason}.`
      : `${worst.reason.charAt(0).toUpperCase()}${worst.reason.slice(1)}.`;
  return { ...worst, reason, checked };
}

function checkOne(file: FileDigest, bundle: Bundle, statement: Statement, policy: AttestationPolicy, trust: AttestationTrust): OneVerdict {
  const digest = digestName(file);
  if (bundle.mediaType === FIRST_BUNDLE_VERSION)
    return { ...coded('bundle-unsupported'), reason: 'the attestation is a version 0.1 Sigstore bundle, which gh does not accept (0.2 and later)' };
  if (bundle.verificationMaterial.content.$case === 'publicKey')
    return { ...coded('trust-material-missing'), reason: 'the attestation is signed with a key, not a GitHub Actions certificate' };
  const subject = matchSubject(statement, file);
  if (subject === 'other-content') return { ...coded('provenance-subject-mismatch'), reason: `the attestation is about other content than ${digest}` };
  const checked = checkWithInstance(bundle, trust);
  if (!checked.ok)
    return hasVerdict(checked.code, 'invalid')
      ? { ...coded('provenance-invalid'), reason: `the attestation does not verify: ${checked.message}` }
      : { ...coded(checked.code), reason: checked.message };
  const identity = signerIdentity(bundle) ?? {};
  if (subject === 'other-algorithm') {
    const other = file.algorithm === 'sha256' ? 'sha512' : 'sha256';
    // Valid evidence about this file, under its other digest: a policy's refusal (--digest-alg),
    // not wrong evidence — its own code, no longer provenance-subject-mismatch (invalid).
    return {
      ...coded('digest-algorithm-mismatch'),
      reason: `the attestation names the file by its ${other} digest, not by ${digest} (--digest-alg ${other})`,
      identity,
    };
  }
  if (policy.noPublicGood && instanceOf(bundle) === 'public-good')
    return { ...coded('signer-not-allowed'), reason: 'the attestation is signed through public-good Sigstore, which --no-public-good refuses', identity };
  const mismatch = policyMismatch(identity, policy);
  if (mismatch) return { ...coded('signer-not-allowed'), reason: mismatch, identity };
  return {
    ...coded('verified'),
    reason: `Attested by ${identity.subjectAlternativeName} for ${identity.sourceRepository} (${statement.predicateType}).`,
    identity,
  };
}

export const RELEASE_PREDICATE = 'https://in-toto.io/attestation/release/v0.1';
/** The identity GitHub signs immutable releases with on github.com (gh release verify expects it). */
const RELEASE_SIGNER = 'https://dotcom.releases.github.com';

/**
 * A release of `owner/repo` attested by GitHub (immutable releases): a bundle that verifies, signed
 * by GitHub's release identity, whose statement's `pkg:github/<owner>/<repo>@<tag>` subject has the
 * commit's sha1. Returns the tag attested, or why none holds.
 */
export function verifyReleaseAttestations(
  repository: string,
  commit: string,
  bundles: unknown[],
  publicGood: TrustContext,
): { ok: true; tag: string } | ReleaseFailure {
  const unattested: ReleaseFailure = { ok: false, code: 'release-unattested', message: `no release of ${repository} attests commit ${commit}` };
  if (bundles.length === 0) return unattested;
  // Release attestation evidence that is wrong, whatever is wrong with it, is provenance-invalid.
  const wrong = (message: string): ReleaseFailure => ({ ok: false, code: 'provenance-invalid', message });
  let failure: ReleaseFailure | undefined;
  for (const json of bundles) {
    const parsed = parseBundle(json);
    if (!parsed.ok || parsed.bundle.content.$case !== 'dsseEnvelope') {
      failure ??= wrong('a release attestation is malformed');
      continue;
    }
    const bundle = parsed.bundle;
    const envelope = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
    let statement: {
      predicateType?: string;
      subject?: Array<{ uri?: string; digest?: Record<string, string> }>;
      predicate?: { repository?: string; tag?: string };
    };
    try {
      statement = JSON.parse(Buffer.from(envelope!.payload).toString('utf8'));
    } catch {
      failure ??= wrong("a release attestation's statement is not JSON");
      continue;
    }
    if (statement.predicateType !== RELEASE_PREDICATE) continue; // another kind of attestation of the commit
    const prefix = `pkg:github/${repository.toLowerCase()}@`;
    const subject = statement.subject?.find((s) => s.uri?.toLowerCase().startsWith(prefix));
    if (!subject || subject.digest?.sha1 !== commit || statement.predicate?.repository?.toLowerCase() !== repository.toLowerCase()) {
      failure = wrong(`a release attestation is not about ${repository} at ${commit}`);
      continue;
    }
    const checked = checkWithInstance(bundle, { publicGood });
    if (!checked.ok) {
      const message = `a release attestation does not verify: ${checked.message}`;
      failure = hasVerdict(checked.code, 'invalid') ? wrong(message) : { ok: false, code: checked.code, message };
      continue;
    }
    const san = signingCertificate(bundle)?.subjectAltName;
    if (san !== RELEASE_SIGNER) {
      failure = wrong(`a release attestation is signed by ${san ?? 'an unknown identity'}, not GitHub's release signer`);
      continue;
    }
    return { ok: true, tag: subject.uri!.slice(prefix.length) };
  }
  return failure ?? unattested;
}

/** Why no release attestation holds: none (`release-unattested`), one that is wrong, or one that cannot be decided. */
export type ReleaseFailure = Failure<'release-unattested' | 'provenance-invalid' | CodeOf<'unverifiable'>>;
