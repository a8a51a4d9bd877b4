// A chart repository's index.yaml as what verification needs: per chart, each version with its
// archive URLs (as written: relative ones are resolved against the repository by the caller) and
// its sha256. Pure; JSON (which some repositories serve) is read without the YAML parser.

import { parse as parseYaml } from 'yaml';

export type IndexEntries = Record<string, Array<{ version: string; urls: string[]; digest?: string }>>;

export function readHelmIndex(text: string): IndexEntries {
  const index = (/^\s*\{/.test(text) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 })) as { entries?: Record<string, unknown> } | null;
  const entries: IndexEntries = {};
  for (const [name, versions] of Object.entries(index?.entries ?? {})) {
    if (!Array.isArray(versions)) continue;
    entries[name] = versions.flatMap((v: { version?: unknown; urls?: unknown; digest?: unknown }) =>
      typeof v?.version === 'string'
        ? [
            {
              version: v.version,
              urls: (Array.isArray(v.urls) ? v.urls : []).filter((u): u is string => typeof u === 'string'),
              digest: typeof v.digest === 'string' ? v.digest.replace(/^sha256:/, '') : undefined,
            },
          ]
        : [],
    );
  }
  return entries;
}
