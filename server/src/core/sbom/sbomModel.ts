// What every SBOM reader produces: the document's components, the graph between them, the
// problems found, and the components noted for routing by their package URLs (componentDependency.ts).

import type { Dependency, ParseProblem, Range } from '../dependency';

/** `@context` naming SPDX 3's context: how a JSON file is told to be SPDX 3. */
export const SPDX3_CONTEXT = /"@context"\s*:\s*(\[\s*)?"https?:\/\/spdx\.org\/rdf\/3\.[^"]*"/;

export interface SbomComponent {
  /** bom-ref (CycloneDX) or SPDXID (SPDX), when given. */
  ref?: string;
  name: string;
  version?: string;
  purl?: string;
  licenses: string[];
  supplier?: string;
  /** Algorithm (as the SBOM names it) → hex value. */
  hashes: Record<string, string>;
  /** The component's object in the file (for "reveal in text"). */
  range: Dependency['nameRange'];
}

export interface ParsedSbom {
  format: 'cyclonedx' | 'spdx';
  specVersion?: string;
  components: SbomComponent[];
  /** Components as dependencies (those with a usable purl), for verification. */
  dependencies: Dependency[];
  /** ref → refs it depends on. */
  graph: Map<string, string[]>;
  /** The document's own subject (CycloneDX metadata.component / SPDX documentDescribes). */
  rootRefs: string[];
  problems: ParseProblem[];
  /** Components with a package URL, noted while reading, until parseSbom routes them to their ecosystems. */
  routes: Array<{ facts: ComponentFacts; purlRange: Range }>;
}

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
