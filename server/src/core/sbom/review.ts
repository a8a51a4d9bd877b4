// What the SBOM review view shows: one row per component (with its verdict where it has a package
// URL we verify), counts by verdict and licence, and the dependency graph. Pure: the parse and the
// results in, plain data out (posted to the webview as it is).

import type { ParsedSbom, SbomComponent } from './sbomModel';
import type { Dependency } from '../dependency';
import type { PackageResult } from '../result';

/** A component as the SBOM gives it (ref, name, version, purl, licences, supplier), and what we found. */
export interface ReviewRow extends Omit<SbomComponent, 'hashes' | 'range'> {
  /** `SHA-256: 1a2b…` and so on. */
  hashes: string[];
  verdict: PackageResult['verdict'] | 'pending' | 'not-checked';
  reason?: string;
  sourceRepository?: string;
  /** Zero-based line of the component in the file, for "reveal in text". */
  line: number;
}

/** Who signed the SBOM itself: a bundle beside the file, or the attestation it came from. */
export interface SbomSignature {
  verdict: PackageResult['verdict'];
  reason: string;
  /** Certificate identity or key name. */
  signer?: string;
  issuer?: string;
  logEntryUrl?: string;
  /** Where the signature is: "bundle app.cdx.json.sigstore.json", "attestation on <image>". */
  source: string;
}

export interface ReviewModel {
  format: string;
  signature?: SbomSignature;
  specVersion?: string;
  rows: ReviewRow[];
  counts: Record<string, number>;
  licenses: Record<string, number>;
  /** ref → refs, and the refs at the top. */
  graph: { roots: string[]; children: Record<string, string[]> };
}

export function reviewModel(
  sbom: ParsedSbom,
  dependencies: Dependency[],
  result: (d: Dependency) => PackageResult | undefined,
  signature?: SbomSignature,
): ReviewModel {
  const byRef = new Map(dependencies.filter((d) => d.ref).map((d) => [d.ref!, d]));
  const byPurl = new Map(dependencies.filter((d) => d.purl).map((d) => [d.purl!, d]));
  const rows = sbom.components.map((c): ReviewRow => {
    const dependency = (c.ref && byRef.get(c.ref)) || (c.purl && byPurl.get(c.purl)) || undefined;
    const r = dependency && result(dependency);
    return {
      ref: c.ref,
      name: c.name,
      version: c.version,
      purl: c.purl,
      licenses: c.licenses,
      supplier: c.supplier,
      hashes: Object.entries(c.hashes).map(([alg, hex]) => `${alg}: ${hex}`),
      verdict: !dependency ? 'not-checked' : (r?.verdict ?? 'pending'),
      reason: r?.reason,
      sourceRepository: r?.provenanceDetails?.sourceRepository,
      line: c.range.start.line,
    };
  });
  const counts: Record<string, number> = {};
  const licenses: Record<string, number> = {};
  for (const row of rows) {
    counts[row.verdict] = (counts[row.verdict] ?? 0) + 1;
    for (const l of row.licenses.length > 0 ? row.licenses : ['(none)']) licenses[l] = (licenses[l] ?? 0) + 1;
  }
  const children = Object.fromEntries(sbom.graph);
  const dependedOn = new Set([...sbom.graph.values()].flat());
  const roots = sbom.rootRefs.length > 0 ? sbom.rootRefs : rows.map((r) => r.ref).filter((ref): ref is string => !!ref && !dependedOn.has(ref));
  return { format: sbom.format, specVersion: sbom.specVersion, signature, rows, counts, licenses, graph: { roots, children } };
}
