// Rust's Cargo: Cargo.lock (every package with its version, source and checksum) and Cargo.toml
// (dependencies of every table: [dependencies], dev-, build-, target-specific and workspace ones;
// `name = "1.0"` or `{ version, registry, git, path }`), with ranges.

import { type TomlNode, parseTomlDocument, tomlAt, tomlString } from '../../formats/tomlDocument';
import type { Dependency, DependencyGroup, ParseProblem } from '../../dependency';

export function parseCargoLock(text: string): { dependencies: Dependency[]; problems: ParseProblem[] } {
  const { root, problems } = parseTomlDocument(text);
  const out = { dependencies: [] as Dependency[], problems };
  for (const pkg of tomlAt(root, 'package')?.items ?? []) {
    const nameNode = tomlAt(pkg, 'name');
    const name = tomlString(nameNode);
    const source = tomlString(tomlAt(pkg, 'source'));
    // Workspace members and path dependencies have no source: they are not from a registry.
    if (!name || !nameNode || !source) continue;
    const versionNode = tomlAt(pkg, 'version');
    const checksum = tomlString(tomlAt(pkg, 'checksum'));
    const registry = /^(registry|sparse)\+/.test(source) ? source : undefined;
    out.dependencies.push({
      ecosystem: 'cargo',
      name,
      spec: tomlString(versionNode) ?? '',
      version: tomlString(versionNode),
      group: 'lockfile',
      nameRange: nameNode.range,
      specRange: versionNode?.range ?? nameNode.range,
      index: registry,
      url: registry ? undefined : source,
      hashes: checksum ? [`sha256:${checksum}`] : undefined,
    });
  }
  return out;
}

export function parseCargoToml(text: string): { dependencies: Dependency[]; problems: ParseProblem[] } {
  const { root, problems } = parseTomlDocument(text);
  const out = { dependencies: [] as Dependency[], problems };
  const tables: Array<[TomlNode | undefined, DependencyGroup]> = [
    [tomlAt(root, 'dependencies'), 'dependencies'],
    [tomlAt(root, 'dev-dependencies'), 'devDependencies'],
    [tomlAt(root, 'build-dependencies'), 'devDependencies'],
    [tomlAt(root, 'workspace', 'dependencies'), 'dependencies'],
    ...[...(tomlAt(root, 'target')?.table?.values() ?? [])].flatMap((t): Array<[TomlNode | undefined, DependencyGroup]> => [
      [tomlAt(t, 'dependencies'), 'dependencies'],
      [tomlAt(t, 'dev-dependencies'), 'devDependencies'],
      [tomlAt(t, 'build-dependencies'), 'devDependencies'],
    ]),
  ];
  for (const [table, group] of tables) {
    for (const [key, value] of table?.table ?? []) {
      // `package = "real-name"` renames a dependency.
      const name = tomlString(tomlAt(value, 'package')) ?? key;
      const versionNode = value.table ? tomlAt(value, 'version') : value;
      const location = tomlString(tomlAt(value, 'git')) ?? tomlString(tomlAt(value, 'path'));
      const inherited = tomlAt(value, 'workspace')?.value === true;
      if (inherited) continue; // `foo.workspace = true`: declared in the workspace's own table
      out.dependencies.push({
        ecosystem: 'cargo',
        name,
        spec: location ?? tomlString(versionNode) ?? '',
        group,
        nameRange: value.keyRange ?? value.range,
        specRange: versionNode?.range ?? value.range,
        url: location,
      });
    }
  }
  return out;
}
