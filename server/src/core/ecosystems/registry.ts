// Every ecosystem beyond npm and container images, as plugins (plugin.ts). To add one: write its
// parsers and its verifier, describe them in a plugin, and list it here and its file names in
// documentPatterns.ts (which the editor uses to send those files).

import type { Ecosystem } from '../parsers/types';
import type { EcosystemFile, EcosystemPlugin } from './plugin';
import { cargoPlugin } from './cargo';
import { githubActionsPlugin } from './githubActions';
import { golangPlugin } from './golang';
import { mavenPlugin } from './maven';
import { pypiPlugin } from './pypi';
import { rubygemsPlugin } from './rubygems';

export const ECOSYSTEM_PLUGINS: readonly EcosystemPlugin[] = [pypiPlugin, rubygemsPlugin, golangPlugin, mavenPlugin, cargoPlugin, githubActionsPlugin];

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
