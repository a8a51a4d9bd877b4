// Verification results and parse problems → LSP diagnostics. One code per rule (the result's
// reason code), a default severity per rule that users can change, and unverifiable results
// summarised once per cause instead of repeated on every line.

import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { CheckedDependency } from '../core/checker';
import type { ParseProblem } from '../core/dependency';
import type { ReasonCode } from '../core/verdict';
import type { RuleSeverity, Settings } from '../shared/protocol';

export const SOURCE = 'provenance-lens';

/** Every code a diagnostic can carry: reason codes, plus `parse-error` and `unverifiable-summary`. */
export const DEFAULT_RULES: Record<ReasonCode | 'parse-error' | 'sbom-invalid' | 'unverifiable-summary', RuleSeverity> = {
  'parse-error': 'error',
  'signature-invalid': 'error',
  'signature-key-unknown': 'error',
  'signature-key-expired': 'error',
  'integrity-mismatch': 'error',
  'digest-mismatch': 'error',
  'image-invalid': 'error',
  // An image filled in at build or deploy time is worth knowing about, not a warning.
  'image-unresolved': 'info',
  'provenance-invalid': 'error',
  'provenance-subject-mismatch': 'error',
  'provenance-keyid-mismatch': 'error',
  'provenance-unsupported': 'error',
  'signature-missing': 'warning',
  'provenance-downgrade': 'warning',
  'provenance-repository-mismatch': 'warning',
  'image-tag-moved': 'warning',
  // Another identity signs it than signed it before: said until the policy accepts the new signer.
  'signer-changed': 'warning',
  // Most images are referenced by tag; a warning on every one would drown the rest. Turn on with "warning".
  'image-not-pinned': 'off',
  // A tag of an action can be moved to other code; GitHub's own hardening guide asks for commits.
  'action-not-pinned': 'warning',
  // Immutable releases with attestations are new: most actions have none yet.
  'release-unattested': 'info',
  // A registry without any signature scheme (Cargo): said, but not a warning on every line.
  'no-signature-scheme': 'info',
  'provenance-required': 'warning',
  'signer-not-allowed': 'error',
  'policy-invalid': 'error',
  // An SBOM's own defects (bad purls, dangling refs, schema errors): worth fixing, not a verdict.
  'sbom-invalid': 'warning',
  'bundle-malformed': 'error',
  'artifact-mismatch': 'error',
  'bundle-unsupported': 'warning',
  // A valid signature whose signer nobody has confirmed yet: a question, not a problem.
  'identity-unconfirmed': 'info',
  verified: 'info',
  'unverifiable-summary': 'info',
  // Per-line unverifiable codes are off: they are summarised once per cause instead.
  'registry-no-keys': 'off',
  'version-not-found': 'off',
  'spec-unsupported': 'off',
  'network-error': 'off',
  'registry-error': 'off',
  'offline-not-cached': 'off',
  'untrusted-workspace': 'off',
  'trust-material-missing': 'off',
};

export function severityFor(code: string, settings: Settings): DiagnosticSeverity | undefined {
  const configured = settings.rules[code] ?? (DEFAULT_RULES as Record<string, RuleSeverity>)[code] ?? 'warning';
  if (code === 'verified' && !settings.showVerified && settings.rules[code] === undefined) return undefined;
  switch (configured) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    default:
      return undefined;
  }
}

export function toDiagnostics(problems: ParseProblem[], checked: CheckedDependency[], settings: Settings): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (code: string, range: ParseProblem['range'], message: string) => {
    const severity = severityFor(code, settings);
    if (severity !== undefined) out.push({ range, message, severity, code, source: SOURCE });
  };
  for (const p of problems) push(p.code ?? 'parse-error', p.range, p.message);
  const unverifiable = new Map<string, { count: number; first: CheckedDependency }>();
  for (const c of checked) {
    const { result, dependency } = c;
    const where = `${result.name}${result.version ? '@' + result.version : ''}`;
    if (result.verdict === 'unverifiable') {
      const cause = `${result.registry ?? ''}\n${result.code}\n${result.reason}`;
      const group = unverifiable.get(cause) ?? { count: 0, first: c };
      group.count++;
      unverifiable.set(cause, group);
      continue;
    }
    push(result.verdict === 'verified' ? 'verified' : result.code, dependency.specRange, `${where}: ${result.reason}`);
    for (const f of result.findings) push(f.code, dependency.specRange, `${where}: ${f.message}`);
  }
  // Said once per cause, on the first affected line: a registry without keys is not a warning on every line.
  for (const { count, first } of unverifiable.values()) {
    const others = count > 1 ? ` (and ${count - 1} more with the same cause)` : '';
    push('unverifiable-summary', first.dependency.specRange, `Could not verify ${first.result.name}${others}: ${first.result.reason}`);
  }
  return out;
}
