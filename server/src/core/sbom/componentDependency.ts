// One SBOM component as a dependency to verify: routed by its package URL to the verifier of its
// ecosystem, at its exact version, with its SHA-512 (if any) as the integrity to compare with the
// registry's. Shared by the CycloneDX and SPDX parsers and the diff's provenance check.

import type { Dependency, Range } from '../dependency';
import type { Node } from 'jsonc-parser';
import { type LineIndex, nodeRange } from '../formats/jsonDocument';
import { type ParsedSbom, SBOM_INVALID } from './cyclonedxJson';
import { parsePurl } from './purl';

export interface ComponentFacts {
  purl: string;
  /** The component's own version field (the purl's version wins when both are given). */
  version?: string;
  hashes: Record<string, string>;
  nameRange: Range;
  /** Where the verdict goes: the version as written, else the purl. */
  specRange: Range;
  ref?: string;
}

export function componentDependency(facts: ComponentFacts): Dependency | { error: string } {
  const target = parsePurl(facts.purl);
  if ('error' in target) return target;
  const exact = target.version ?? facts.version ?? '';
  return {
    ecosystem: target.ecosystem,
    name: target.name,
    spec: exact,
    version: exact || undefined,
    integrity: target.ecosystem === 'npm' ? npmIntegrity(facts.hashes) : undefined,
    // A Python or Ruby component's SHA-256 names the one file it is: only that file is checked.
    hashes: 'plugin' in target && facts.hashes['SHA-256'] ? [`sha256:${facts.hashes['SHA-256']}`] : undefined,
    index: 'plugin' in target ? target.index : undefined,
    platform: 'plugin' in target ? target.platform : undefined,
    group: 'sbom',
    nameRange: facts.nameRange,
    specRange: facts.specRange,
    image: target.ecosystem === 'oci' && 'image' in target ? target.image : undefined,
    source: target.ecosystem === 'oci' ? 'SBOM component' : undefined,
    purl: facts.purl,
    ref: facts.ref,
  };
}

/** The component's hash in npm's integrity form, so the registry's tarball integrity is compared with it. */
export function npmIntegrity(hashes: Record<string, string>): string | undefined {
  for (const [alg, name] of [['SHA-512', 'sha512'], ['SHA-384', 'sha384'], ['SHA-256', 'sha256'], ['SHA-1', 'sha1']] as const) {
    const hex = hashes[alg];
    if (hex && /^[0-9a-f]+$/.test(hex)) return `${name}-${Buffer.from(hex, 'hex').toString('base64')}`;
  }
  return undefined;
}

/** Adds a component with a purl to the SBOM's dependencies (what gets verified), or says why its purl is unusable. */
export function routeComponent(sbom: ParsedSbom, facts: ComponentFacts, purlRange: Range): void {
  const dependency = componentDependency(facts);
  if ('error' in dependency) sbom.problems.push({ message: `${dependency.error}.`, range: purlRange, code: SBOM_INVALID });
  else sbom.dependencies.push(dependency);
}

/** routeComponent for the JSON encodings: the verdict goes on the version, else the purl. */
export function routeJsonComponent(sbom: ParsedSbom, lines: LineIndex, nodes: { purl: Node; name?: Node; version?: Node }, facts: Omit<ComponentFacts, 'nameRange' | 'specRange'>): void {
  const purlRange = nodeRange(lines, nodes.purl);
  const at = (node: Node | undefined) => (node ? nodeRange(lines, node) : purlRange);
  routeComponent(sbom, { ...facts, nameRange: at(nodes.name), specRange: at(nodes.version) }, purlRange);
}
