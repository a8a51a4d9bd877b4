// The versions a manifest's direct dependencies are locked at, from the lockfile beside it
// (package.json: npm-shrinkwrap.json or package-lock.json; pyproject.toml: uv.lock or poetry.lock).
// A manifest is re-verified on every (debounced) edit; the lockfile beside it rarely changes, and a
// large one takes tens of milliseconds to parse, so each parse is kept until the file's size or
// modification time changes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dependency } from './dependency';
import { readTextIfExists } from './readText';

/** Bounds the memo for workspaces with many packages; the oldest entry goes first. */
const MAX_ENTRIES = 64;

export class SiblingLocks {
  private readonly parsed = new Map<string, { stamp: string; top: Map<string, Dependency> }>();

  /**
   * `lockfiles`: the names to look for, in order of preference; `read`: a lockfile's text → its
   * packages by the name a manifest uses for them.
   */
  constructor(
    private readonly lockfiles: string[],
    private readonly read: (text: string, lockfile: string) => Map<string, Dependency>,
  ) {}

  /** The packages of the lockfile in `dir`, by name; undefined without one. */
  get(dir: string): Map<string, Dependency> | undefined {
    for (const name of this.lockfiles) {
      const file = path.join(dir, name);
      const stamp = stampOf(file);
      if (stamp === undefined) continue;
      const known = this.parsed.get(file);
      if (known?.stamp === stamp) return known.top;
      const text = readTextIfExists(file);
      if (text === undefined) continue;
      const top = this.read(text, name);
      this.parsed.delete(file);
      this.parsed.set(file, { stamp, top });
      if (this.parsed.size > MAX_ENTRIES) this.parsed.delete(this.parsed.keys().next().value!);
      return top;
    }
    return undefined;
  }
}

function stampOf(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? `${stat.size}:${stat.mtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}
