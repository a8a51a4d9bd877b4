// A CycloneDX XML SBOM → the same shape as the JSON encoding: components (nested ones included,
// the tools that made the SBOM not) with the ranges of their version and purl elements, the
// dependency graph, and the same checks (bad purls, duplicate and dangling bom-refs). Read with
// sax, which reports where each element is. (The library's XML schema validator needs a native
// module we do not ship; the JSON encoding is schema-validated.)

import * as sax from 'sax';
import { LineIndex } from '../formats/jsonDocument';
import type { Position, Range } from '../dependency';
import { routeComponent } from './componentDependency';
import { type ParsedSbom } from './sbomModel';

interface Draft {
  ref?: string;
  name: string;
  version?: string;
  versionRange?: Range;
  purl?: string;
  purlRange?: Range;
  hashes: Record<string, string>;
  distributionHashes: Record<string, string>;
  licenses: string[];
  supplier?: string;
  start: Position;
  /** The SBOM's subject (metadata/component): a root of the graph, not a component to verify. */
  subject: boolean;
  /** The algorithm of the <hash> being read. */
  alg?: string;
}

export function parseCycloneDxXml(text: string): ParsedSbom {
  const sbom: ParsedSbom = { format: 'cyclonedx', components: [], dependencies: [], graph: new Map(), rootRefs: [], routes: [], problems: [] };
  const report = (range: Range, message: string) => sbom.problems.push({ message, range, code: 'sbom-invalid' });
  const parser = sax.parser(true, { position: true, xmlns: false, trim: false });
  const path: string[] = [];
  const drafts: Draft[] = [];
  const refs = new Map<string, Range>();
  const dependencyRefs: Array<{ ref: string; range: Range; parent?: string }> = [];
  let textStart: Position = { line: 0, character: 0 };
  let text_ = '';
  // Positions from sax's character offset, counted into lines the way the editor counts them.
  const lines = new LineIndex(text);
  const here = (): Position => lines.positionAt(parser.position);
  const draft = () => drafts[drafts.length - 1];
  // Components of the SBOM (not of its tools): under bom/components, or nested in such a component.
  const inSbomComponent = () => path[0] === 'bom' && path[1] === 'components' && path.includes('component');
  let distribution = false;
  /** For each open <component>: whether it is one of ours (a draft was started for it). */
  const ours: boolean[] = [];

  parser.onopentag = (tag) => {
    const name = localName(tag.name);
    path.push(name);
    text_ = '';
    textStart = here();
    const attributes = tag.attributes as Record<string, string>;
    const isOurs = name === 'component' && (inSbomComponent() || (path[1] === 'metadata' && path.length === 3));
    if (name === 'component') ours.push(isOurs);
    if (isOurs) {
      const ref = attributes['bom-ref'];
      const start = lines.positionAt(Math.max(0, parser.position - 1));
      if (ref !== undefined) {
        if (refs.has(ref)) report({ start, end: here() }, `The bom-ref "${ref}" is used by another component too; refs must be unique.`);
        else refs.set(ref, { start, end: here() });
      }
      if (path[1] === 'metadata' && ref) sbom.rootRefs.push(ref);
      drafts.push({ ref, name: '', hashes: {}, distributionHashes: {}, licenses: [], start, subject: path[1] === 'metadata' });
    }
    if (name === 'reference' && draft()) distribution = attributes.type === 'distribution';
    if (name === 'dependency' && path[0] === 'bom' && path[1] === 'dependencies') {
      const parent = path.length > 3 ? dependencyRefs.filter((d) => d.parent === undefined).at(-1)?.ref : undefined;
      dependencyRefs.push({ ref: attributes.ref ?? '', range: { start: textStart, end: textStart }, parent });
    }
    if (name === 'hash' && draft()) draft().alg = attributes.alg;
  };
  parser.ontext = (t) => (text_ += t);
  parser.oncdata = (t) => (text_ += t);
  parser.onclosetag = () => {
    const name = path.pop()!;
    const d = draft();
    const value = text_.trim();
    const range: Range = { start: textStart, end: { line: textStart.line, character: textStart.character + text_.length } };
    if (d && name !== 'component') {
      const parent = path[path.length - 1];
      if (parent === 'component') {
        if (name === 'name') d.name = value;
        else if (name === 'version') [d.version, d.versionRange] = [value, range];
        else if (name === 'purl') [d.purl, d.purlRange] = [value, range];
      }
      if (name === 'hash') {
        const alg = d.alg;
        if (alg) (path.includes('reference') ? (distribution ? d.distributionHashes : {}) : d.hashes)[alg] = value.toLowerCase();
      }
      if ((name === 'id' || name === 'name') && parent === 'license' && value) d.licenses.push(value);
      if (name === 'expression' && parent === 'licenses' && value) d.licenses.push(value);
      if (name === 'name' && parent === 'supplier') d.supplier = value;
    }
    if (name === 'reference') distribution = false;
    if (name === 'component' && ours.pop()) finish(drafts.pop()!, sbom, report);
    text_ = '';
  };
  // The first error ends the parse (sax then refuses to go on): one clear problem, not a cascade.
  let failed = false;
  parser.onerror = (error) => {
    if (!failed) report({ start: here(), end: here() }, `This file is not well-formed XML: ${error.message.split('\n')[0]}.`);
    failed = true;
  };
  try {
    parser.write(text).close();
  } catch {
    // sax throws after the error it reported
  }
  sbom.specVersion = /xmlns="http:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)"/.exec(text.slice(0, 4096))?.[1];
  for (const dependency of dependencyRefs) {
    if (!refs.has(dependency.ref)) report(dependency.range, `The dependency names "${dependency.ref}", which no component declares as its bom-ref.`);
    if (dependency.parent !== undefined) sbom.graph.set(dependency.parent, [...(sbom.graph.get(dependency.parent) ?? []), dependency.ref]);
    else if (!sbom.graph.has(dependency.ref)) sbom.graph.set(dependency.ref, []);
  }
  return sbom;
}

function finish(d: Draft, sbom: ParsedSbom, report: (range: Range, message: string) => void): void {
  if (d.subject) return;
  const hashes = Object.keys(d.hashes).length > 0 ? d.hashes : d.distributionHashes;
  sbom.components.push({
    ref: d.ref,
    name: d.name,
    version: d.version,
    purl: d.purl,
    licenses: d.licenses,
    supplier: d.supplier,
    hashes,
    range: { start: d.start, end: d.start },
  });
  if (!d.purl || !d.purlRange) return;
  routeComponent(sbom, { purl: d.purl, version: d.version, hashes, ref: d.ref, nameRange: d.purlRange, specRange: d.versionRange ?? d.purlRange }, d.purlRange);
}

function localName(qualified: string): string {
  return qualified.includes(':') ? qualified.slice(qualified.indexOf(':') + 1) : qualified;
}
