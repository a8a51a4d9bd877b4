// An SPDX 3 JSON-LD SBOM (the `@graph` serialisation with the spdx-context.jsonld context) → its
// packages as components with ranges, routed by purl like SPDX 2's. SPDX 3 states everything as
// elements of one flat graph: a package's licences and its dependencies are Relationship elements,
// its supplier an Agent element, so the parse reads every element first and joins them after.
// Problems reported: elements without a type, ids used twice, relationships naming elements the
// document neither declares nor imports, purls that do not parse.

import type { Node } from 'jsonc-parser';
import { type LineIndex, arrayItems, child, nodeRange, parseJsonObject, stringValue } from '../formats/jsonDocument';
import type { Range } from '../dependency';
import { routeJsonComponent } from './componentDependency';
import { type ParsedSbom, type SbomComponent } from './sbomModel';
import { SpdxElements, type SpdxRelationship } from './spdxModel';

/** SPDX 3 relationship types → the SPDX 2 names the shared graph code knows (the others are not about dependencies). */
const RELATIONSHIP_TYPES: Record<string, string> = {
  describes: 'DESCRIBES',
  dependsOn: 'DEPENDS_ON',
  contains: 'CONTAINS',
  hasStaticLink: 'STATIC_LINK',
  hasDynamicLink: 'DYNAMIC_LINK',
};
const LICENSE_RELATIONSHIPS = new Set(['hasConcludedLicense', 'hasDeclaredLicense']);
/** SPDX 3 hash algorithm names → the CycloneDX spelling the rest of the code uses. */
const ALGORITHMS: Record<string, string> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
  sha3_256: 'SHA3-256',
  sha3_384: 'SHA3-384',
  sha3_512: 'SHA3-512',
  blake2b256: 'BLAKE2b-256',
  blake2b384: 'BLAKE2b-384',
  blake2b512: 'BLAKE2b-512',
  blake3: 'BLAKE3',
};
/** Individuals of the SPDX vocabulary (NoAssertionElement, listed licences…): named without being declared. */
const VOCABULARY = /^https?:\/\/spdx\.org\/(rdf|licenses)\//;

export function parseSpdx3JsonLd(text: string): ParsedSbom {
  const { root, lines, problems } = parseJsonObject(text, 'An SPDX 3 document');
  const sbom: ParsedSbom = { format: 'spdx', components: [], dependencies: [], graph: new Map(), rootRefs: [], routes: [], problems };
  if (!root) return sbom;
  const report = (range: Range, message: string) => problems.push({ message, range, code: 'sbom-invalid' });
  const graphNode = child(root, '@graph');
  if (graphNode?.type !== 'array') {
    report(lines.rangeAt(root.offset, 1), 'An SPDX 3 JSON-LD document needs its elements in "@graph".');
    return sbom;
  }
  const items = (graphNode.children ?? []).filter((n) => n.type === 'object');
  const idOf = (n: Node) => stringValue(child(n, 'spdxId')) ?? stringValue(child(n, '@id'));
  const typeOf = (n: Node) => stringValue(child(n, 'type')) ?? stringValue(child(n, '@type'));
  const documentNode = items.find((n) => typeOf(n) === 'SpdxDocument');
  const imported = new Set(arrayItems(child(documentNode, 'import')).map((i) => stringValue(child(i, 'externalSpdxId'))));
  const elements = new SpdxElements(report, documentNode ? idOf(documentNode) : undefined, (id) => VOCABULARY.test(id) || imported.has(id));

  const byId = new Map<string, Node>();
  const packages: Array<{ node: Node; component: SbomComponent }> = [];
  const relationships: SpdxRelationship[] = [];
  const licensesOf = new Map<string, string[]>();
  for (const item of items) {
    const type = typeOf(item);
    if (!type) {
      report(nodeRange(lines, item), 'Each element of an SPDX 3 graph needs a "type".');
      continue;
    }
    const idNode = child(item, 'spdxId') ?? child(item, '@id');
    const id = stringValue(idNode);
    if (idNode && id !== undefined && item !== documentNode) {
      elements.declare(id, nodeRange(lines, idNode));
      byId.set(id, item);
    }
    if (type === 'CreationInfo') sbom.specVersion ??= stringValue(child(item, 'specVersion'));
    else if (/Relationship$/.test(type)) readRelationship(item, lines, relationships, licensesOf, report);
    else if (/(^|_)\w*Package$/.test(type)) packages.push({ node: item, component: readPackage(item, lines, sbom, id) });
  }
  for (const subject of arrayItems(child(documentNode, 'rootElement')).map(stringValue)) if (subject) sbom.rootRefs.push(subject);
  // Joins: licences (relationships to licence elements), suppliers (agent elements).
  for (const { node, component } of packages) {
    const licenses = (component.ref ? (licensesOf.get(component.ref) ?? []) : []).map((to) => licenseText(to, byId.get(to)));
    component.licenses = [...new Set(licenses.filter((l): l is string => !!l && l !== 'NOASSERTION' && l !== 'NONE'))];
    const supplier = stringValue(child(node, 'suppliedBy'));
    component.supplier = supplier ? (stringValue(child(byId.get(supplier), 'name')) ?? supplier) : undefined;
  }
  elements.relate(sbom, relationships, []);
  sbom.rootRefs = [...new Set(sbom.rootRefs)];
  return sbom;
}

