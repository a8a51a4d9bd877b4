// An SPDX 2.x JSON SBOM → its packages as components and dependencies with ranges (routed by the
// purl in their externalRefs), the DEPENDS_ON / DEPENDENCY_OF / CONTAINS graph, and the problems a
// reviewer should see: package URLs that do not parse, SPDXIDs used twice, relationships naming
// elements the document does not declare, required fields that are missing.

import type { Node } from 'jsonc-parser';
import { type LineIndex, arrayItems, child, nodeRange, parseJsonObject, stringValue } from '../formats/jsonDocument';
import { routeJsonComponent } from './componentDependency';
import { type ParsedSbom } from './sbomModel';
import { SPDX_ALGORITHMS, SpdxElements, type SpdxRelationship } from './spdxModel';

export function parseSpdxJson(text: string): ParsedSbom {
  const { root, lines, problems } = parseJsonObject(text, 'An SPDX document');
  const sbom: ParsedSbom = { format: 'spdx', components: [], dependencies: [], graph: new Map(), rootRefs: [], routes: [], problems };
  if (!root) return sbom;
  sbom.specVersion = stringValue(child(root, 'spdxVersion'));
  const bad = (node: Node, message: string) => problems.push({ message, range: nodeRange(lines, node), code: 'sbom-invalid' });
  for (const field of ['spdxVersion', 'SPDXID', 'name', 'dataLicense']) {
    // On the opening brace: the whole document would underline every line.
    if (!child(root, field)) problems.push({ message: `An SPDX document needs "${field}".`, range: lines.rangeAt(root.offset, 1), code: 'sbom-invalid' });
  }
  const elements = new SpdxElements((range, message) => problems.push({ message, range, code: 'sbom-invalid' }));
  const declare = (element: Node) => {
    const idNode = child(element, 'SPDXID');
    const id = stringValue(idNode);
    if (!idNode || id === undefined) return bad(element, 'Each element needs an "SPDXID".');
    elements.declare(id, nodeRange(lines, idNode));
  };
  for (const file of arrayItems(child(root, 'files'))) declare(file);
  for (const snippet of arrayItems(child(root, 'snippets'))) declare(snippet);
  for (const pkg of arrayItems(child(root, 'packages'))) {
    declare(pkg);
    readPackage(pkg, lines, sbom, bad);
  }
  const describes = arrayItems(child(root, 'documentDescribes'))
    .map(stringValue)
    .filter((id): id is string => id !== undefined);
  const relationships: SpdxRelationship[] = [];
  for (const relationship of arrayItems(child(root, 'relationships'))) {
    const fromNode = child(relationship, 'spdxElementId');
    const toNode = child(relationship, 'relatedSpdxElement');
    const from = stringValue(fromNode);
    const to = stringValue(toNode);
    const type = stringValue(child(relationship, 'relationshipType'));
    if (from && to && type) relationships.push({ from, to, type, fromRange: nodeRange(lines, fromNode!), toRange: nodeRange(lines, toNode!) });
  }
  elements.relate(sbom, relationships, describes);
  return sbom;
}

function readPackage(pkg: Node, lines: LineIndex, sbom: ParsedSbom, bad: (node: Node, message: string) => void): void {
  const nameNode = child(pkg, 'name');
  const versionNode = child(pkg, 'versionInfo');
  const name = stringValue(nameNode) ?? '';
  const version = stringValue(versionNode);
  if (!nameNode) bad(pkg, 'A package needs a "name".');
  const hashes: Record<string, string> = {};
  for (const checksum of arrayItems(child(pkg, 'checksums'))) {
    const alg = stringValue(child(checksum, 'algorithm'));
    const value = stringValue(child(checksum, 'checksumValue'));
    if (alg && value) hashes[SPDX_ALGORITHMS[alg] ?? alg] = value.toLowerCase();
  }
  const licenses = [stringValue(child(pkg, 'licenseConcluded')), stringValue(child(pkg, 'licenseDeclared'))].filter(
    (l): l is string => !!l && l !== 'NOASSERTION' && l !== 'NONE',
  );
  const supplier = stringValue(child(pkg, 'supplier'))?.replace(/^(Organization|Person|Tool):\s*/, '');
  const ref = stringValue(child(pkg, 'SPDXID'));
  const purlRef = arrayItems(child(pkg, 'externalRefs')).find((r) => stringValue(child(r, 'referenceType')) === 'purl');
  const purlNode = child(purlRef, 'referenceLocator');
  const purl = stringValue(purlNode);
  sbom.components.push({
    ref,
    name,
    version,
    purl,
    licenses: [...new Set(licenses)],
    supplier: supplier === 'NOASSERTION' ? undefined : supplier,
    hashes,
    range: nodeRange(lines, pkg),
  });
  if (!purlNode || purl === undefined) return;
  routeJsonComponent(sbom, lines, { purl: purlNode, name: nameNode, version: versionNode }, { purl, version, hashes, ref });
}
