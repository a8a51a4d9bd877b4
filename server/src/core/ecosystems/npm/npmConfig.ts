// Reads npm's configuration the way npm does: built-in < global npmrc < user ~/.npmrc <
// project .npmrc < npm_config_* environment variables. We need the registry for each package
// (default or @scope), credentials per registry ("nerf-darted" keys such as //host/path/:_authToken)
// and proxy settings. No registry host is assumed: with nothing configured we ask npm itself.

import { type ProxySettings, type RegistryAuth, environmentProxy } from '../../http/proxy';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTextIfExists } from '../../readText';

export interface NpmConfigSources {
  /** The folder being checked; its nearest ancestor with package.json holds the project .npmrc. */
  projectDir: string;
  env: NodeJS.ProcessEnv;
  homeDir?: string;
  /** Reads a file or returns undefined; injectable for tests. */
  readFile?: (file: string) => string | undefined;
}

export interface NpmConfig {
  /** Merged key → value, highest priority winning. */
  values: Map<string, string>;
  /** Which files were read, for the log. */
  files: string[];
}

export function loadNpmConfig(sources: NpmConfigSources): NpmConfig {
  const read = sources.readFile ?? readTextIfExists;
  const env = sources.env;
  const home = sources.homeDir ?? os.homedir();
  const layers: Array<{ file: string; values: Map<string, string> }> = [];
  const addFile = (file: string | undefined) => {
    if (!file) return;
    const text = read(file);
    if (text !== undefined) layers.push({ file, values: parseNpmrc(text, env) });
  };

  const envValues = npmEnvConfig(env);
  const globalFile = envValues.get('globalconfig') ?? globalNpmrcPath(env);
  const userFile = envValues.get('userconfig') ?? path.join(home, '.npmrc');
  const projectFile = path.join(findProjectRoot(sources.projectDir, read), '.npmrc');
  addFile(globalFile);
  addFile(userFile);
  if (path.resolve(projectFile) !== path.resolve(userFile)) addFile(projectFile);

  const values = new Map<string, string>();
  for (const layer of layers) for (const [k, v] of layer.values) values.set(k, v);
  for (const [k, v] of envValues) values.set(k, v);
  return { values, files: layers.map((l) => l.file) };
}

/** The registry base URL (always ending in `/`) a package name resolves to, or undefined if none is configured. */
export function registryFor(config: NpmConfig, packageName: string): string | undefined {
  const scope = packageName.startsWith('@') ? packageName.split('/')[0] : undefined;
  const url = (scope && config.values.get(`${scope}:registry`)) || config.values.get('registry');
  return url ? withTrailingSlash(url) : undefined;
}

/**
 * Credentials for a URL, looked up by its "nerf dart" (`//host:port/path/`) and then each parent
 * path, exactly as npm-registry-fetch does. Because the key includes the host, a token can only
 * ever be sent to the host it was configured for, including after a redirect.
 */
export function authFor(config: NpmConfig, url: string): RegistryAuth | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const segments = parsed.pathname.split('/').filter(Boolean);
  for (let n = segments.length; n >= 0; n--) {
    const prefix = `//${parsed.host}/${segments
      .slice(0, n)
      .map((s) => s + '/')
      .join('')}`;
    const token = config.values.get(`${prefix}:_authToken`);
    if (token) return { authorization: `Bearer ${token}` };
    const basic = config.values.get(`${prefix}:_auth`);
    if (basic) return { authorization: `Basic ${basic}` };
    const user = config.values.get(`${prefix}:username`);
    const password = config.values.get(`${prefix}:_password`);
    if (user && password) {
      const decoded = Buffer.from(password, 'base64').toString('utf8');
      return { authorization: `Basic ${Buffer.from(`${user}:${decoded}`).toString('base64')}` };
    }
  }
  return undefined;
}

/** npm's proxy settings, else the environment's. */
export function proxyFor(config: NpmConfig, env: NodeJS.ProcessEnv): ProxySettings {
  const fromEnv = environmentProxy(env);
  return {
    httpsProxy: config.values.get('https-proxy') ?? fromEnv.httpsProxy,
    httpProxy: config.values.get('proxy') ?? fromEnv.httpProxy,
    noProxy: config.values.get('noproxy') ?? fromEnv.noProxy,
  };
}

