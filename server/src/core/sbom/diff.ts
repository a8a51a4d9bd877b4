// Comparing two inventories — two SBOMs, or an SBOM and a lockfile: components added, removed, and
// changed (another version, or — more alarming — the same version with another hash). Components
// are matched by package identity (purl without version, else name); a package present in several
// versions is paired version by version. Pure: parsed files in, a diff out.

import * as path from 'node:path';
import { type ParsedFile, parseFile } from '../fileKinds';
import { PackageURL } from 'packageurl-js';

export interface InventoryItem {
  /** Package identity: the purl without version and qualifiers (or the name). */
  key: string;
  name: string;
  version?: string;
  purl?: string;
  /** Algorithm → lower-case hex. */
  hashes: Record<string, string>;
}

export interface ChangedItem {
  key: string;
  name: string;
  from: InventoryItem;
  to: InventoryItem;
  versionChanged: boolean;
  /** Same version, different content: the artifact was replaced. */
  hashChanged: boolean;
}

export interface InventoryDiff {
  added: InventoryItem[];
  removed: InventoryItem[];
  changed: ChangedItem[];
  unchanged: number;
}

/** A file's inventory, or why it has none (it is neither an SBOM nor an npm lockfile). */
export function inventoryOfFile(file: string, text: string): InventoryItem[] | { error: string } {
  const parsed = parseFile(file, text);
  if (!parsed || (!parsed.sbom && parsed.kind !== 'npm-lockfile'))
    return { error: `${path.basename(file)} is neither an SBOM (CycloneDX or SPDX) nor an npm lockfile.` };
  return inventoryOf(parsed);
}

/** The inventory a parsed SBOM or npm lockfile describes. */
export function inventoryOf(parsed: ParsedFile): InventoryItem[] {
  if (parsed.sbom) {
    return parsed.sbom.components.map((c) => ({ key: identity(c.purl, c.name), name: c.name, version: c.version, purl: c.purl, hashes: c.hashes }));
  }
  return parsed.dependencies
    .filter((d) => d.group === 'lockfile')
    .map((d) => {
      const [namespace, name] = d.name.startsWith('@') ? d.name.split('/') : [undefined, d.name];
      const purl = new PackageURL('npm', namespace, name, d.version, undefined, undefined).toString();
      return { key: identity(purl, d.name), name: d.name, version: d.version, purl, hashes: hashesOfIntegrity(d.integrity) };
    });
}

export function diffInventories(before: InventoryItem[], after: InventoryItem[]): InventoryDiff {
  const diff: InventoryDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  const a = group(before);
  const b = group(after);
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const olds = [...(a.get(key) ?? [])];
    const news = [...(b.get(key) ?? [])];
    // Same versions first: unchanged, or replaced content.
    for (const old of [...olds]) {
      const same = news.findIndex((n) => n.version === old.version);
      if (same < 0) continue;
      const [now] = news.splice(same, 1);
      olds.splice(olds.indexOf(old), 1);
      if (hashesDiffer(old.hashes, now.hashes)) diff.changed.push({ key, name: now.name, from: old, to: now, versionChanged: false, hashChanged: true });
      else diff.unchanged++;
    }
    // What is left on both sides: version changes, paired in order; the rest added or removed.
    while (olds.length > 0 && news.length > 0) {
      const [old, now] = [olds.shift()!, news.shift()!];
      diff.changed.push({ key, name: now.name, from: old, to: now, versionChanged: true, hashChanged: false });
    }
    diff.removed.push(...olds);
    diff.added.push(...news);
  }
  const byName = (x: { name: string; key: string }, y: { name: string; key: string }) => x.key.localeCompare(y.key);
  diff.added.sort(byName);
  diff.removed.sort(byName);
  diff.changed.sort(byName);
  return diff;
}

/** The canonical purl without version, qualifiers and subpath (`pkg:npm/%40scope/name`); the name when there is no usable purl. */
function identity(purl: string | undefined, name: string): string {
  try {
    const p = PackageURL.fromString(purl ?? '');
    return new PackageURL(p.type, p.namespace, p.name, undefined, undefined, undefined).toString();
  } catch {
    return `name:${name}`;
  }
}

/** Hashes compared on the algorithms both sides give; none in common says nothing. */
function hashesDiffer(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.keys(a).some((alg) => b[alg] !== undefined && b[alg] !== a[alg]);
}

function hashesOfIntegrity(integrity: string | undefined): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const part of (integrity ?? '').split(/\s+/)) {
    const match = /^(sha512|sha384|sha256|sha1)-(.+)$/.exec(part);
    if (match) hashes[{ sha512: 'SHA-512', sha384: 'SHA-384', sha256: 'SHA-256', sha1: 'SHA-1' }[match[1]]!] = Buffer.from(match[2], 'base64').toString('hex');
  }
  return hashes;
}

function group(items: InventoryItem[]): Map<string, InventoryItem[]> {
  const map = new Map<string, InventoryItem[]>();
  for (const item of items) map.set(item.key, [...(map.get(item.key) ?? []), item]);
  return map;
}
