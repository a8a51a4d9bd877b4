// Where Cargo reads a registry's index, as Cargo resolves it: a lockfile source `sparse+<url>` is
// that index; a `registry+<git url>` source is read through the source replacement Cargo's
// configuration gives (`[source.<name>] replace-with`, the replacement's `registry` or `index`),
// the default registry being `crates-io`. Configuration files: `.cargo/config.toml` (or `config`) in
// the project folder and its parents, then $CARGO_HOME (~/.cargo). A git index cannot be read here.

import * as os from 'node:os';
import * as path from 'node:path';
import { parseTomlDocument, tomlAt, tomlString } from '../../formats/tomlDocument';
import { readTextIfExists } from '../../readText';

export interface CargoSources {
  /** Source name → its index URL (`registry`/`index`), and what it is replaced with. */
  sources: Map<string, { index?: string; replaceWith?: string }>;
}

export function loadCargoConfig(projectDir: string, env: NodeJS.ProcessEnv, homeDir = os.homedir()): CargoSources {
  const files: string[] = [];
  for (let dir = path.resolve(projectDir); ; dir = path.dirname(dir)) {
    files.push(path.join(dir, '.cargo', 'config.toml'), path.join(dir, '.cargo', 'config'));
    if (path.dirname(dir) === dir) break;
  }
  const cargoHome = env.CARGO_HOME ?? path.join(homeDir, '.cargo');
  files.push(path.join(cargoHome, 'config.toml'), path.join(cargoHome, 'config'));
  const sources = new Map<string, { index?: string; replaceWith?: string }>();
  // The nearest file wins: read farthest first so nearer ones overwrite.
  for (const file of files.reverse()) {
    const text = readTextIfExists(file);
    if (text === undefined) continue;
    const { root } = parseTomlDocument(text);
    for (const [name, source] of tomlAt(root, 'source')?.table ?? []) {
      const known = sources.get(name) ?? {};
      sources.set(name, {
        index: tomlString(tomlAt(source, 'registry')) ?? known.index,
        replaceWith: tomlString(tomlAt(source, 'replace-with')) ?? known.replaceWith,
      });
    }
    for (const [name, registry] of tomlAt(root, 'registries')?.table ?? []) {
      const known = sources.get(name) ?? {};
      sources.set(name, { ...known, index: tomlString(tomlAt(registry, 'index')) ?? known.index });
    }
  }
  return { sources };
}

/**
 * The sparse index to read a lockfile source from, or why there is none. A `registry+` URL is
 * matched to the configured source naming it; one no source names is the default registry
 * (`crates-io`), which only a replacement makes readable here.
 */
export function sparseIndexFor(source: string, config: CargoSources): { url: string } | { error: string } {
  if (source.startsWith('sparse+')) return { url: withSlash(source.slice('sparse+'.length)) };
  const url = source.replace(/^registry\+/, '');
  let name = [...config.sources].find(([, s]) => s.index && s.index.replace(/^registry\+/, '') === url)?.[0] ?? 'crates-io';
  for (let hops = 0; hops < 10; hops++) {
    const replacement = config.sources.get(name)?.replaceWith;
    if (!replacement) break;
    name = replacement;
  }
  const index = config.sources.get(name)?.index;
  if (index?.startsWith('sparse+')) return { url: withSlash(index.slice('sparse+'.length)) };
  return {
    error: `the index of ${url} is a git repository, which cannot be read here; a source replacement with a sparse index (.cargo/config.toml) makes it checkable`,
  };
}

/** The index file of a crate: 1/, 2/, 3/<c>/, then <ab>/<cd>/ by its lower-case name. */
export function indexPath(name: string): string {
  const n = name.toLowerCase();
  if (n.length <= 2) return `${n.length}/${n}`;
  if (n.length === 3) return `3/${n[0]}/${n}`;
  return `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
