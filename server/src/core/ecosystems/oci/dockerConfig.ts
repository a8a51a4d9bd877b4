// Credentials for container registries, the way docker finds them: `$DOCKER_CONFIG/config.json`
// (default `~/.docker/config.json`), its `auths` entries, and credential helpers (`credHelpers`
// per registry, `credsStore` for all) run as `docker-credential-<name> get`. Helpers are programs,
// so they run only where process execution is allowed (never in an untrusted workspace).

import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTextIfExists } from '../../readText';
import { DEFAULT_DOMAIN } from '../../formats/imageReference';

export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken`), exchanged at the token endpoint. */
  identityToken?: string;
}

export interface DockerConfig {
  auths: Map<string, RegistryCredentials>;
  credHelpers: Map<string, string>;
  credsStore?: string;
  file?: string;
}

export function loadDockerConfig(env: NodeJS.ProcessEnv, homeDir = os.homedir(), read = readTextIfExists): DockerConfig {
  const file = path.join(env.DOCKER_CONFIG ?? path.join(homeDir, '.docker'), 'config.json');
  const config: DockerConfig = { auths: new Map(), credHelpers: new Map() };
  const text = read(file);
  if (text === undefined) return config;
  let json: {
    auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
    credHelpers?: Record<string, string>;
    credsStore?: string;
  };
  try {
    json = JSON.parse(text);
  } catch {
    return config; // docker itself refuses such a file; we just have no credentials
  }
  config.file = file;
  for (const [key, entry] of Object.entries(json.auths ?? {})) {
    const credentials: RegistryCredentials = {};
    if (entry?.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) Object.assign(credentials, { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
    }
    if (entry?.username) credentials.username = entry.username;
    if (entry?.password) credentials.password = entry.password;
    if (entry?.identitytoken) credentials.identityToken = entry.identitytoken;
    config.auths.set(registryKey(key), credentials);
  }
  for (const [key, helper] of Object.entries(json.credHelpers ?? {})) config.credHelpers.set(registryKey(key), helper);
  if (json.credsStore) config.credsStore = json.credsStore;
  return config;
}

export interface DaemonConfig {
  /** `registry-mirrors`: endpoints that serve the default domain. */
  mirrors: string[];
  /** `insecure-registries`: registries docker reaches over plain HTTP. */
  insecureRegistries: string[];
}

/** The docker daemon's own settings that decide where images come from (`/etc/docker/daemon.json` on Linux). */
export function loadDaemonConfig(env: NodeJS.ProcessEnv, read = readTextIfExists): DaemonConfig {
  const text = read(env.DOCKER_DAEMON_CONFIG ?? '/etc/docker/daemon.json');
  try {
    const json = text ? (JSON.parse(text) as { 'registry-mirrors'?: unknown; 'insecure-registries'?: unknown }) : {};
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    return { mirrors: strings(json['registry-mirrors']), insecureRegistries: strings(json['insecure-registries']) };
  } catch {
    return { mirrors: [], insecureRegistries: [] };
  }
}

/**
 * Credentials for a registry domain. Helpers run only when `allowExec`; a helper that fails or
 * knows nothing gives no credentials (anonymous access is then tried, as docker does).
 */
export async function credentialsFor(
  config: DockerConfig,
  domain: string,
  allowExec: boolean,
  env: NodeJS.ProcessEnv,
): Promise<RegistryCredentials | undefined> {
  const key = registryKey(domain);
  const helper = config.credHelpers.get(key) ?? (config.auths.has(key) ? undefined : config.credsStore);
  if (helper && allowExec) {
    const fromHelper = await runHelper(helper, helperServerName(key), env);
    if (fromHelper) return fromHelper;
  }
  return config.auths.get(key);
}

/** `https://index.docker.io/v1/`, `docker.io`, `http://127.0.0.1:5000/` → one key per registry. */
export function registryKey(value: string): string {
  const host = value
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DEFAULT_DOMAIN : host;
}

/** Docker stores Docker Hub credentials under its legacy index URL; helpers expect that name. */
function helperServerName(key: string): string {
  return key === DEFAULT_DOMAIN ? 'https://index.docker.io/v1/' : key;
}

function runHelper(helper: string, serverName: string, env: NodeJS.ProcessEnv): Promise<RegistryCredentials | undefined> {
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { env, timeout: 10_000 }, (error, stdout) => {
      if (error) return resolve(undefined);
      try {
        const answer = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!answer.Secret) return resolve(undefined);
        // The username `<token>` marks an identity token, as docker's helpers protocol defines.
        resolve(answer.Username === '<token>' ? { identityToken: answer.Secret } : { username: answer.Username, password: answer.Secret });
      } catch {
        resolve(undefined);
      }
    });
    child.stdin?.end(serverName);
  });
}
