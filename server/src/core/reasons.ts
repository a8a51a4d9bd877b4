// The one table of reason codes: every code a result, a finding or a file problem carries, with the
// verdict it stands for, the editor's default severity, a title and a one-sentence description.
// `diagnostic.code`, the CLI's JSON `code` and SARIF rule ids are these codes. What is derived from
// the table — the editor's default rules (features/diagnostics.ts), the `provenanceLens.rules`
// schema in package.json and the README's table of codes (both written by `npm run generate`) —
// is never kept by hand.
//
// Three kinds of code:
// - `verdict`: a PackageResult's (or a signed file's) `code`. Each names exactly one verdict, and
//   the verdict is taken from here (`decided`, `coded`, `verdictOf`): a code and a verdict are never
//   written side by side where they could disagree.
// - `finding`: a warning beside a verdict that does not change it (`PackageResult.findings`).
// - `problem`: said about a file, not a package — parse problems, the policy's and an SBOM's own
//   defects, references that cannot be named — and the editor's summary of undecided packages.
//
// One error convention in the core: a check that fails returns `{ ok: false, code, message }`
// (`Failure`), its verdict being the code's. Plain parse and I/O helpers that decide no verdict
// (a file that is not JSON, a repository that cannot be read) keep returning `{ error: string }`;
// the verifier that calls them chooses the code.
//
// Shared machinery: imports nothing but the verdict set.

import type { Verdict } from './verdict';

/** The severities a user can give each code (`provenanceLens.rules`). */
export type Severity = 'error' | 'warning' | 'info' | 'off';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'off'];

export type ReasonKind = 'verdict' | 'finding' | 'problem';

interface Described {
  /** The editor's default; users change it per code. */
  severity: Severity;
  title: string;
  /** One sentence: the settings schema's and the README's description of the code. */
  description: string;
}

export type Reason = Described & ({ kind: 'verdict'; verdict: Verdict } | { kind: 'finding' | 'problem'; verdict?: never });

