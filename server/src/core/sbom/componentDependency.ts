// One SBOM component as a dependency to verify: its package URL read by the router the caller
// hands in (ecosystems/registry.ts routes it to the plugin of its type), at its exact version.
// The CycloneDX and SPDX readers only note each component (routeComponent); parseSbom routes them
// all once the document is read. Shared with the diff's provenance check.

import type { Dependency, PurlRouter, Range } from '../dependency';
import type { Node } from 'jsonc-parser';
import { type LineIndex, nodeRange } from '../formats/jsonDocument';
import { type ComponentFacts, type ParsedSbom } from './sbomModel';

export function componentDependency(facts: ComponentFacts, route: PurlRouter): Dependency | { error: string } {
  const target = route(facts.purl, facts.hashes);
  if ('error' in target) return target;
  const exact = target.version ?? facts.version ?? '';
  return {
    ...target,
    spec: exact,
    version: exact || undefined,
    group: 'sbom',
    nameRange: facts.nameRange,
    specRange: facts.specRange,
    source: target.image ? 'SBOM component' : undefined,
    purl: facts.purl,
    ref: facts.ref,
  };
}

/** Notes a component with a purl, to be routed to its ecosystem when the document is read (routeComponents). */
export function routeComponent(sbom: ParsedSbom, facts: ComponentFacts, purlRange: Range): void {
  sbom.routes.push({ facts, purlRange });
}

/** Adds every noted component to the SBOM's dependencies (what gets verified), or says why its purl is unusable. */
export function routeComponents(sbom: ParsedSbom, route: PurlRouter): void {
  for (const { facts, purlRange } of sbom.routes) {
    const dependency = componentDependency(facts, route);
    if ('error' in dependency) sbom.problems.push({ message: `${dependency.error}.`, range: purlRange, code: 'sbom-invalid' });
    else sbom.dependencies.push(dependency);
  }
  sbom.routes = [];
  // In the order of the document, as if found while reading it.
  sbom.problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** routeComponent for the JSON encodings: the verdict goes on the version, else the purl. */
export function routeJsonComponent(
  sbom: ParsedSbom,
  lines: LineIndex,
  nodes: { purl: Node; name?: Node; version?: Node },
  facts: Omit<ComponentFacts, 'nameRange' | 'specRange'>,
): void {
  const purlRange = nodeRange(lines, nodes.purl);
  const at = (node: Node | undefined) => (node ? nodeRange(lines, node) : purlRange);
  routeComponent(sbom, { ...facts, nameRange: at(nodes.name), specRange: at(nodes.version) }, purlRange);
}