function readPackage(pkg: Node, lines: LineIndex, sbom: ParsedSbom, ref: string | undefined): SbomComponent {
  const nameNode = child(pkg, 'name');
  const versionNode = child(pkg, 'software_packageVersion');
  const version = stringValue(versionNode);
  const hashes: Record<string, string> = {};
  for (const check of arrayItems(child(pkg, 'verifiedUsing'))) {
    const algorithm = stringValue(child(check, 'algorithm'));
    const value = stringValue(child(check, 'hashValue'));
    // A PackageVerificationCode is a digest over files, not of the package: not a hash of it.
    if (algorithm && value && stringValue(child(check, 'type')) === 'Hash') hashes[ALGORITHMS[algorithm] ?? algorithm] = value.toLowerCase();
  }
  const identifier = arrayItems(child(pkg, 'externalIdentifier')).find((i) => stringValue(child(i, 'externalIdentifierType')) === 'packageUrl');
  const purlNode = child(pkg, 'software_packageUrl') ?? child(identifier, 'identifier');
  const purl = stringValue(purlNode);
  const component: SbomComponent = { ref, name: stringValue(nameNode) ?? '', version, purl, licenses: [], hashes, range: nodeRange(lines, pkg) };
  sbom.components.push(component);
  if (purlNode && purl !== undefined) routeJsonComponent(sbom, lines, { purl: purlNode, name: nameNode, version: versionNode }, { purl, version, hashes, ref });
  return component;
}

function readRelationship(
  item: Node,
  lines: LineIndex,
  relationships: SpdxRelationship[],
  licensesOf: Map<string, string[]>,
  report: (range: Range, message: string) => void,
): void {
  const fromNode = child(item, 'from');
  const from = stringValue(fromNode);
  const type = stringValue(child(item, 'relationshipType'));
  const targets = arrayItems(child(item, 'to')).filter((n) => n.type === 'string');
  if (!fromNode || from === undefined || !type || targets.length === 0) {
    report(nodeRange(lines, item), 'A relationship needs "from", "to" and "relationshipType".');
    return;
  }
  for (const target of targets) {
    const to = stringValue(target)!;
    if (LICENSE_RELATIONSHIPS.has(type)) licensesOf.set(from, [...(licensesOf.get(from) ?? []), to]);
    // Licence elements are checked too: every relationship's ends must exist.
    relationships.push({ from, to, type: RELATIONSHIP_TYPES[type] ?? type, fromRange: nodeRange(lines, fromNode), toRange: nodeRange(lines, target) });
  }
}

/** A licence element's expression, or a listed licence's id from its address. */
function licenseText(id: string, element: Node | undefined): string | undefined {
  const expression = stringValue(child(element, 'simplelicensing_licenseExpression'));
  if (expression) return expression;
  return /^https?:\/\/spdx\.org\/licenses\/([^/]+)$/.exec(id)?.[1] ?? stringValue(child(element, 'name'));
}
