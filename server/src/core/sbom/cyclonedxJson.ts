// A CycloneDX JSON SBOM → its components (each noted for routing by its purl to the verifier of
// its ecosystem), the dependency graph, and the problems the schema does not
// catch: package URLs that do not parse, bom-refs used twice, dependencies on refs nobody
// declares. (Schema validation itself is the CycloneDX library's: cyclonedxSchema.ts.)

import type { Node } from 'jsonc-parser';
import { type LineIndex, child, nodeRange, parseJsonObject, stringValue } from '../formats/jsonDocument';
import { routeJsonComponent } from './componentDependency';
import { type ParsedSbom } from './sbomModel';

export function parseCycloneDxJson(text: string): ParsedSbom {
  const { root, lines, problems } = parseJsonObject(text, 'A CycloneDX SBOM');
  const sbom: ParsedSbom = { format: 'cyclonedx', components: [], dependencies: [], graph: new Map(), rootRefs: [], routes: [], problems };
  if (!root) return sbom;
  sbom.specVersion = stringValue(child(root, 'specVersion'));
  const bad = (node: Node, message: string) => problems.push({ message, range: nodeRange(lines, node), code: 'sbom-invalid' });
  const refs = new Map<string, Node>();
  const declare = (component: Node) => {
    const refNode = child(component, 'bom-ref');
    const ref = stringValue(refNode);
    if (!refNode || ref === undefined) return;
    if (refs.has(ref)) bad(refNode, `The bom-ref "${ref}" is used by another component too; refs must be unique.`);
    else refs.set(ref, refNode);
  };

  const metadataComponent = child(child(root, 'metadata'), 'component');
  if (metadataComponent?.type === 'object') {
    declare(metadataComponent);
    const ref = stringValue(child(metadataComponent, 'bom-ref'));
    if (ref) sbom.rootRefs.push(ref);
  }
  // Components nest (a component's own `components`); each is a component of the SBOM.
  const walk = (list: Node | undefined) => {
    for (const component of list?.type === 'array' ? (list.children ?? []) : []) {
      if (component.type !== 'object') continue;
      declare(component);
      readComponent(component, lines, sbom, bad);
      walk(child(component, 'components'));
    }
  };
  walk(child(root, 'components'));

  const dependencies = child(root, 'dependencies');
  for (const entry of dependencies?.type === 'array' ? (dependencies.children ?? []) : []) {
    const refNode = child(entry, 'ref');
    const ref = stringValue(refNode);
    if (!refNode || ref === undefined) continue;
    if (!refs.has(ref)) bad(refNode, `The dependency entry names "${ref}", which no component declares as its bom-ref.`);
    const on: string[] = [];
    const dependsOn = child(entry, 'dependsOn');
    for (const target of dependsOn?.type === 'array' ? (dependsOn.children ?? []) : []) {
      const to = stringValue(target);
      if (to === undefined) continue;
      if (!refs.has(to)) bad(target, `"${ref}" depends on "${to}", which no component declares as its bom-ref.`);
      on.push(to);
    }
    sbom.graph.set(ref, on);
  }
  return sbom;
}

function readComponent(component: Node, lines: LineIndex, sbom: ParsedSbom, bad: (node: Node, message: string) => void): void {
  const nameNode = child(component, 'name');
  const versionNode = child(component, 'version');
  const purlNode = child(component, 'purl');
  const name = stringValue(nameNode) ?? '';
  const version = stringValue(versionNode);
  const purl = stringValue(purlNode);
  // The component's own hashes; tools such as cyclonedx-npm put the tarball's on its distribution reference.
  const hashes = readHashes(child(component, 'hashes'));
  if (Object.keys(hashes).length === 0) {
    const references = child(component, 'externalReferences');
    const distribution = (references?.type === 'array' ? (references.children ?? []) : []).find((r) => stringValue(child(r, 'type')) === 'distribution');
    Object.assign(hashes, readHashes(child(distribution, 'hashes')));
  }
  const licenses: string[] = [];
  const licenseList = child(component, 'licenses');
  for (const entry of licenseList?.type === 'array' ? (licenseList.children ?? []) : []) {
    const license = child(entry, 'license');
    const value = stringValue(child(entry, 'expression')) ?? stringValue(child(license, 'id')) ?? stringValue(child(license, 'name'));
    if (value) licenses.push(value);
  }
  const ref = stringValue(child(component, 'bom-ref'));
  const supplier = stringValue(child(child(component, 'supplier'), 'name'));
  sbom.components.push({ ref, name, version, purl, licenses, supplier, hashes, range: nodeRange(lines, component) });
  if (!purlNode || purl === undefined) return;
  routeJsonComponent(sbom, lines, { purl: purlNode, name: nameNode, version: versionNode }, { purl, version, hashes, ref });
}

function readHashes(list: Node | undefined): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const hash of list?.type === 'array' ? (list.children ?? []) : []) {
    const alg = stringValue(child(hash, 'alg'));
    const content = stringValue(child(hash, 'content'));
    if (alg && content) hashes[alg] = content.toLowerCase();
  }
  return hashes;
}
