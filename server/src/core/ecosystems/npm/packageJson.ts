// package.json → the dependencies it declares, with the range of each name and version.

import type { Dependency, DependencyGroup, ParseProblem, Range } from '../../dependency';
import { child, nodeRange, parseJsonObject, properties, stringValue } from '../../formats/jsonDocument';

export interface PackageManifest {
  name?: string;
  /** The declared source repository, normalised to `https://host/owner/repo` when recognisable. */
  repository?: string;
  dependencies: Dependency[];
  problems: ParseProblem[];
}

const GROUPS: DependencyGroup[] = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

export function parsePackageJson(text: string): PackageManifest {
  const { root, lines, problems } = parseJsonObject(text, 'package.json');
  const manifest: PackageManifest = { dependencies: [], problems };
  if (root === undefined) return manifest;
  manifest.name = stringValue(child(root, 'name'));
  const repo = child(root, 'repository');
  manifest.repository = normaliseRepository(stringValue(repo) ?? stringValue(child(repo, 'url')));

  for (const group of GROUPS) {
    const section = child(root, group);
    if (section === undefined) continue;
    if (section.type !== 'object') {
      problems.push({ message: `"${group}" must be an object of name → version.`, range: nodeRange(lines, section) });
      continue;
    }
    for (const { key, value } of properties(section)) {
      const spec = stringValue(value);
      const nameRange: Range = nodeRange(lines, key);
      if (spec === undefined) {
        problems.push({ message: `The version of "${key.value}" must be a string.`, range: nodeRange(lines, value) });
        continue;
      }
      manifest.dependencies.push({
        ecosystem: 'npm',
        name: String(key.value),
        spec,
        group,
        nameRange,
        specRange: nodeRange(lines, value),
      });
    }
  }
  return manifest;
}

/**
 * Reduces the many spellings npm accepts (`github:o/r`, `git+https://…/o/r.git`, `o/r`) to
 * `https://github.com/o/r`, so it can be compared with a provenance certificate's source repository.
 */
export function normaliseRepository(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let v = value.trim();
  const shorthand = /^(github|gitlab|bitbucket):([\w.-]+\/[\w.-]+)$/.exec(v);
  if (shorthand) v = `https://${shorthand[1]}.${shorthand[1] === 'bitbucket' ? 'org' : 'com'}/${shorthand[2]}`;
  else if (/^[\w.-]+\/[\w.-]+$/.test(v)) v = `https://github.com/${v}`;
  v = v
    .replace(/^git\+/, '')
    .replace(/^git:\/\//, 'https://')
    .replace(/^ssh:\/\/git@/, 'https://');
  v = v.replace(/^git@([^:]+):/, 'https://$1/');
  v = v
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
    .replace(/#.*$/, '');
  return v.toLowerCase();
}
