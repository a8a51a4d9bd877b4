// A RubyGems-compatible server, at the `remote:` a Gemfile.lock names (or the mirror Bundler's
// configuration puts in its place): the compact index's `info/<gem>` for each version's sha256,
// the attestations API (`api/v1/attestations/<gem>-<version>[-<platform>].json`, a JSON array of
// Sigstore bundles), and the `.gem` file itself. Bundler's mirrors and credentials come from its
// configuration: BUNDLE_MIRROR__<HOST> and BUNDLE_<HOST> in the environment or in `.bundle/config`.

import * as os from 'node:os';
import * as path from 'node:path';
import { readTextIfExists } from '../../readText';
import { HttpError, type HttpClient } from '../../http/http';

export class GemRegistryClient {
  constructor(private readonly http: HttpClient) {}

  /** sha256 of each `version[-platform]` from the compact index; undefined when the server has no such gem. */
  async checksums(remote: string, gem: string, signal?: AbortSignal): Promise<Map<string, string> | undefined> {
    const response = await this.http.get(new URL(`info/${encodeURIComponent(gem)}`, withSlash(remote)).toString(), { accept: 'text/plain', signal });
    if (response.status === 404) return undefined;
    const sums = new Map<string, string>();
    for (const line of response.body.toString('utf8').split('\n')) {
      const match = /^(\S+) [^|]*\|(.*)$/.exec(line.trim());
      const checksum = match && /(?:^|,)checksum:([0-9a-f]{64})/.exec(match[2])?.[1];
      if (match && checksum) sums.set(match[1], checksum);
    }
    return sums;
  }

  /** The Sigstore bundles attached to a gem version: [] when there are none. */
  async attestations(remote: string, fullName: string, signal?: AbortSignal): Promise<unknown[]> {
    const response = await this.http.get(new URL(`api/v1/attestations/${encodeURIComponent(fullName)}.json`, withSlash(remote)).toString(), {
      accept: 'application/json',
      signal,
    });
    if (response.status === 404) return [];
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new HttpError('bad-body', 'the attestations answer is not JSON');
    }
    if (!Array.isArray(body)) throw new HttpError('bad-body', 'the attestations answer is not a list of bundles');
    // Each body is a bundle (or its JSON text, as stored).
    return body.map((b) => (typeof b === 'string' ? safeJson(b) : b));
  }

  async gem(remote: string, fullName: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    const response = await this.http.get(new URL(`gems/${encodeURIComponent(fullName)}.gem`, withSlash(remote)).toString(), {
      accept: 'application/octet-stream',
      signal,
    });
    return response.status === 404 ? undefined : response.body;
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Bundler's settings: `.bundle/config` of the project and of the user (YAML `KEY: "value"`), the environment winning. */
export function loadBundlerConfig(projectDir: string, env: NodeJS.ProcessEnv, homeDir = os.homedir()): Map<string, string> {
  const values = new Map<string, string>();
  const userConfig = env.BUNDLE_USER_CONFIG ?? path.join(env.BUNDLE_USER_HOME ?? path.join(homeDir, '.bundle'), 'config');
  for (const file of [userConfig, path.join(env.BUNDLE_APP_CONFIG ?? path.join(projectDir, '.bundle'), 'config')]) {
    for (const line of (readTextIfExists(file) ?? '').split(/\r?\n/)) {
      const pair = /^(BUNDLE_[A-Z0-9_.:/-]+):\s*"?([^"]*)"?\s*$/i.exec(line.trim());
      if (pair) values.set(pair[1].toUpperCase(), pair[2]);
    }
  }
  for (const [key, value] of Object.entries(env)) if (key.startsWith('BUNDLE_') && value !== undefined) values.set(key.toUpperCase(), value);
  return values;
}

/** Bundler's key for a URL or host: dots become `__`, dashes `___` (BUNDLE_MIRROR__RUBYGEMS__ORG). */
function bundlerKey(value: string): string {
  return value.toUpperCase().replace(/-/g, '___').replace(/\./g, '__');
}

/** The mirror Bundler would use for a remote (`mirror.<url>` or `mirror.all`), else the remote itself. */
export function mirrorFor(config: Map<string, string>, remote: string): string {
  const bare = remote.replace(/\/+$/, '');
  const host = hostOf(remote);
  return (
    config.get(`BUNDLE_MIRROR__${bundlerKey(bare)}`) ??
    config.get(`BUNDLE_MIRROR__${bundlerKey(`${bare}/`)}`) ??
    (host ? config.get(`BUNDLE_MIRROR__${bundlerKey(host)}`) : undefined) ??
    config.get('BUNDLE_MIRROR__ALL') ??
    remote
  );
}

/** `user:password` Bundler keeps for a host (BUNDLE_<HOST>), as a Basic authorization for that host only. */
export function bundlerCredentials(config: Map<string, string>, url: string): string | undefined {
  const host = hostOf(url);
  const value = host ? config.get(`BUNDLE_${bundlerKey(host)}`) : undefined;
  return value ? `Basic ${Buffer.from(value).toString('base64')}` : undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
