// Where Python packages come from, the way pip resolves it: configuration files in pip's order
// (global: XDG_CONFIG_DIRS and /etc; user: the legacy ~/.pip and the XDG location; site: the active
// virtualenv; then PIP_CONFIG_FILE), `[global]` then `[install]`, then PIP_INDEX_URL and
// PIP_EXTRA_INDEX_URL; uv's UV_DEFAULT_INDEX / UV_INDEX_URL / UV_INDEX. A file's own index
// options come first (requirements `-i`, pyproject sources). Credentials written in an index URL
// (`https://user:token@host/simple`) go to that host only and are never logged.

import * as os from 'node:os';
import * as path from 'node:path';
import { readTextIfExists } from '../../readText';
import type { ProxySettings, RegistryAuth } from '../../http/proxy';

export interface PipConfig {
  /** The primary index (pip's index-url), if configured anywhere. */
  indexUrl?: string;
  extraIndexUrls: string[];
  /** pip's `proxy` option, when set. */
  proxy?: string;
  cert?: string;
  /** Files that were read, for the log. */
  files: string[];
}

export interface PipConfigSources {
  env: NodeJS.ProcessEnv;
  homeDir?: string;
  read?: (file: string) => string | undefined;
}

/** pip's configuration files, lowest precedence first. */
export function pipConfigFiles(env: NodeJS.ProcessEnv, homeDir = os.homedir()): string[] {
  const xdgDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(path.delimiter).filter(Boolean);
  const xdgHome = env.XDG_CONFIG_HOME || path.join(homeDir, '.config');
  return [
    ...xdgDirs.map((d) => path.join(d, 'pip', 'pip.conf')),
    '/etc/pip.conf',
    path.join(homeDir, '.pip', 'pip.conf'),
    path.join(xdgHome, 'pip', 'pip.conf'),
    ...(env.VIRTUAL_ENV ? [path.join(env.VIRTUAL_ENV, 'pip.conf')] : []),
    ...(env.PIP_CONFIG_FILE && env.PIP_CONFIG_FILE !== 'os.devnull' ? [env.PIP_CONFIG_FILE] : []),
  ];
}

export function loadPipConfig(sources: PipConfigSources): PipConfig {
  const read = sources.read ?? readTextIfExists;
  const values = new Map<string, string>();
  const files: string[] = [];
  // PIP_CONFIG_FILE=os.devnull turns configuration files off, as in pip.
  const fileList = sources.env.PIP_CONFIG_FILE === 'os.devnull' ? [] : pipConfigFiles(sources.env, sources.homeDir);
  for (const file of fileList) {
    const text = read(file);
    if (text === undefined) continue;
    files.push(file);
    const sections = parseIni(text);
    for (const section of ['global', 'install']) for (const [key, value] of sections.get(section) ?? []) values.set(key, value);
  }
  const env = sources.env;
  const list = (value: string | undefined) => (value ?? '').split(/\s+/).filter(Boolean);
  const indexUrl = env.PIP_INDEX_URL || env.UV_DEFAULT_INDEX || env.UV_INDEX_URL || values.get('index-url');
  const extra = [...list(values.get('extra-index-url')), ...list(env.PIP_EXTRA_INDEX_URL), ...list(env.UV_INDEX), ...list(env.UV_EXTRA_INDEX_URL)];
  return {
    indexUrl: indexUrl || undefined,
    extraIndexUrls: [...new Set(extra)],
    proxy: env.PIP_PROXY || values.get('proxy'),
    cert: env.PIP_CERT || values.get('cert'),
    files,
  };
}

/** INI sections → key → value (pip accepts `index_url` and `index-url`; multi-line values are joined with spaces). */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') continue;
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (section) {
      current = new Map();
      sections.set(section[1].trim().toLowerCase(), current);
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && current && lastKey) {
      current.set(lastKey, `${current.get(lastKey)} ${raw.trim()}`.trim());
      continue;
    }
    const pair = /^\s*([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (pair && current) {
      lastKey = pair[1].toLowerCase().replace(/_/g, '-');
      current.set(lastKey, pair[2].trim());
    }
  }
  return sections;
}

/** An index URL without credentials (for requests and logs), and the credentials it carried. */
export function splitIndexCredentials(url: string): { url: string; auth?: { host: string; authorization: string } } {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return { url };
    const authorization = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`;
    const host = parsed.host;
    parsed.username = '';
    parsed.password = '';
    return { url: parsed.toString(), auth: { host, authorization } };
  } catch {
    return { url };
  }
}

/** Credentials for a request: those written in the index URL of the request's own host, and no other. */
export function pipAuthFor(credentials: Map<string, string>, url: string): RegistryAuth | undefined {
  try {
    const authorization = credentials.get(new URL(url).host);
    return authorization ? { authorization } : undefined;
  } catch {
    return undefined;
  }
}

/** pip's `proxy` option applies to every scheme; otherwise the usual environment variables. */
export function pipProxy(config: PipConfig, env: NodeJS.ProcessEnv): ProxySettings {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v);
  return {
    httpsProxy: config.proxy ?? pick('HTTPS_PROXY', 'https_proxy'),
    httpProxy: config.proxy ?? pick('HTTP_PROXY', 'http_proxy'),
    noProxy: pick('NO_PROXY', 'no_proxy'),
  };
}
