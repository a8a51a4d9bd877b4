// Every ecosystem, as plugins (plugin.ts). To add one: a folder with its parsers, configuration,
// registry client and verifier, and an index.ts exporting its plugin; then one line below (and
// `npm run generate` for the editor's document globs). The checker, file kinds, SBOM routing and
// generation, hovers, the tree and the CLI's help find it through this list. Order matters where
// files overlap: the first plugin whose file matches names its kind, and every plugin reading that
// kind reads the file, in this order. Images read any YAML no plugin before them claims (Helm's
// Chart.yaml and helmfiles are Helm's); a workflow's images come before its actions.

import { PackageURL } from 'packageurl-js';
import type { Ecosystem, PurlTarget } from '../dependency';
import { cargoPlugin } from './cargo';
import { gemPlugin } from './gem';
import { githubActionsPlugin } from './github-actions';
import { golangPlugin } from './golang';
import { helmPlugin } from './helm';
import { mavenPlugin } from './maven';
import { npmPlugin } from './npm';
import { ociPlugin } from './oci';
import type { EcosystemFile, EcosystemPlugin } from './plugin';
import { pypiPlugin } from './pypi';

export const ECOSYSTEM_PLUGINS: readonly EcosystemPlugin[] = [
  npmPlugin,
  pypiPlugin,
  gemPlugin,
  golangPlugin,
  mavenPlugin,
  cargoPlugin,
  helmPlugin,
  ociPlugin,
  githubActionsPlugin,
];

/** The files of the plugins that read `file`, first match first; every one of them reads the first one's kind. */
export function ecosystemFilesOf(file: string, base: string): Array<{ plugin: EcosystemPlugin; file: EcosystemFile }> {
  const found = ECOSYSTEM_PLUGINS.flatMap((plugin) => plugin.files.filter((f) => f.matches(base, file)).map((f) => ({ plugin, file: f })));
  return found.filter((f) => f.file.kind === found[0]?.file.kind);
}

/** The settings every plugin reads (PluginOption keys such as `python.indexUrl`), from `read` (the editor's settings). */
export function pluginSettings(read: (key: string) => unknown): Record<string, string | undefined> {
  return Object.fromEntries(
    ECOSYSTEM_PLUGINS.flatMap((p) => p.options ?? []).map((o) => {
      const value = read(o.key);
      return [o.key, typeof value === 'string' && value !== '' ? value : undefined];
    }),
  );
}

export function pluginFor(ecosystem: Ecosystem): EcosystemPlugin | undefined {
  return ECOSYSTEM_PLUGINS.find((p) => p.ecosystem === ecosystem);
}

/** For hovers and the tree: what decides an ecosystem's verdicts; undefined for npm and images (two checks each). */
export function evidenceLabelOf(ecosystem: Ecosystem): string | undefined {
  return pluginFor(ecosystem)?.evidenceLabel;
}

/**
 * A package URL as what to verify: read by the plugin of its type, or, for a type no plugin
 * verifies, the `other` ecosystem (said as not verified yet, never guessed).
 */
export function routePurl(purl: string, hashes: Record<string, string>): PurlTarget | { error: string } {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch (error) {
    return { error: `"${purl}" is not a valid package URL (${(error as Error).message.replace(/^Invalid purl: /, '')})` };
  }
  const plugin = ECOSYSTEM_PLUGINS.find((p) => p.purlTypes.includes(parsed.type));
  if (!plugin) return { ecosystem: 'other', name: parsed.namespace ? `${parsed.namespace}/${parsed.name}` : parsed.name, version: parsed.version ?? undefined };
  const target = plugin.fromPurl(parsed, hashes);
  return 'error' in target ? { error: `"${purl}" ${target.error}` } : { ecosystem: plugin.ecosystem, ...target };
}
