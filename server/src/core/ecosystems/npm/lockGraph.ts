// Who pulls in whom, from a lockfile: each package's required names resolved to installed
// locations the way Node resolves them (its own node_modules first, then each enclosing one).
// Pure; used by the tree view to group transitive dependencies under what requires them.

import { reachable } from '../../reachable';
import type { Dependency } from '../../dependency';

export interface LockGraph {
  /** Locations the project requires directly (plus anything nothing reaches, so nothing is lost). */
  roots: string[];
  /** Location → locations of the packages it requires. */
  children: Map<string, string[]>;
}

export function lockGraph(packages: Dependency[], rootRequires?: string[]): LockGraph {
  const byLocation = new Map(packages.filter((p) => p.location).map((p) => [p.location!, p]));
  const resolve = (from: string, name: string): string | undefined => {
    for (let base = from; ; base = parentInstallFolder(base)) {
      const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
      if (byLocation.has(candidate)) return candidate;
      if (!base) return undefined;
    }
  };
  const children = new Map<string, string[]>();
  const required = new Set<string>();
  for (const p of byLocation.values()) {
    const resolved = (p.requires ?? []).map((name) => resolve(p.location!, name)).filter((l): l is string => l !== undefined);
    children.set(p.location!, [...new Set(resolved)]);
    for (const l of resolved) if (l !== p.location) required.add(l);
  }
  let roots: string[];
  if (rootRequires) {
    roots = rootRequires.map((name) => resolve('', name)).filter((l): l is string => l !== undefined);
  } else {
    // v1 lockfiles do not record the project's own requirements: top-level packages nobody requires are its direct ones.
    roots = [...byLocation.keys()].filter((l) => !required.has(l) && parentInstallFolder(l) === '');
  }
  // Anything not reachable from the roots (extraneous, or a cycle) is listed at the top rather than hidden:
  // first what nothing requires, then whatever is left of cycles.
  const reached = reachable(roots, children);
  for (const pass of [(l: string) => !required.has(l), () => true]) {
    for (const l of byLocation.keys()) {
      if (!reached.has(l) && pass(l)) {
        roots.push(l);
        reachable([l], children, reached);
      }
    }
  }
  return { roots: [...new Set(roots)], children };
}

/** `node_modules/a/node_modules/b` → `node_modules/a`; `node_modules/a` → `` (the project). */
function parentInstallFolder(location: string): string {
  const idx = location.lastIndexOf('/node_modules/');
  return idx < 0 ? '' : location.slice(0, idx);
}
