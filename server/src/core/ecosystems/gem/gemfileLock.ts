// Bundler's lockfile (Gemfile.lock / gems.locked): every gem of each GEM section at its exact
// version and platform, with the section's `remote:` as where it comes from, its sha256 from the
// CHECKSUMS section (Bundler 2.6+), and gems from GIT and PATH sections as not from a registry.

import { LineIndex } from '../../formats/jsonDocument';
import type { Dependency, ParseProblem } from '../../dependency';

export interface GemfileLock {
  dependencies: Dependency[];
  problems: ParseProblem[];
  /** Remotes of the GEM sections, in order. */
  indexes: string[];
}

/** `name (version[-platform])` at four spaces: a locked gem; six spaces: one of its own dependencies. */
const SPEC = /^ {4}([A-Za-z0-9][A-Za-z0-9._-]*) \(([^)\s]+)\)\s*$/;
const CHECKSUM = /^ {2}([A-Za-z0-9][A-Za-z0-9._-]*) \(([^)\s]+)\)(?: (.*))?$/;

export function parseGemfileLock(text: string): GemfileLock {
  const lines = new LineIndex(text);
  const out: GemfileLock = { dependencies: [], problems: [], indexes: [] };
  const checksums = new Map<string, string[]>();
  let section = '';
  let remote: string | undefined;
  let offset = 0;
  const pending: Array<{ name: string; written: string; at: number; section: string; remote?: string }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const at = offset;
    offset += raw.length + 1;
    if (/^[A-Z][A-Z ]*$/.test(line)) {
      section = line;
      remote = undefined;
      continue;
    }
    const remoteLine = /^ {2}remote: (\S+)/.exec(line);
    if (remoteLine) {
      remote = remoteLine[1];
      if (section === 'GEM') out.indexes.push(remote);
      continue;
    }
    if (section === 'CHECKSUMS') {
      const c = CHECKSUM.exec(line);
      if (c)
        checksums.set(
          `${c[1]} ${c[2]}`,
          (c[3] ?? '')
            .split(',')
            .map((s) => s.trim().replace(/^sha256=/, 'sha256:'))
            .filter((s) => /^sha256:[0-9a-f]{64}$/.test(s)),
        );
      continue;
    }
    const spec = SPEC.exec(line);
    if (spec && (section === 'GEM' || section === 'GIT' || section === 'PATH')) pending.push({ name: spec[1], written: spec[2], at: at + 4, section, remote });
    else if (/^ {4}\S/.test(line) && section === 'GEM' && !/^ {4}specs:/.test(line))
      out.problems.push({ message: `"${line.trim()}" is not a locked gem (name (version)).`, range: lines.rangeAt(at + 4, line.length - 4) });
  }
  for (const p of pending) {
    const nameRange = lines.rangeAt(p.at, p.name.length);
    const specRange = lines.rangeAt(p.at + p.name.length + 2, p.written.length);
    const { version, platform } = splitPlatform(p.written);
    const fromRegistry = p.section === 'GEM';
    out.dependencies.push({
      ecosystem: 'gem',
      name: p.name,
      spec: p.written,
      version,
      platform,
      group: 'lockfile',
      nameRange,
      specRange,
      index: fromRegistry ? p.remote : undefined,
      url: fromRegistry ? undefined : (p.remote ?? 'a local path'),
      hashes: checksums.get(`${p.name} ${p.written}`)?.length ? checksums.get(`${p.name} ${p.written}`) : undefined,
    });
  }
  return out;
}

/** `1.14.0-x86_64-linux` → version 1.14.0, platform x86_64-linux (a version has no dash; a prerelease uses dots). */
export function splitPlatform(written: string): { version: string; platform?: string } {
  const dash = written.indexOf('-');
  return dash < 0 ? { version: written } : { version: written.slice(0, dash), platform: written.slice(dash + 1) };
}
