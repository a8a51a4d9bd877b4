// The CLI's output formats. The JSON shape is a public contract (README, "JSON output"):
// fields may be added, never renamed or removed.

import * as path from 'node:path';
import type { CheckedDependency } from '../core/checker';
import { purlType } from '../core/sbom/purl';
import type { ParseProblem } from '../core/dependency';
import { redact } from '../core/http/http';
import { VERDICTS, type Verdict } from '../core/verdict';
import { REASONS, isReasonCode } from '../core/reasons';

export interface FileReport {
  file: string;
  problems: ParseProblem[];
  checked: CheckedDependency[];
}

export interface JsonResult {
  file: string;
  line: number;
  ecosystem: string;
  name: string;
  version: string | null;
  purl: string | null;
  signature: string;
  provenance: string;
  verdict: Verdict;
  code: string;
  reason: string;
  findings: Array<{ code: string; message: string }>;
  registry?: string;
  signatureKeyId?: string;
  provenanceDetails?: Record<string, unknown>;
  /** OCI references: `container image`, `Helm chart`, `WebAssembly module` or `OCI artifact`. */
  artifactType?: string;
  /** The publisher the catalog of known signers attributes the signature to. */
  publisher?: string;
  /** Who signed it (signer continuity), and who did before when another identity signs it now. */
  signer?: string;
  previousSigner?: string;
}

export function toJson(reports: FileReport[], cwd: string) {
  const results: JsonResult[] = [];
  const problems: Array<{ file: string; line: number; message: string }> = [];
  for (const report of reports) {
    const file = path.relative(cwd, report.file) || report.file;
    for (const p of report.problems) problems.push({ file, line: p.range.start.line + 1, message: p.message });
    for (const { dependency, result } of report.checked) {
      results.push({
        file,
        line: dependency.specRange.start.line + 1,
        // Ecosystems without a verifier yet are named by their package URL's type (pypi, maven, …).
        ecosystem: result.ecosystem === 'other' ? (purlType(result.purl) ?? 'other') : result.ecosystem,
        name: result.name,
        version: result.version ?? null,
        purl: result.purl ?? null,
        signature: result.signature,
        provenance: result.provenance,
        verdict: result.verdict,
        code: result.code,
        reason: result.reason,
        findings: result.findings,
        registry: result.registry ? redact(result.registry) : undefined,
        signatureKeyId: result.signatureKeyId,
        provenanceDetails: result.provenanceDetails as Record<string, unknown> | undefined,
        artifactType: result.artifactType,
        publisher: result.publisher,
        signer: result.signer,
        previousSigner: result.previousSigner,
      });
    }
  }
  return { results, problems };
}

export function toText(reports: FileReport[], cwd: string): string {
  const { results, problems } = toJson(reports, cwd);
  const lines: string[] = [];
  const mark: Record<Verdict, string> = { verified: 'ok  ', unsigned: 'warn', unverifiable: '??  ', 'policy-violation': 'pol ', invalid: 'FAIL' };
  for (const p of problems) lines.push(`${p.file}:${p.line}: problem: ${p.message}`);
  // Unverifiable results with the same cause (e.g. a registry with no keys) are said once, not per line.
  const grouped = new Map<string, number>();
  for (const r of results) {
    if (r.verdict === 'unverifiable' && (r.code === 'registry-no-keys' || r.code === 'network-error' || r.code === 'offline-not-cached')) {
      const key = `${r.registry ?? ''}: ${r.reason}`;
      grouped.set(key, (grouped.get(key) ?? 0) + 1);
      continue;
    }
    const version = r.version ? `@${r.version}` : '';
    lines.push(`${mark[r.verdict]} ${r.file}:${r.line} ${r.name}${version} — ${r.verdict}: ${r.reason}`);
    for (const f of r.findings) lines.push(`     ${' '.repeat(r.file.length)}  warning: ${f.message}`);
  }
  for (const [key, count] of grouped) lines.push(`??   ${count} package(s) unverifiable — ${key}`);
  const counts = VERDICTS.map((v) => `${results.filter((r) => r.verdict === v).length} ${v}`).join(', ');
  lines.push('', `${results.length} packages: ${counts}`);
  return lines.join('\n');
}

/** SARIF 2.1.0 with one rule per reason code (described as the table describes it); verified results are omitted. */
export function toSarif(reports: FileReport[], cwd: string) {
  const { results, problems } = toJson(reports, cwd);
  const level = (v: Verdict) => (v === 'invalid' ? 'error' : v === 'unverifiable' ? 'note' : 'warning');
  const sarifResults = [
    ...results
      .filter((r) => r.verdict !== 'verified' || r.findings.length > 0)
      .flatMap((r) => [
        ...(r.verdict !== 'verified'
          ? [
              {
                ruleId: r.code,
                level: level(r.verdict),
                message: { text: `${r.name}${r.version ? '@' + r.version : ''}: ${r.reason}` },
                file: r.file,
                line: r.line,
              },
            ]
          : []),
        ...r.findings.map((f) => ({ ruleId: f.code, level: 'warning', message: { text: `${r.name}@${r.version}: ${f.message}` }, file: r.file, line: r.line })),
      ]),
    ...problems.map((p) => ({ ruleId: 'parse-error', level: 'error', message: { text: p.message }, file: p.file, line: p.line })),
  ];
  const rules = [...new Set(sarifResults.map((r) => r.ruleId))].map((id) => ({
    id,
    name: id,
    ...(isReasonCode(id) ? { shortDescription: { text: REASONS[id].description } } : {}),
  }));
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'provenance-lens', rules } },
        results: sarifResults.map(({ file, line, ...rest }) => ({
          ...rest,
          locations: [{ physicalLocation: { artifactLocation: { uri: file.split(path.sep).join('/') }, region: { startLine: line } } }],
        })),
      },
    ],
  };
}
