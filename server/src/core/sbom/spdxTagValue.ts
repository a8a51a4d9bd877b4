// An SPDX 2.x tag-value document (`Tag: value` lines; `<text>…</text>` values may span lines) →
// the same SBOM shape as the JSON encoding: packages as components and dependencies (by the purl
// of their `ExternalRef: PACKAGE-MANAGER purl …`), relationships as the graph, and the same checks.

import type { Range } from '../dependency';
import { routeComponent } from './componentDependency';
import { type ParsedSbom, type SbomComponent } from './sbomModel';
import { SPDX_ALGORITHMS, SpdxElements, type SpdxRelationship } from './spdxModel';

interface Field {
  tag: string;
  value: string;
  line: number;
  /** Character where the value starts on its line. */
  column: number;
}

interface PackageDraft {
  start: number;
  fields: Field[];
}

export function parseSpdxTagValue(text: string): ParsedSbom {
  const sbom: ParsedSbom = { format: 'spdx', components: [], dependencies: [], graph: new Map(), rootRefs: [], routes: [], problems: [] };
  const report = (range: Range, message: string) => sbom.problems.push({ message, range, code: 'sbom-invalid' });
  const valueRange = (f: Field, length = f.value.length): Range => ({
    start: { line: f.line, character: f.column },
    end: { line: f.line, character: f.column + length },
  });
  const elements = new SpdxElements(report);
  const packages: PackageDraft[] = [];
  const relationships: SpdxRelationship[] = [];
  let current: PackageDraft | undefined;
  const documentFields = new Set<string>();

  for (const field of fields(text, report)) {
    // A package's fields run from its PackageName to the next package, file or snippet.
    if (field.tag === 'PackageName') packages.push((current = { start: field.line, fields: [] }));
    else if (field.tag === 'FileName' || field.tag === 'SnippetSPDXID') current = undefined;
    if (field.tag === 'SPDXID' && field.value !== 'SPDXRef-DOCUMENT') elements.declare(field.value, valueRange(field));
    if (field.tag === 'Relationship') {
      const [from, type, to] = field.value.split(/\s+/);
      if (from && type && to) {
        const toColumn = field.column + field.value.lastIndexOf(to);
        relationships.push({
          from,
          to,
          type,
          fromRange: valueRange(field, from.length),
          toRange: { start: { line: field.line, character: toColumn }, end: { line: field.line, character: toColumn + to.length } },
        });
      }
    } else if (current) current.fields.push(field);
    else documentFields.add(field.tag);
    if (field.tag === 'SPDXVersion') sbom.specVersion = field.value;
  }
  for (const required of ['SPDXVersion', 'DataLicense', 'DocumentName']) {
    if (!documentFields.has(required)) report({ start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, `An SPDX document needs "${required}".`);
  }
  for (const draft of packages) readPackage(draft, sbom, report, valueRange);
  elements.relate(sbom, relationships, []);
  return sbom;
}

function readPackage(
  draft: PackageDraft,
  sbom: ParsedSbom,
  report: (range: Range, message: string) => void,
  valueRange: (f: Field, length?: number) => Range,
): void {
  const one = (tag: string) => draft.fields.find((f) => f.tag === tag);
  const name = one('PackageName')?.value ?? '';
  const versionField = one('PackageVersion');
  const hashes: Record<string, string> = {};
  for (const f of draft.fields.filter((x) => x.tag === 'PackageChecksum')) {
    const [alg, value] = f.value.split(/:\s*/);
    if (alg && value) hashes[SPDX_ALGORITHMS[alg] ?? alg] = value.toLowerCase();
  }
  const licenses = ['PackageLicenseConcluded', 'PackageLicenseDeclared']
    .map((t) => one(t)?.value)
    .filter((l): l is string => !!l && l !== 'NOASSERTION' && l !== 'NONE');
  const supplier = one('PackageSupplier')?.value.replace(/^(Organization|Person|Tool):\s*/, '');
  const ref = one('SPDXID')?.value;
  const purlField = draft.fields.find((f) => f.tag === 'ExternalRef' && /^PACKAGE[-_]MANAGER\s+purl\s+/.test(f.value));
  const purl = purlField?.value.split(/\s+/)[2];
  const range = { start: { line: draft.start, character: 0 }, end: { line: draft.start, character: 0 } };
  const component: SbomComponent = {
    ref,
    name,
    version: versionField?.value,
    purl,
    licenses: [...new Set(licenses)],
    supplier: supplier === 'NOASSERTION' ? undefined : supplier,
    hashes,
    range,
  };
  sbom.components.push(component);
  if (!purlField || !purl) return;
  const purlColumn = purlField.column + purlField.value.lastIndexOf(purl);
  const purlRange = { start: { line: purlField.line, character: purlColumn }, end: { line: purlField.line, character: purlColumn + purl.length } };
  routeComponent(
    sbom,
    { purl, version: versionField?.value, hashes, ref, nameRange: purlRange, specRange: versionField ? valueRange(versionField) : purlRange },
    purlRange,
  );
}

/**
 * `Tag: value` fields with where each value starts; comments and `<text>` blocks' inner lines are
 * not fields. A line that is neither is reported — except `Relationship A TYPE B` without its colon,
 * which some generators write: it is read (and reported).
 */
function* fields(text: string, report: (range: Range, message: string) => void): Generator<Field> {
  const lines = text.split(/\r\n|\r|\n/);
  // The same defect on hundreds of lines is said once, on its first line, with the count.
  const defects = new Map<string, { range: Range; count: number }>();
  const defect = (message: string, range: Range) => {
    const known = defects.get(message);
    if (known) known.count++;
    else defects.set(message, { range, count: 1 });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const match = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
    if (!match) {
      if (!line.trim() || line.trimStart().startsWith('#')) continue;
      const whole = { start: { line: i, character: 0 }, end: { line: i, character: line.length } };
      const relationship = /^Relationship\s+(.*)$/.exec(line);
      defect(relationship ? 'A Relationship line needs a colon ("Relationship: A TYPE B")' : 'Not a "Tag: value" line', whole);
      if (relationship) yield { tag: 'Relationship', value: relationship[1].trim(), line: i, column: line.length - relationship[1].length };
      continue;
    }
    const [, tag, rest] = match;
    const column = line.length - rest.length;
    if (rest.startsWith('<text>') && !rest.includes('</text>')) {
      // A multi-line value: skip to its end; its content is prose, not fields.
      while (i + 1 < lines.length && !lines[i].includes('</text>')) i++;
      yield { tag, value: '', line: i, column: 0 };
      continue;
    }
    yield { tag, value: rest.replace(/^<text>|<\/text>$/g, '').trim(), line: i, column };
  }
  for (const [message, { range, count }] of defects) report(range, count > 1 ? `${message} (here and on ${count - 1} more lines).` : `${message}.`);
}
