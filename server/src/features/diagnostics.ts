// Verification results and parse problems → LSP diagnostics. One code per rule (the result's
// reason code), a default severity per rule that users can change, and unverifiable results
// summarised once per cause instead of repeated on every line.

import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { CheckedDependency } from '../core/checker';
import type { ParseProblem } from '../core/dependency';
import { REASONS, type ReasonCode } from '../core/reasons';
import type { RuleSeverity, Settings } from '../shared/protocol';

export const SOURCE = 'provenance-lens';

/** Every code a diagnostic can carry, with its default severity: the table's (core/reasons.ts). */
export const DEFAULT_RULES = Object.fromEntries((Object.keys(REASONS) as ReasonCode[]).map((code) => [code, REASONS[code].severity])) as Record<
  ReasonCode,
  RuleSeverity
>;

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
  const push = (code: ReasonCode, range: ParseProblem['range'], message: string) => {
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
