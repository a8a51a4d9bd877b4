// The closed set of verdicts every ecosystem reports (see DEVELOPERS.md, "Verdicts").
// Order matters: later entries are worse, and a combined verdict is the worst of its parts.

export const VERDICTS = ['verified', 'unsigned', 'unverifiable', 'policy-violation', 'invalid'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type SignatureStatus = 'verified' | 'unsigned' | 'invalid' | 'unverifiable';
export type ProvenanceStatus = 'verified' | 'absent' | 'invalid' | 'unverifiable';

/** Stable codes: they appear as `diagnostic.code`, in the CLI's JSON and in SARIF rule ids. */
export type ReasonCode =
  | 'verified'
  | 'signature-missing'
  | 'signature-invalid'
  | 'signature-key-unknown'
  | 'signature-key-expired'
  | 'integrity-mismatch'
  | 'digest-mismatch'
  | 'image-unresolved'
  | 'image-invalid'
  | 'registry-no-keys'
  | 'provenance-invalid'
  | 'provenance-subject-mismatch'
  | 'provenance-keyid-mismatch'
  | 'provenance-unsupported'
  | 'provenance-downgrade'
  | 'image-not-pinned'
  | 'image-tag-moved'
  | 'signer-changed'
  | 'action-not-pinned'
  | 'release-unattested'
  | 'no-signature-scheme'
  | 'provenance-repository-mismatch'
  | 'provenance-required'
  | 'signer-not-allowed'
  | 'policy-invalid'
  | 'version-not-found'
  | 'spec-unsupported'
  | 'network-error'
  | 'registry-error'
  | 'offline-not-cached'
  | 'untrusted-workspace'
  | 'trust-material-missing'
  // Local artifacts and their bundles
  | 'bundle-malformed'
  | 'bundle-unsupported'
  | 'artifact-mismatch'
  | 'identity-unconfirmed';

export interface Finding {
  code: ReasonCode;
  message: string;
}

export function worse(a: Verdict, b: Verdict): Verdict {
  return VERDICTS.indexOf(a) >= VERDICTS.indexOf(b) ? a : b;
}

/** True when the CLI should exit 1 for this verdict. */
export function isFailing(verdict: Verdict): boolean {
  return verdict === 'invalid' || verdict === 'unsigned' || verdict === 'policy-violation';
}
