// A short verdict after each dependency's version string: "✓ signed + provenance", "✗ invalid
// signature". `provenanceLens.inlayHints` chooses all, problems only (the default), or none.

import { type InlayHint, InlayHintKind } from 'vscode-languageserver';
import type { CheckedDependency } from '../core/checker';
import type { PackageResult } from '../core/result';
import type { Settings } from '../shared/protocol';

export function inlayHints(checked: CheckedDependency[], settings: Settings, visible?: { start: number; end: number }): InlayHint[] {
  if (settings.inlayHints === 'off') return [];
  const hints: InlayHint[] = [];
  for (const { dependency, result } of checked) {
    const line = dependency.specRange.end.line;
    if (visible && (line < visible.start || line > visible.end)) continue;
    const problem = result.verdict !== 'verified' && result.verdict !== 'unverifiable';
    if (settings.inlayHints === 'problems' && !problem && result.findings.length === 0) continue;
    hints.push({
      position: dependency.specRange.end,
      label: shortVerdict(result),
      kind: InlayHintKind.Parameter,
      paddingLeft: true,
      tooltip: result.reason,
    });
  }
  return hints;
}

export function shortVerdict(r: PackageResult): string {
  switch (r.verdict) {
    case 'verified':
      if (r.findings.length > 0) return `⚠ ${r.findings[0].code.replace(/-/g, ' ')}`;
      return r.provenance === 'verified' ? '✓ signed + provenance' : '✓ signed';
    case 'invalid':
      return `✗ ${r.code.replace(/-/g, ' ')}`;
    case 'unsigned':
      return '⚠ unsigned';
    case 'policy-violation':
      return `⚠ policy: ${r.code.replace(/-/g, ' ')}`;
    default:
      return '? unverifiable';
  }
}
