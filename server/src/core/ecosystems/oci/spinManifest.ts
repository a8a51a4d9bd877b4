// Spin application manifests (`spin.toml`, manifest version 2 `[component.<id>]` and version 1
// `[[component]]`): a component whose `source` is a registry package — `{ registry, package =
// "namespace:name", version }` — is a WebAssembly component published as an OCI artifact at
// `<registry>/<namespace>/<name>:<version>` (the package-to-OCI mapping of the wasm package tools).
// Local files and plain URL sources are not registry artifacts and are not listed.

import { type TomlNode, parseTomlDocument, tomlAt, tomlString } from '../../formats/tomlDocument';
import type { Dependency, ParseProblem } from '../../dependency';
import { isImageReference, parseImageReference } from '../../formats/imageReference';

export function parseSpinManifest(text: string): { images: Dependency[]; problems: ParseProblem[] } {
  const { root, problems } = parseTomlDocument(text);
  const images: Dependency[] = [];
  const components: Array<[string, TomlNode]> = [];
  const v2 = tomlAt(root, 'component');
  if (v2?.table) for (const [id, component] of v2.table) components.push([id, component]);
  for (const component of v2?.items ?? []) components.push([tomlString(tomlAt(component, 'id')) ?? '?', component]);
  for (const [id, component] of components) {
    const source = tomlAt(component, 'source');
    const registry = tomlString(tomlAt(source, 'registry'));
    const pkg = tomlAt(source, 'package');
    const version = tomlAt(source, 'version');
    if (!registry || !pkg || typeof pkg.value !== 'string') continue;
    const [namespace, name] = pkg.value.split(':');
    const written = `${registry.replace(/\/+$/, '')}/${namespace}/${name ?? ''}${typeof version?.value === 'string' ? `:${version.value}` : ''}`;
    const ref = parseImageReference(written);
    if (!name || !isImageReference(ref) || typeof version?.value !== 'string') {
      problems.push({
        code: 'image-invalid',
        range: (version ?? pkg).range,
        message: `Component ${id}: "${pkg.value}"${typeof version?.value === 'string' ? ` ${version.value}` : ' without a version'} from ${registry} cannot be named as an OCI artifact (namespace:name and an exact version are needed).`,
      });
      continue;
    }
    images.push({
      ecosystem: 'oci',
      group: 'image',
      name: ref.name,
      spec: ref.tag ?? 'latest',
      nameRange: pkg.range,
      specRange: version.range,
      image: ref,
      source: `Spin component ${id} (package ${pkg.value})`,
    });
  }
  return { images, problems };
}