// The editor never shows the code of an `unverifiable` result on its line: it says it once per cause
// (`unverifiable-summary`). Their severities are off, but for two that signed local files carry
// (bundle-unsupported, identity-unconfirmed), which keep the defaults they had.
export const REASONS = {
  // ── verified
  verified: {
    kind: 'verdict',
    verdict: 'verified',
    severity: 'info',
    title: 'Verified',
    description: 'Every check that applies passed (shown only when provenanceLens.showVerified is on, unless set here).',
  },

  // ── unsigned
  'signature-missing': {
    kind: 'verdict',
    verdict: 'unsigned',
    severity: 'warning',
    title: 'No signature',
    description: 'No signature, attestation or provenance file, although the registry or format has a way to carry one.',
  },
  // Immutable releases with attestations are new: most actions have none yet.
  'release-unattested': {
    kind: 'verdict',
    verdict: 'unsigned',
    severity: 'info',
    title: 'Release not attested',
    description: 'The commit an action names is in no release GitHub attests (immutable releases).',
  },
  // A registry without any signature scheme (Cargo): said, but not a warning on every line.
  'no-signature-scheme': {
    kind: 'verdict',
    verdict: 'unsigned',
    severity: 'info',
    title: 'No signature scheme',
    description: 'The registry has no signature scheme (Cargo): the checksum matches, but nothing vouches for who published it.',
  },

  // ── invalid: evidence exists and is wrong
  'signature-invalid': {
    kind: 'verdict',
    verdict: 'invalid',
    severity: 'error',
    title: 'Signature invalid',
    description: 'A signature does not verify, or its certificate, transparency-log entry or timestamp does not hold.',
  },
  'signature-key-unknown': {
    kind: 'verdict',
    verdict: 'invalid',
    severity: 'error',
    title: 'Unknown signing key',
    description: 'Signed with a key the registry does not publish.',
  },
  'signature-key-expired': {
    kind: 'verdict',
    verdict: 'invalid',
    severity: 'error',
    title: 'Expired signing key',
    description: 'Signed with a key that had expired before the version was published.',
  },
  'integrity-mismatch': {
    kind: 'verdict',
    verdict: 'invalid',
    severity: 'error',
    title: 'Integrity mismatch',
    description: 'The integrity or checksum the lockfile pins differs from what the registry lists or serves.',
  },
  'digest-mismatch': {
    kind: 'verdict',
    verdict: 'invalid',
    severity: 'error',
    title: 'Digest mismatch',
    description: 'A registry served content that does not match the digest asked for.',
  },
  // Also npm's malformed or non-DSSE attestations, which until issue 17 were provenance-unsupported (invalid).
  'provenance-invalid': {
    kind: 'verdict',
    verdict: 'invalid',
    severity: 'error',
    title: 'Attestation invalid',
    description: 'A provenance, publish or release attestation is malformed or does not verify (signature, certificate chain, transparency log).',
  },
  'provenance-subject-mismatch': {
    kind: 'verdict',
    verdict: 'invalid',
    severity: 'error',
    title: 'Attestation about something else',
    description: 'The attestation is about another package or another digest.',
  },
  'provenance-keyid-mismatch': {
    kind: 'verdict',
    verdict: 'invalid',
    severity: 'error',
    title: "Attestation key not the registry's",
    description: "The publish attestation names a key that is not the registry's.",
  },
  'bundle-malformed': { kind: 'verdict', verdict: 'invalid', severity: 'error', title: 'Bundle malformed', description: 'A Sigstore bundle is malformed.' },
  'artifact-mismatch': {
    kind: 'verdict',
    verdict: 'invalid',
    severity: 'error',
    title: 'Signed for another file',
    description: 'The signature or bundle is for another file than this one.',
  },

  // ── policy-violation: evidence holds, but the policy does not accept it
  // Helm wrote it with `invalid` and then overrode the verdict; decided() takes it from here now.
  'signer-not-allowed': {
    kind: 'verdict',
    verdict: 'policy-violation',
    severity: 'error',
    title: 'Signer not allowed',
    description: 'Valid evidence signed by an identity or key the policy, the expected signers or the catalog of known signers do not accept.',
  },
  'provenance-required': {
    kind: 'verdict',
    verdict: 'policy-violation',
    severity: 'warning',
    title: 'Provenance required',
    description: 'The policy requires provenance, and there is none.',
  },
  // Split from provenance-subject-mismatch (invalid): an attestation that names the file by its
  // other digest is valid evidence, refused only because --digest-alg asks for another algorithm.
  'digest-algorithm-mismatch': {
    kind: 'verdict',
    verdict: 'policy-violation',
    severity: 'error',
    title: 'Other digest algorithm',
    description: 'The attestation names the file by another digest algorithm than the one asked for (--digest-alg).',
  },

  // ── unverifiable: we could not decide
  'registry-no-keys': {
    kind: 'verdict',
    verdict: 'unverifiable',
    severity: 'off',
    title: 'Registry without keys',
    description: 'The registry publishes no signing keys, so its signatures cannot be checked.',
  },
  // Undecided only. Until issue 17 Cargo used it for a yanked version's finding (now version-yanked),
  // and the gem verifier as `invalid` for a gem the server lists attestations for but does not serve
  // (now registry-error: the server contradicts itself, as an npm registry that advertises
  // attestations it does not serve; no evidence was shown wrong).
  'version-not-found': {
    kind: 'verdict',
    verdict: 'unverifiable',
    severity: 'off',
    title: 'Version not found',
    description: 'The registry, index or repository has no such package, version or file.',
  },
  'spec-unsupported': {
    kind: 'verdict',
    verdict: 'unverifiable',
    severity: 'off',
    title: 'Nothing to verify against',
    description: 'There is nothing to verify it against: a git, path or URL source, a version not pinned, a private module, or an ecosystem not verified yet.',
  },
  'network-error': {
    kind: 'verdict',
    verdict: 'unverifiable',
    severity: 'off',
    title: 'Network error',
    description: 'The registry or the place its evidence lives could not be reached.',
  },
  'registry-error': {
    kind: 'verdict',
    verdict: 'unverifiable',
    severity: 'off',
    title: 'Registry error',
    description: 'The registry answered with an error or with what cannot be read, or no registry is configured.',
  },
  'offline-not-cached': { kind: 'verdict', verdict: 'unverifiable', severity: 'off', title: 'Offline', description: 'Offline, and not verified before.' },
  // Not for formats or features we do not support (provenance-unsupported, bundle-unsupported), which
  // PyPI, gems, Maven and gh attestation checks labelled with it until issue 17.
  'trust-material-missing': {
    kind: 'verdict',
    verdict: 'unverifiable',
    severity: 'off',
    title: 'Trust material missing',
    description: 'What is needed to decide is missing: an accepted key or keyring, a transparency-log entry, or a trusted root that could not be refreshed.',
  },
  // npm used it for malformed attestations too (invalid): those are provenance-invalid now.
  'provenance-unsupported': {
    kind: 'verdict',
    verdict: 'unverifiable',
    severity: 'off',
    title: 'Attestation format unsupported',
    description: 'The attestation has a format or version this verifier does not support.',
  },
  'bundle-unsupported': {
    kind: 'verdict',
    verdict: 'unverifiable',
    severity: 'warning',
    title: 'Bundle unsupported',
    description: 'The Sigstore bundle uses a version or feature this verifier does not support, or needs the file rather than its digest.',
  },
  // A valid signature whose signer nobody has confirmed yet: a question, not a problem.
  'identity-unconfirmed': {
    kind: 'verdict',
    verdict: 'unverifiable',
    severity: 'info',
    title: 'Signer not confirmed',
    description: 'A valid signature whose signer nobody has confirmed yet.',
  },

  // ── findings: beside the verdict, never changing it
  'provenance-downgrade': {
    kind: 'finding',
    severity: 'warning',
    title: 'Provenance downgrade',
    description: 'Earlier versions had provenance, this one has none.',
  },
  'provenance-repository-mismatch': {
    kind: 'finding',
    severity: 'warning',
    title: 'Built from another repository',
    description: 'Built from another repository than the package declares.',
  },
  // Most images are referenced by tag; a warning on every one would drown the rest. Turn on with "warning".
  'image-not-pinned': {
    kind: 'finding',
    severity: 'off',
    title: 'Image not pinned',
    description: 'The image is referenced by tag, not by digest (Pin to digest fixes it).',
  },
  'image-tag-moved': { kind: 'finding', severity: 'warning', title: 'Tag moved', description: 'The tag names another digest than when it was last checked.' },
  // Another identity signs it than signed it before: said until the policy accepts the new signer.
  'signer-changed': { kind: 'finding', severity: 'warning', title: 'Signer changed', description: 'Another identity signs it than signed it before.' },
  // A tag of an action can be moved to other code; GitHub's own hardening guide asks for commits.
  'action-not-pinned': {
    kind: 'finding',
    severity: 'warning',
    title: 'Action not pinned',
    description: 'The action is referenced by tag or branch, not by commit (Pin to commit fixes it).',
  },
  // Split from version-not-found (an unverifiable verdict), which Cargo used for this finding.
  'version-yanked': { kind: 'finding', severity: 'warning', title: 'Version yanked', description: 'The locked version has been yanked from the registry.' },

  // ── problems of a file, and the editor's summary
  'parse-error': {
    kind: 'problem',
    severity: 'error',
    title: 'File not readable',
    description: 'The file (or part of it) is not valid JSON, YAML, TOML or XML; the rest is still read.',
  },
  'policy-invalid': { kind: 'problem', severity: 'error', title: 'Policy invalid', description: 'A problem in provenance-policy.json (or .yaml) itself.' },
  // An SBOM's own defects (bad purls, dangling refs, schema errors): worth fixing, not a verdict.
  'sbom-invalid': {
    kind: 'problem',
    severity: 'warning',
    title: 'SBOM defect',
    description: "An SBOM's own defect: a bad package URL, a duplicate or dangling reference, a schema error.",
  },
  // An image filled in at build or deploy time is worth knowing about, not a warning.
  'image-unresolved': {
    kind: 'problem',
    severity: 'info',
    title: 'Image unresolved',
    description: 'An image or chart version filled in at build or deploy time (a build argument without default, a template, a range).',
  },
  // A problem only: the image verifier, which gave it to a dependency without a reference until
  // issue 17, says spec-unsupported (a problem code is never a result's code).
  'image-invalid': { kind: 'problem', severity: 'error', title: 'Not a reference', description: 'Not a valid image or chart reference.' },
  'unverifiable-summary': {
    kind: 'problem',
    severity: 'info',
    title: 'Could not verify',
    description: 'Packages that could not be verified (network, registry without keys, …), said once per cause instead of on every line.',
  },
} as const satisfies Record<string, Reason>;

