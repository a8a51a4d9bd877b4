// Every ecosystem beyond npm and container images, as plugins (plugin.ts). To add one: write its
// parsers and its verifier, describe them in a plugin (files, purl types, evidence label, verifier
// factory), list it here, add its name to the Ecosystem type, and its file names to
// documentPatterns.ts (which the editor uses to send those files). Nothing else changes: the
// checker, file kinds, SBOM routing, hovers, the tree and the CLI find it through this list.

import type { Ecosystem } from '../dependency';
import type { EcosystemFile, EcosystemPlugin } from './plugin';
import { cargoPlugin } from './cargo';
import { githubActionsPlugin } from './github-actions';
import { golangPlugin } from './golang';
import { helmPlugin } from './helm';
import { mavenPlugin } from './maven';
import { pypiPlugin } from './pypi';
import { rubygemsPlugin } from './gem';

export const ECOSYSTEM_PLUGINS: readonly EcosystemPlugin[] = [pypiPlugin, rubygemsPlugin, golangPlugin, mavenPlugin, cargoPlugin, githubActionsPlugin, helmPlugin];

export function ecosystemFileOf(file: string, base: string): EcosystemFile | undefined {
  for (const plugin of ECOSYSTEM_PLUGINS) {
    const found = plugin.files.find((f) => f.matches(base, file));
    if (found) return found;
  }
  return undefined;
}

export function pluginFor(ecosystem: Ecosystem): EcosystemPlugin | undefined {
  return ECOSYSTEM_PLUGINS.find((p) => p.ecosystem === ecosystem);
}

export function pluginForPurlType(type: string): EcosystemPlugin | undefined {
  return ECOSYSTEM_PLUGINS.find((p) => p.purlTypes.includes(type));
}

/** For hovers and the tree: what decides a plugin ecosystem's verdicts; undefined for npm and images (two checks each). */
export function evidenceLabelOf(ecosystem: Ecosystem): string | undefined {
  return pluginFor(ecosystem)?.evidenceLabel;
}
