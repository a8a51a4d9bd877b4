// A Gradle version catalog (gradle/libs.versions.toml): its libraries (`"group:name:version"`, or
// tables with `module` or `group`/`name`, and `version` or `version.ref` into `[versions]`).

import { type TomlNode, parseTomlDocument, tomlAt, tomlString } from '../../formats/tomlDocument';
import type { Dependency, ParseProblem } from '../../dependency';

export function parseVersionCatalog(text: string): { dependencies: Dependency[]; problems: ParseProblem[] } {
  const { root, problems } = parseTomlDocument(text);
  const out = { dependencies: [] as Dependency[], problems };
  const versions = tomlAt(root, 'versions');
  for (const [alias, library] of tomlAt(root, 'libraries')?.table ?? []) {
    const coordinates = tomlString(library);
    let name: string | undefined;
    let versionNode: TomlNode | undefined;
    let version: string | undefined;
    if (coordinates) {
      const [group, artifact, v] = coordinates.split(':');
      name = group && artifact ? `${group}:${artifact}` : undefined;
      version = v;
      versionNode = library;
    } else {
      name =
        tomlString(tomlAt(library, 'module')) ??
        (tomlString(tomlAt(library, 'group')) && `${tomlString(tomlAt(library, 'group'))}:${tomlString(tomlAt(library, 'name'))}`);
      const direct = tomlAt(library, 'version');
      const ref = tomlString(tomlAt(direct, 'ref')) ?? tomlString(tomlAt(library, 'version.ref'));
      versionNode = ref ? tomlAt(versions, ref) : direct;
      // A rich version ({ strictly, require, prefer }) names its required one.
      version = tomlString(versionNode) ?? tomlString(tomlAt(versionNode, 'strictly')) ?? tomlString(tomlAt(versionNode, 'require'));
    }
    if (!name) {
      problems.push({ message: `The library "${alias}" names no module (group:name).`, range: library.keyRange ?? library.range });
      continue;
    }
    const range = library.keyRange ?? library.range;
    out.dependencies.push({
      ecosystem: 'maven',
      name,
      spec: version ?? '',
      version: version && !/^[[(]/.test(version) ? version : undefined,
      group: 'dependencies',
      nameRange: range,
      specRange: coordinates ? library.range : (versionNode?.range ?? range),
    });
  }
  return out;
}
