// package-lock.json / npm-shrinkwrap.json, lockfile versions 1, 2 and 3 → the locked packages.
// v2 and v3 list every package under "packages" keyed by its node_modules path; v1 nests
// "dependencies" objects. v2 carries both, and the "packages" view is the authoritative one.

import type { Node } from 'jsonc-parser';
import type { Dependency, ParseProblem } from '../../dependency';
import { type LineIndex, child, nodeRange, parseJsonObject, properties, stringValue } from '../../formats/jsonDocument';

export interface PackageLock {
  lockfileVersion?: number;
  packages: Dependency[];
  /** What the project itself depends on (the "" entry of v2/v3); undefined for v1, which does not say. */
  rootRequires?: string[];
  problems: ParseProblem[];
}

export function parsePackageLock(text: string): PackageLock {
  const { root, lines, problems } = parseJsonObject(text, 'A lockfile');
  const lock: PackageLock = { packages: [], problems };
  if (root === undefined) return lock;
  const versionNode = child(root, 'lockfileVersion');
  lock.lockfileVersion = typeof versionNode?.value === 'number' ? versionNode.value : undefined;
  const packagesNode = child(root, 'packages');
  if (packagesNode?.type === 'object') {
    readPackages(packagesNode, lines, lock);
  } else if (child(root, 'dependencies')?.type === 'object') {
    readV1Dependencies(child(root, 'dependencies')!, 'node_modules', lines, lock);
  }
  if (lock.lockfileVersion !== undefined && ![1, 2, 3].includes(lock.lockfileVersion)) {
    problems.push({
      message: `lockfileVersion ${lock.lockfileVersion} is not one npm writes (1, 2 or 3); entries were read as best as possible.`,
      range: nodeRange(lines, versionNode!),
    });
  }
  return lock;
}

function readPackages(packagesNode: Node, lines: LineIndex, lock: PackageLock): void {
  for (const { key, value } of properties(packagesNode)) {
    const location = String(key.value);
    if (value.type !== 'object') continue;
    if (location === '') {
      lock.rootRequires = requiredNames(value); // "" is the root project itself
      continue;
    }
    if (child(value, 'link')?.value === true) continue; // workspace symlinks have no registry artifact
    const name = stringValue(child(value, 'name')) ?? nameFromLocation(location);
    const entry = name && lockedEntry(name, location, key, value, lines);
    if (entry) lock.packages.push(entry);
  }
}

function readV1Dependencies(depsNode: Node, parentPath: string, lines: LineIndex, lock: PackageLock): void {
  for (const { key, value } of properties(depsNode)) {
    if (value.type !== 'object') continue;
    const location = `${parentPath}/${key.value}`;
    const entry = child(value, 'bundled')?.value !== true && lockedEntry(String(key.value), location, key, value, lines);
    if (entry) lock.packages.push(entry);
    const nested = child(value, 'dependencies');
    if (nested?.type === 'object') readV1Dependencies(nested, `${location}/node_modules`, lines, lock);
  }
}

/** One locked package; v1 writes aliases as `"version": "npm:real-name@1.2.3"`. */
function lockedEntry(name: string, location: string, key: Node, value: Node, lines: LineIndex): Dependency | undefined {
  const versionNode = child(value, 'version');
  let version = stringValue(versionNode);
  if (!version) return undefined;
  const alias = /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(version);
  if (alias) [, name, version] = alias;
  return {
    ecosystem: 'npm',
    name,
    spec: version,
    version,
    integrity: stringValue(child(value, 'integrity')),
    group: 'lockfile',
    location,
    requires: requiredNames(value),
    nameRange: nodeRange(lines, key),
    specRange: nodeRange(lines, versionNode!),
  };
}

/** Names a lockfile entry depends on: v2/v3 `dependencies`/`optionalDependencies`/`peerDependencies`, v1 `requires`. */
function requiredNames(entry: Node): string[] {
  const names = new Set<string>();
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies', 'requires']) {
    const section = child(entry, field);
    // In v1, "dependencies" holds nested installed packages (objects), not requirements (strings).
    for (const { key, value } of properties(section)) if (value.type === 'string') names.add(String(key.value));
  }
  return [...names];
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
export function nameFromLocation(location: string): string | undefined {
  const idx = location.lastIndexOf('node_modules/');
  if (idx < 0) return undefined; // a workspace folder, not an installed package
  return location.slice(idx + 'node_modules/'.length) || undefined;
}
