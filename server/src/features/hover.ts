// Hover on a dependency: the resolved version, both checks with their reasons, and the
// provenance summary with links to the source commit and the transparency-log entry.

import type { Hover, Position } from 'vscode-languageserver';
import type { CheckedDependency } from '../core/checker';
import type { Range } from '../core/dependency';
import { evidenceLabelOf } from '../core/ecosystems/registry';
import { commitUrl, signingTime } from '../core/result';

export function dependencyAt(checked: CheckedDependency[], position: Position): CheckedDependency | undefined {
  return checked.find((c) => contains(c.dependency.nameRange, position) || contains(c.dependency.specRange, position));
}

export function hoverFor(c: CheckedDependency): Hover {
  const r = c.result;
  const lines: string[] = [];
  // In code spans: `name@version` would otherwise be rendered as an e-mail link.
  lines.push(`**\`${r.name}${r.version ? '@' + r.version : ''}\`** — ${r.verdict}`, '');
  if (r.version && c.dependency.spec !== r.version) lines.push(`Resolved \`${c.dependency.spec}\` to ${r.version}.`, '');
  lines.push(r.reason, '');
  if (r.ecosystem === 'oci') return { contents: { kind: 'markdown', value: [...lines, ...imageLines(c)].join('\n') }, range: c.dependency.specRange };
  const key = r.signatureKeyId ? ` (key \`${r.signatureKeyId}\`)` : '';
  // Where one attestation is the only evidence (Python, gems), one line says both.
  const single = evidenceLabelOf(r.ecosystem);
  lines.push(`- ${single ?? 'Registry signature'}: **${r.signature}**${key}${r.signature === 'verified' ? '' : ' — ' + r.signatureReason}`);
  if (!single) lines.push(`- Provenance: **${r.provenance}**${r.provenance === 'verified' ? '' : ' — ' + r.provenanceReason}`);
  if (r.commit) lines.push(`- Commit: \`${r.commit}\`${c.dependency.version ? ' (pinned)' : ` (what \`${c.dependency.spec}\` names now)`}`);
  const d = r.provenanceDetails;
  if (d && r.provenance === 'verified') {
    const repo = d.sourceRepository;
    if (repo) {
      const commit = d.sourceCommit ? ` @ [${d.sourceCommit.slice(0, 12)}](${commitUrl(d)})` : '';
      lines.push(`- Source: [${repo}](${repo})${commit}${d.sourceRef ? ` (${d.sourceRef})` : ''}`);
    }
    if (d.workflowPath || d.buildConfigURI) lines.push(`- Workflow: \`${d.workflowPath ?? d.buildConfigURI}\``);
    if (d.builderId) lines.push(`- Builder: \`${d.builderId}\``);
    if (d.buildTrigger) lines.push(`- Trigger: ${d.buildTrigger}`);
    if (d.subjectAlternativeName) lines.push(`- Signed by: \`${d.subjectAlternativeName}\` (issuer \`${d.issuer ?? '?'}\`)`);
    if (d.logIndex) {
      const entry = d.logEntryUrl ? `[${d.logIndex}](${d.logEntryUrl})` : d.logIndex;
      lines.push(`- Transparency log: entry ${entry}${signingTime(d) ? `, ${signingTime(d)}` : ''}`);
    }
  }
  for (const f of r.findings) lines.push(`- ⚠ ${f.message}`);
  return { contents: { kind: 'markdown', value: lines.join('\n') }, range: c.dependency.specRange };
}

function imageLines({ dependency, result: r }: CheckedDependency): string[] {
  const lines: string[] = [];
  if (r.artifactType && r.artifactType !== 'container image') lines.push(`- Artifact: ${r.artifactType}`);
  if (r.publisher) lines.push(`- Publisher: **${r.publisher}** (a signer it documents)`);
  if (r.digest) lines.push(`- Digest: \`${r.digest}\`${dependency.image?.digest ? '' : ` (what \`${dependency.image?.tag ?? 'latest'}\` names now)`}`);
  if (dependency.source) lines.push(`- Found in: ${dependency.source}${dependency.platform ? ` (platform ${dependency.platform})` : ''}`);
  if (r.platforms) lines.push(`- Multi-platform index; its signature covers ${r.platforms.join(', ') || 'no listed platform'}`);
  lines.push(`- Signature: **${r.signature}**${r.signature === 'verified' ? '' : ' — ' + r.signatureReason}`);
  if (r.provenanceDetails?.predicateTypes.length) lines.push(`- Attestations: ${r.provenanceDetails.predicateTypes.join(', ')}`);
  if (r.provenance !== 'absent') lines.push(`- Provenance: **${r.provenance}**${r.provenance === 'verified' ? '' : ' — ' + r.provenanceReason}`);
  const d = r.provenanceDetails;
  if (d && r.provenance === 'verified') {
    const signer = d.signerKey
      ? `key \`${d.signerKey}\``
      : d.subjectAlternativeName
        ? `\`${d.subjectAlternativeName}\` (issuer \`${d.issuer ?? '?'}\`)`
        : undefined;
    lines.push(`- Provenance${d.builderId ? ` built by \`${d.builderId}\`` : ''}${signer ? `, signed by ${signer}` : ''}`);
  }
  for (const s of r.signers ?? []) {
    const who = s.key ? `key \`${s.key}\`` : `\`${s.subject ?? '?'}\`${s.issuer ? ` (issuer \`${s.issuer}\`)` : ''}`;
    const when = signingTime(s);
    lines.push(`- Signed by ${who}${s.logIndex ? `, transparency log entry ${s.logIndex}${when ? `, ${when}` : ''}` : ', no transparency-log entry'}`);
  }
  return lines;
}

function contains(range: Range, p: Position): boolean {
  const afterStart = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return afterStart && beforeEnd;
}
