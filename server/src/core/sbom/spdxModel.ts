// What SPDX's two encodings (JSON, tag-value) share once read: the element ids a document
// declares, its relationships turned into the dependency graph, and the checks on both — ids used
// twice, relationships naming elements the document does not declare.

import type { Range } from '../dependency';
import type { ParsedSbom } from './sbomModel';

export const DOCUMENT_ID = 'SPDXRef-DOCUMENT';
/** SPDX checksum algorithm names → the CycloneDX spelling the rest of the code uses. */
export const SPDX_ALGORITHMS: Record<string, string> = {
  SHA1: 'SHA-1',
  SHA256: 'SHA-256',
  SHA384: 'SHA-384',
  SHA512: 'SHA-512',
  MD5: 'MD5',
  'SHA3-256': 'SHA3-256',
  'SHA3-512': 'SHA3-512',
  BLAKE2b_256: 'BLAKE2b-256',
};

export interface SpdxRelationship {
  from: string;
  to: string;
  type: string;
  fromRange: Range;
  toRange: Range;
}

/** Ids a relationship may name without declaring them (SPDX 2: other documents' elements, NONE, NOASSERTION). */
const spdx2External = (id: string) => id.startsWith('DocumentRef-') || id === 'NONE' || id === 'NOASSERTION';

/** Relationship types that make `from` depend on (or contain) `to`, as SPDX 2 spells them. */
const DEPENDENCY_TYPES = new Set(['DEPENDS_ON', 'CONTAINS', 'STATIC_LINK', 'DYNAMIC_LINK']);

export class SpdxElements {
  private readonly ids: Set<string>;

  /** `documentId`: the document's own id (relationships from it that DESCRIBE name its subjects). */
  constructor(
    private readonly report: (range: Range, message: string) => void,
    private readonly documentId = DOCUMENT_ID,
    private readonly external = spdx2External,
  ) {
    this.ids = new Set([documentId]);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  declare(id: string, range: Range): void {
    if (this.ids.has(id)) this.report(range, `The SPDXID "${id}" is used by another element too; SPDXIDs must be unique.`);
    this.ids.add(id);
  }

  /** Adds the relationships to the graph (and the document's subjects), naming any undeclared element. */
  relate(sbom: ParsedSbom, relationships: SpdxRelationship[], describes: string[]): void {
    const subjects = [...describes];
    for (const r of relationships) {
      for (const [id, range] of [
        [r.from, r.fromRange],
        [r.to, r.toRange],
      ] as const) {
        if (!this.ids.has(id) && !this.external(id)) this.report(range, `The relationship names "${id}", which this document does not declare.`);
      }
      if (r.type === 'DESCRIBES' && r.from === this.documentId) subjects.push(r.to);
      else if (DEPENDENCY_TYPES.has(r.type)) addEdge(sbom.graph, r.from, r.to);
      else if (r.type === 'DEPENDENCY_OF' || r.type === 'CONTAINED_BY') addEdge(sbom.graph, r.to, r.from);
    }
    sbom.rootRefs = [...new Set(subjects)];
  }
}

function addEdge(graph: Map<string, string[]>, from: string, to: string): void {
  graph.set(from, [...(graph.get(from) ?? []), to]);
}
