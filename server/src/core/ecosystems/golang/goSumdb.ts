// The Go checksum database, as the go command finds it: GOSUMDB (`off`, a name whose key is known,
// `name+hash+key`, optionally followed by a URL), reached through the first GOPROXY proxy
// (`<proxy>/sumdb/<name>`) or directly; GONOSUMDB / GOPRIVATE exclude module paths. Values come
// from the environment, else from `go env` (trusted workspaces only).

import { execFile } from 'node:child_process';
import knownKeys from './goSumdbKeys.json';
import { type VerifierKey, parseVerifierKey } from './note';
import type { HttpClient } from '../../http/http';

export interface GoEnv {
  GOSUMDB?: string;
  GOPROXY?: string;
  GONOSUMDB?: string;
  GOPRIVATE?: string;
}

export type SumdbConfig = { off: true; reason: string } | { off?: false; key: VerifierKey; base: string; excluded: string[] };

const NAMES = ['GOSUMDB', 'GOPROXY', 'GONOSUMDB', 'GOPRIVATE'] as const;

/** The Go environment: variables set in the environment win over `go env` (asked only when allowed). */
export async function goEnv(env: NodeJS.ProcessEnv, askGo: boolean): Promise<GoEnv> {
  const fromEnv: GoEnv = Object.fromEntries(NAMES.filter((n) => env[n] !== undefined).map((n) => [n, env[n]]));
  if (!askGo || NAMES.every((n) => fromEnv[n] !== undefined)) return fromEnv;
  const fromGo = await new Promise<GoEnv>((resolve) => {
    execFile('go', ['env', '-json', ...NAMES], { env, timeout: 10_000 }, (error, stdout) => {
      try {
        resolve(error ? {} : (JSON.parse(stdout) as GoEnv));
      } catch {
        resolve({});
      }
    });
  });
  return { ...fromGo, ...fromEnv };
}

export function sumdbConfig(go: GoEnv): SumdbConfig {
  const value = go.GOSUMDB?.trim();
  if (!value) return { off: true, reason: 'No Go checksum database is configured (GOSUMDB is not set, and go could not be asked)' };
  if (value === 'off') return { off: true, reason: 'The Go checksum database is turned off (GOSUMDB=off)' };
  const [named, url] = value.split(/\s+/);
  const vkey = named.includes('+') ? named : knownKeys.keys.find((k) => k.startsWith(`${named}+`));
  if (!vkey) return { off: true, reason: `The key of the checksum database ${named} is not known: set GOSUMDB to "${named}+<hash>+<key>"` };
  const key = parseVerifierKey(vkey);
  if ('error' in key) return { off: true, reason: `GOSUMDB: ${key.error}` };
  const proxy = (go.GOPROXY ?? '')
    .split(/[,|]/)
    .map((p) => p.trim())
    .find((p) => p && p !== 'direct' && p !== 'off');
  const base = url ?? (proxy ? `${proxy.replace(/\/+$/, '')}/sumdb/${key.name}` : `https://${key.name}`);
  const excluded = [go.GONOSUMDB, go.GOPRIVATE].flatMap((list) =>
    (list ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );
  return { key, base: base.replace(/\/+$/, ''), excluded };
}

/** GONOSUMDB/GOPRIVATE patterns match a module path's leading elements (path.Match per element). */
export function isExcluded(module: string, patterns: string[]): boolean {
  const elements = module.split('/');
  return patterns.some((pattern) => {
    const parts = pattern.split('/');
    if (parts.length > elements.length) return false;
    return parts.every((part, i) =>
      new RegExp(
        `^${part
          .replace(/[.+^${}()|\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')}$`,
      ).test(elements[i]),
    );
  });
}

/** Module paths and versions in URLs: upper-case letters as `!` + lower case (module.EscapePath). */
export function escapeModulePath(value: string): string {
  return value.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

export interface Lookup {
  id: number;
  /** The record as the log stores it (its leaf). */
  record: Buffer;
  note: string;
}

export class SumdbClient {
  constructor(private readonly http: HttpClient) {}

  /** The record for module@version; undefined when the database does not have it. */
  async lookup(base: string, module: string, version: string, signal?: AbortSignal): Promise<Lookup | undefined> {
    const response = await this.http.get(`${base}/lookup/${escapeModulePath(module)}@${escapeModulePath(version)}`, {
      accept: 'text/plain',
      pass: [404, 410],
      signal,
    });
    if (response.status === 404 || response.status === 410) return undefined;
    const text = response.body.toString('utf8');
    const newline = text.indexOf('\n');
    const split = text.indexOf('\n\n', newline);
    const id = Number(text.slice(0, newline));
    if (newline < 0 || split < 0 || !Number.isSafeInteger(id)) throw new Error('the checksum database answered with something that is not a lookup result');
    return { id, record: Buffer.from(text.slice(newline + 1, split + 1)), note: text.slice(split + 2) };
  }

  async tile(base: string, path: string, signal?: AbortSignal): Promise<Buffer> {
    const response = await this.http.get(`${base}/${path}`, { accept: 'application/octet-stream', pass: [], signal });
    return response.body;
  }
}
