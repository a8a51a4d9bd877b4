// What can be reached from some nodes of a graph, following `next` (children, or parents for the
// way back): one iterative walk for every graph the program keeps — lockfiles, SBOMs, the tree.

export function reachable(starts: Iterable<string>, next: Map<string, string[]>, seen = new Set<string>()): Set<string> {
  const stack = [...starts];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    stack.push(...(next.get(node) ?? []));
  }
  return seen;
}
