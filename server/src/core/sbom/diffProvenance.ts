// For a diff's changed components: the provenance of the version before and after, through the
// same checker (and registry configuration) as everything else, to find components that lost it.

import type { Checker } from '../checker';
import { componentDependency } from './componentDependency';
import { routePurl } from '../ecosystems/registry';
import type { Dependency } from '../dependency';
import type { ProvenanceStatus } from '../verdict';
import type { ChangedItem, InventoryDiff, InventoryItem } from './diff';

export interface ProvenanceChange {
  from?: ProvenanceStatus;
  to?: ProvenanceStatus;
  /** Had verified provenance before, and has none now. */
  lost: boolean;
}

const NOWHERE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** `file`: where the registry configuration is read from (the newer inventory's file). */
export async function provenanceOfChanges(changed: ChangedItem[], checker: Checker, file: string): Promise<Map<ChangedItem, ProvenanceChange>> {
  const dependencies: Dependency[] = [];
  const owners = new Map<Dependency, { item: ChangedItem; side: 'from' | 'to' }>();
  for (const item of changed) {
    for (const side of ['from', 'to'] as const) {
      const dependency = dependencyOf(item[side]);
      if (!dependency) continue;
      dependencies.push(dependency);
      owners.set(dependency, { item, side });
    }
  }
  const results = new Map<ChangedItem, ProvenanceChange>();
  for (const { dependency, result } of await checker.verify(file, { kind: 'sbom', dependencies, problems: [] })) {
    const owner = owners.get(dependency);
    if (!owner) continue;
    const change = results.get(owner.item) ?? { lost: false };
    change[owner.side] = result.provenance;
    change.lost = change.from === 'verified' && change.to === 'absent';
    results.set(owner.item, change);
  }
  return results;
}

function dependencyOf(item: InventoryItem): Dependency | undefined {
  if (!item.purl) return undefined;
  const dependency = componentDependency({ purl: item.purl, version: item.version, hashes: item.hashes, nameRange: NOWHERE, specRange: NOWHERE }, routePurl);
  return 'error' in dependency || dependency.ecosystem === 'other' ? undefined : dependency;
}

/** A diff as reported (CLI JSON, the review view): plain data, with the provenance of changed components where checked. */
export interface DiffReport {
  added: Array<{ name: string; version?: string; purl?: string }>;
  removed: Array<{ name: string; version?: string; purl?: string }>;
  changed: Array<{ name: string; purl?: string; from?: string; to?: string; versionChanged: boolean; hashChanged: boolean; provenance?: ProvenanceChange }>;
  unchanged: number;
}

export function diffReport(diff: InventoryDiff, provenance: Map<ChangedItem, ProvenanceChange> = new Map()): DiffReport {
  const item = (i: InventoryItem) => ({ name: i.name, version: i.version, purl: i.purl });
  return {
    added: diff.added.map(item),
    removed: diff.removed.map(item),
    changed: diff.changed.map((c) => ({
      name: c.name,
      purl: c.to.purl ?? c.from.purl,
      from: c.from.version,
      to: c.to.version,
      versionChanged: c.versionChanged,
      hashChanged: c.hashChanged,
      provenance: provenance.get(c),
    })),
    unchanged: diff.unchanged,
  };
}
