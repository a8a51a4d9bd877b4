// Python lockfiles: every locked package at its exact version with the hashes of the files it
// may be installed from, and the index it comes from where the lock says — poetry.lock (files in
// each `[[package]]`, or Poetry 1.x's `[metadata.files]`), uv.lock (`sdist` and `wheels`, `source`)
// and Pipfile.lock (JSON, `_meta.sources`).

import { arrayItems, child, nodeRange, parseJsonObject, properties, stringValue } from '../../formats/jsonDocument';
import { type TomlNode, parseTomlDocument, tomlAt, tomlString } from '../../formats/tomlDocument';
import type { Dependency } from '../../dependency';
import { normalizeName } from './pep508';
import type { PythonFile } from './requirementsTxt';

export function parsePoetryLock(text: string): PythonFile {
  const { root, problems } = parseTomlDocument(text);
  const out: PythonFile = { dependencies: [], problems, indexes: [] };
  const legacyFiles = tomlAt(root, 'metadata', 'files');
  for (const pkg of tomlAt(root, 'package')?.items ?? []) {
    const name = tomlString(tomlAt(pkg, 'name'));
    if (!name) continue;
    const files = tomlAt(pkg, 'files')?.items ?? legacyFiles?.table?.get(name)?.items ?? [];
    const source = tomlAt(pkg, 'source');
    // Poetry names a source only for packages from somewhere other than the default index.
    const index = tomlString(tomlAt(source, 'type')) === 'legacy' ? tomlString(tomlAt(source, 'url')) : undefined;
    const url = ['git', 'directory', 'file', 'url'].includes(tomlString(tomlAt(source, 'type')) ?? '')
      ? (tomlString(tomlAt(source, 'url')) ?? 'a local source')
      : undefined;
    add(
      out,
      pkg,
      name,
      files.map((f) => tomlString(tomlAt(f, 'hash'))),
      index,
      url,
    );
  }
  return out;
}

export function parseUvLock(text: string): PythonFile {
  const { root, problems } = parseTomlDocument(text);
  const out: PythonFile = { dependencies: [], problems, indexes: [] };
  for (const pkg of tomlAt(root, 'package')?.items ?? []) {
    const name = tomlString(tomlAt(pkg, 'name'));
    if (!name) continue;
    const source = tomlAt(pkg, 'source');
    const registry = tomlString(tomlAt(source, 'registry'));
    // The project itself and its workspace members: not packages from an index.
    if (!registry && (tomlAt(source, 'editable') || tomlAt(source, 'virtual'))) continue;
    const url = registry
      ? undefined
      : (tomlString(tomlAt(source, 'git')) ??
        tomlString(tomlAt(source, 'url')) ??
        tomlString(tomlAt(source, 'path')) ??
        tomlString(tomlAt(source, 'directory')));
    const files = [tomlAt(pkg, 'sdist'), ...(tomlAt(pkg, 'wheels')?.items ?? [])].filter((f): f is TomlNode => !!f);
    add(
      out,
      pkg,
      name,
      files.map((f) => tomlString(tomlAt(f, 'hash'))),
      registry,
      url,
    );
  }
  return out;
}

function add(out: PythonFile, pkg: TomlNode, name: string, hashes: Array<string | undefined>, index: string | undefined, url: string | undefined): void {
  const nameNode = tomlAt(pkg, 'name')!;
  const versionNode = tomlAt(pkg, 'version');
  const version = tomlString(versionNode);
  const pinned = hashes.filter((h): h is string => !!h && /^[a-z0-9]+:[0-9a-f]+$/i.test(h)).map((h) => h.toLowerCase());
  const dependency: Dependency = {
    ecosystem: 'pypi',
    name: normalizeName(name),
    spec: version ?? '',
    version,
    group: 'lockfile',
    nameRange: nameNode.range,
    specRange: versionNode?.range ?? nameNode.range,
    hashes: pinned.length > 0 ? pinned : undefined,
    index,
    url,
  };
  if (!version) out.problems.push({ message: `The locked package ${name} has no version.`, range: nameNode.range });
  out.dependencies.push(dependency);
}

export function parsePipfileLock(text: string): PythonFile {
  const { root, lines, problems } = parseJsonObject(text, 'Pipfile.lock');
  const out: PythonFile = { dependencies: [], problems, indexes: [] };
  if (!root) return out;
  const sources = new Map<string, string>();
  for (const source of arrayItems(child(child(root, '_meta'), 'sources'))) {
    const name = stringValue(child(source, 'name'));
    const url = stringValue(child(source, 'url'));
    if (name && url) sources.set(name, url);
  }
  out.indexes = [...sources.values()];
  for (const section of ['default', 'develop'] as const) {
    for (const { key, value } of properties(child(root, section))) {
      const name = String(key.value);
      const versionNode = child(value, 'version');
      const written = stringValue(versionNode);
      const exact = written ? /^===?(.+)$/.exec(written)?.[1] : undefined;
      const hashes = arrayItems(child(value, 'hashes'))
        .map(stringValue)
        .filter((h): h is string => !!h)
        .map((h) => h.toLowerCase());
      const indexName = stringValue(child(value, 'index'));
      const url = stringValue(child(value, 'git')) ?? stringValue(child(value, 'path')) ?? stringValue(child(value, 'file'));
      out.dependencies.push({
        ecosystem: 'pypi',
        name: normalizeName(name),
        spec: written ?? url ?? '',
        version: exact,
        group: section === 'default' ? 'lockfile' : 'devDependencies',
        nameRange: nodeRange(lines, key),
        specRange: nodeRange(lines, versionNode ?? key),
        hashes: hashes.length > 0 ? hashes : undefined,
        index: indexName ? sources.get(indexName) : undefined,
        url,
      });
    }
  }
  return out;
}