/** `cafile` (PEM bundle, possibly several certificates) and `strict-ssl`, as npm applies them to registry requests. */
export function tlsFor(config: NpmConfig, read: (file: string) => string | undefined = readTextIfExists): { ca?: string[]; rejectUnauthorized?: boolean } {
  const cafile = config.values.get('cafile');
  const pem = cafile ? read(cafile) : undefined;
  const ca = pem?.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? undefined;
  const strict = config.values.get('strict-ssl');
  return { ca, rejectUnauthorized: strict === undefined ? undefined : strict !== 'false' };
}

/** Parses .npmrc (ini): `key=value`, `;`/`#` comments, quoted values, `${VAR}` expansion. */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith(';') || line.startsWith('#') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = expandEnv(line.slice(0, eq).trim(), env);
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    if (key.endsWith('[]')) continue; // arrays (e.g. ca[]) are not needed here
    out.set(key, expandEnv(value, env));
  }
  return out;
}

function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  // npm: `${NAME}` is replaced, `${NAME?}` is replaced by '' when unset, `\${` is kept literally.
  return value.replace(/(\\*)\$\{([^${}?]+)(\?)?\}/g, (whole, escapes: string, name: string, optional?: string) => {
    if (escapes.length % 2 === 1) return whole.slice(1);
    const v = env[name];
    return escapes + (v !== undefined ? v : optional ? '' : `\${${name}}`);
  });
}

/** `npm_config_foo_bar=x` → `foo-bar=x`, as npm maps environment variables to config keys. */
export function npmEnvConfig(env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !/^npm_config_/i.test(name)) continue;
    let key = name.slice('npm_config_'.length);
    // Keys that start with // or @ are case-sensitive and keep their underscores.
    if (!/^(\/\/|@)/.test(key)) key = key.toLowerCase().replace(/_/g, '-');
    out.set(key, value);
  }
  return out;
}

/** npm's global npmrc lives at `<prefix>/etc/npmrc`, where prefix is the folder above the user's `node`. */
function globalNpmrcPath(env: NodeJS.ProcessEnv): string | undefined {
  const prefix = env.npm_config_prefix ?? env.PREFIX ?? prefixOfNodeOnPath(env.PATH);
  return prefix ? path.join(prefix, 'etc', 'npmrc') : undefined;
}

function prefixOfNodeOnPath(searchPath: string | undefined): string | undefined {
  // Not process.execPath: inside VS Code that is the editor's runtime, not the user's node.
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, process.platform === 'win32' ? 'node.exe' : 'node'))) {
      return process.platform === 'win32' ? dir : path.dirname(dir);
    }
  }
  return undefined;
}

/**
 * npm's "local prefix": the nearest folder at or above `dir` holding a package.json, or, when that
 * package is a workspace of a project further up, that project (npm reads the root's .npmrc then).
 */
function findProjectRoot(dir: string, read: (f: string) => string | undefined): string {
  const start = path.resolve(dir);
  let nearest: string | undefined;
  for (let current = start; ; current = path.dirname(current)) {
    const manifest = read(path.join(current, 'package.json'));
    if (manifest !== undefined) {
      if (!nearest) nearest = current;
      else if (workspaceGlobs(manifest).some((glob) => globToRegExp(glob).test(path.relative(current, nearest!).split(path.sep).join('/')))) {
        return current;
      }
    }
    if (path.dirname(current) === current) return nearest ?? start;
  }
}

function workspaceGlobs(manifestText: string): string[] {
  try {
    const w = JSON.parse(manifestText)?.workspaces;
    const list = Array.isArray(w) ? w : Array.isArray(w?.packages) ? w.packages : [];
    return list.filter((g: unknown): g is string => typeof g === 'string');
  } catch {
    return [];
  }
}

/** Workspace globs as npm writes them: `packages/*`, `tools/**`, plain paths. */
function globToRegExp(glob: string): RegExp {
  const normalised = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  const pattern = normalised
    .split('/')
    .map((part) =>
      part === '**'
        ? '.*'
        : part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
    )
    .join('/');
  return new RegExp(`^${pattern}$`);
}

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : url + '/';
}