type Table = typeof REASONS;
export type ReasonCode = keyof Table;
type CodesWhere<P> = { [C in ReasonCode]: Table[C] extends P ? C : never }[ReasonCode];

export type VerdictCode = CodesWhere<{ kind: 'verdict' }>;
export type FindingCode = CodesWhere<{ kind: 'finding' }>;
export type ProblemCode = CodesWhere<{ kind: 'problem' }>;
/** The codes that stand for one of `V`'s verdicts. */
export type CodeOf<V extends Verdict> = CodesWhere<{ verdict: V }>;
export type UnverifiableCode = CodeOf<'unverifiable'>;
/** The codes a check that did not verify can carry. */
export type FailureCode = CodeOf<Exclude<Verdict, 'verified'>>;
export type VerdictOf<C extends VerdictCode> = Table[C]['verdict'];

/** A warning that does not change the verdict without a policy (downgrade, repository mismatch, …). */
export interface Finding {
  code: FindingCode;
  message: string;
}

/** A check that failed, in every part of the core: what failed (its verdict is the code's) and why. */
export interface Failure<C extends FailureCode = FailureCode> {
  ok: false;
  code: C;
  message: string;
}

/** The verdict a code stands for. */
export function verdictOf<C extends VerdictCode>(code: C): VerdictOf<C> {
  return REASONS[code].verdict as VerdictOf<C>;
}

/** Whether a code stands for `verdict` (narrows the code's type). */
export function hasVerdict<C extends VerdictCode, V extends Verdict>(code: C, verdict: V): code is Extract<C, CodeOf<V>> {
  return REASONS[code].verdict === verdict;
}

/** `{ verdict, code }` with the verdict the table gives the code: for results written as literals. */
export function coded<C extends VerdictCode>(code: C): { verdict: VerdictOf<C>; code: C } {
  return { verdict: verdictOf(code), code };
}

export function isReasonCode(code: string): code is ReasonCode {
  return Object.hasOwn(REASONS, code);
}

/** Every code of a kind, in the table's order. */
export function codesOf<K extends ReasonKind>(kind: K): Array<CodesWhere<{ kind: K }>> {
  return (Object.keys(REASONS) as ReasonCode[]).filter((code) => REASONS[code].kind === kind) as Array<CodesWhere<{ kind: K }>>;
}
