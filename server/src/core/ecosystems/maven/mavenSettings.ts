// Where Maven artifacts come from, as Maven resolves it: settings.xml (the user's ~/.m2 and the
// installation's conf/, or -s/-gs through MAVEN_ARGS is not read) — mirrors (`mirrorOf` `*` or
// `central` replace the default repository; Maven's built-in default is never assumed here) and
// the servers' credentials by id — then the repositories a pom.xml names. Credentials go to their
// mirror's or repository's host only.

import * as os from 'node:os';
import * as path from 'node:path';
import { readTextIfExists } from '../../readText';
import { childOf, childrenOf, parseXmlTree } from '../../formats/xmlTree';

export interface MavenSettings {
  /** A mirror for everything (or for central): the repository to use. */
  mirror?: string;
  /** Host → Basic authorization, from servers whose id a mirror uses. */
  credentials: Map<string, string>;
  files: string[];
}

export function loadMavenSettings(env: NodeJS.ProcessEnv, homeDir = os.homedir()): MavenSettings {
  const settings: MavenSettings = { credentials: new Map(), files: [] };
  const candidates = [path.join(homeDir, '.m2', 'settings.xml'), ...(env.MAVEN_HOME ? [path.join(env.MAVEN_HOME, 'conf', 'settings.xml')] : [])];
  for (const file of candidates) {
    const text = readTextIfExists(file);
    if (text === undefined) continue;
    settings.files.push(file);
    const { root } = parseXmlTree(text);
    const servers = new Map(childrenOf(childOf(root, 'servers'), 'server').map((s) => [childOf(s, 'id')?.text ?? '', s]));
    for (const mirror of childrenOf(childOf(root, 'mirrors'), 'mirror')) {
      const url = childOf(mirror, 'url')?.text;
      const of = (childOf(mirror, 'mirrorOf')?.text ?? '').split(',').map((m) => m.trim());
      if (!url || settings.mirror || !(of.includes('*') || of.includes('central') || of.includes('external:*'))) continue;
      settings.mirror = url;
      const server = servers.get(childOf(mirror, 'id')?.text ?? '');
      const user = childOf(server, 'username')?.text;
      const password = childOf(server, 'password')?.text;
      if (user && password) settings.credentials.set(new URL(url).host, `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`);
    }
  }
  return settings;
}
