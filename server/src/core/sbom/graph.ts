// An SBOM's dependency graph in the shape the provenance tree walks (the lockfile graph's): the
// components the SBOM's subject depends on at the top, each one's dependencies below it. Only
// components that are verified (have a package URL) are nodes; one that nothing reaches from the
// top is listed at the top too, rather than hidden.

import { reachable } from '../reachable';
import type { LockGraph } from '../ecosystems/npm/lockGraph';
import type { ParsedSbom } from './sbomModel';
import type { Dependency } from '../dependency';

export function sbomGraph(sbom: ParsedSbom, dependencies: Dependency[], keyOf: (d: Dependency) => string): LockGraph {
  const keyByRef = new Map<string, string>();
  for (const d of dependencies) if (d.ref) keyByRef.set(d.ref, keyOf(d));
  const children = new Map<string, string[]>();
  for (const d of dependencies) {
    if (!d.ref) continue;
    const on = (sbom.graph.get(d.ref) ?? []).map((ref) => keyByRef.get(ref)).filter((k): k is string => k !== undefined && k !== keyOf(d));
    if (on.length > 0) children.set(keyOf(d), [...new Set(on)]);
  }
  const fromRoots = sbom.rootRefs
    .flatMap((root) => sbom.graph.get(root) ?? [])
    .map((ref) => keyByRef.get(ref))
    .filter((k): k is string => k !== undefined);
  const reached = reachable(fromRoots, children);
  // The rest: at the top go those nothing else among them depends on, then whatever a cycle still hides.
  const rest = dependencies.map(keyOf).filter((k) => !reached.has(k));
  const restSet = new Set(rest);
  const dependedOn = new Set(rest.flatMap((k) => children.get(k) ?? []).filter((k) => restSet.has(k)));
  const restTops = rest.filter((k) => !dependedOn.has(k));
  const reachedFromRest = reachable(restTops, children);
  return { roots: [...new Set([...fromRoots, ...restTops, ...rest.filter((k) => !reachedFromRest.has(k))])], children };
}
