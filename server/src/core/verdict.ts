// The closed set of verdicts every ecosystem reports (see DEVELOPERS.md, "Verdicts").
// Order matters: later entries are worse, and a combined verdict is the worst of its parts.

export const VERDICTS = ['verified', 'unsigned', 'unverifiable', 'policy-violation', 'invalid'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type SignatureStatus = 'verified' | 'unsigned' | 'invalid' | 'unverifiable';
export type ProvenanceStatus = 'verified' | 'absent' | 'invalid' | 'unverifiable';

// The reason codes, each with the one verdict it stands for, are in reasons.ts.

export function worse(a: Verdict, b: Verdict): Verdict {
  return VERDICTS.indexOf(a) >= VERDICTS.indexOf(b) ? a : b;
}

/** True when the CLI should exit 1 for this verdict. */
export function isFailing(verdict: Verdict): boolean {
  return verdict === 'invalid' || verdict === 'unsigned' || verdict === 'policy-violation';
}
