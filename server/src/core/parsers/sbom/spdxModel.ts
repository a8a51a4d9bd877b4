// What SPDX's two encodings (JSON, tag-value) share once read: the element ids a document
// declares, its relationships turned into the dependency graph, and the checks on both — ids used
// twice, relationships naming elements the document does not declare.

import type { Range } from '../types';
import type { ParsedSbom } from './cyclonedxJson';

export const DOCUMENT_ID = 'SPDXRef-DOCUMENT';
/** SPDX checksum algorithm names → the CycloneDX spelling the rest of the code uses. */
export const SPDX_ALGORITHMS: Record<string, string> = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA384: 'SHA-384', SHA512: 'SHA-512', MD5: 'MD5', 'SHA3-256': 'SHA3-256', 'SHA3-512': 'SHA3-512', BLAKE2b_256: 'BLAKE2b-256' };

export interface SpdxRelationship {
  from: string;
  to: string;
  type: string;
  fromRange: Range;
  toRange: Range;
}

export class SpdxElements {
  private readonly ids = new Set<string>([DOCUMENT_ID]);

  constructor(private readonly report: (range: Range, message: string) => void) {}

  declare(id: string, range: Range): void {
    if (this.ids.has(id)) this.report(range, `The SPDXID "${id}" is used by another element too; SPDXIDs must be unique.`);
    this.ids.add(id);
  }

  /** Adds the relationships to the graph (and the document's subjects), naming any undeclared element. */
  relate(sbom: ParsedSbom, relationships: SpdxRelationship[], describes: string[]): void {
    const subjects = [...describes];
    for (const r of relationships) {
      for (const [id, range] of [[r.from, r.fromRange], [r.to, r.toRange]] as const) {
        // DocumentRef-… names an element of another document; NONE and NOASSERTION are allowed values.
        if (!this.ids.has(id) && !id.startsWith('DocumentRef-') && id !== 'NONE' && id !== 'NOASSERTION') this.report(range, `The relationship names "${id}", which this document does not declare.`);
      }
      if (r.type === 'DESCRIBES' && r.from === DOCUMENT_ID) subjects.push(r.to);
      else if (r.type === 'DEPENDS_ON' || r.type === 'CONTAINS') addEdge(sbom.graph, r.from, r.to);
      else if (r.type === 'DEPENDENCY_OF' || r.type === 'CONTAINED_BY') addEdge(sbom.graph, r.to, r.from);
    }
    sbom.rootRefs = [...new Set(subjects)];
  }
}

function addEdge(graph: Map<string, string[]>, from: string, to: string): void {
  graph.set(from, [...(graph.get(from) ?? []), to]);
}
