// The npm registry API as far as verification needs it: packuments, the registry's signing keys
// (`-/npm/v1/keys`) and attestations (`-/npm/v1/attestations/<name>@<version>`). Base URLs always
// come from the user's npm configuration (see npmConfig.ts).

import { type HttpClient, HttpError } from '../../http/http';

export interface RegistryKey {
  keyid: string;
  keytype?: string;
  scheme?: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  key: string;
  expires?: string | null;
}

export interface NpmSignature {
  keyid: string;
  sig: string;
}

export interface NpmVersionManifest {
  name: string;
  version: string;
  repository?: string | { url?: string };
  dist?: {
    integrity?: string;
    shasum?: string;
    tarball?: string;
    signatures?: NpmSignature[];
    attestations?: { url?: string; provenance?: { predicateType?: string } };
  };
}

export interface Packument {
  name: string;
  versions: Record<string, NpmVersionManifest>;
  'dist-tags'?: Record<string, string>;
  /** Only in full packuments: version → publish time. */
  time?: Record<string, string>;
}

/** Abbreviated ("corgi") packuments are far smaller; they lack `time`, which we fetch only when a key expiry makes it matter. */
const CORGI = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

export class NpmRegistryClient {
  // Shared by every dependency that needs them, and forgotten after a while so a long editor
  // session sees new versions and key rotations.
  private readonly packuments = new Memo<Packument | undefined>(5 * 60_000);
  private readonly keys = new Memo<RegistryKey[]>(10 * 60_000);

  constructor(private readonly http: HttpClient) {}

  /** The packument, or undefined when the registry says the package does not exist. */
  getPackument(registry: string, name: string, full = false, signal?: AbortSignal): Promise<Packument | undefined> {
    const url = registry + escapeName(name);
    return this.packuments.get(`${url} ${full ? 'full' : 'corgi'}`, () =>
      this.http.getJson(url, full ? 'application/json' : CORGI, signal).then((r) => {
        if (r.status === 404) return undefined;
        if (!isPackument(r.body)) throw new HttpError('bad-body', `the registry's answer for ${name} is not a packument`);
        return r.body;
      }),
    );
  }

  /** Drops what is remembered of a package, so the next look-up asks the registry (a user's "verify again"). */
  forgetPackage(registry: string, name: string): void {
    this.packuments.forget(`${registry + escapeName(name)} `);
  }

  /** The registry's signing keys; an empty list when it publishes none (404 or no keys). */
  getKeys(registry: string, signal?: AbortSignal): Promise<RegistryKey[]> {
    return this.keys.get(registry, () =>
      this.http.getJson(registry + '-/npm/v1/keys', 'application/json', signal).then((r) => {
        if (r.status === 404) return [];
        const keys = (r.body as { keys?: unknown })?.keys;
        if (!Array.isArray(keys)) throw new HttpError('bad-body', 'the registry keys answer has no "keys" list');
        return keys.filter(isRegistryKey);
      }),
    );
  }

  /**
   * The attestations document. The path comes from `dist.attestations.url`, but the host is always the
   * configured registry's, so a manifest cannot send us (or the user's token) elsewhere.
   */
  async getAttestations(registry: string, name: string, version: string, advertisedUrl?: string, signal?: AbortSignal): Promise<unknown | undefined> {
    let pathPart = `-/npm/v1/attestations/${escapeName(name)}@${encodeURIComponent(version)}`;
    if (advertisedUrl) {
      try {
        const advertised = new URL(advertisedUrl).pathname.replace(/^\/+/, '');
        const base = new URL(registry).pathname.replace(/^\/+/, '');
        pathPart = advertised.startsWith(base) ? advertised.slice(base.length) : advertised;
      } catch {
        // keep the standard path
      }
    }
    const r = await this.http.getJson(registry + pathPart, 'application/json', signal);
    return r.status === 404 ? undefined : r.body;
  }
}

/** Promises shared while fresh; a failed look-up is forgotten at once so the next check retries it. */
class Memo<T> {
  private readonly entries = new Map<string, { promise: Promise<T>; at: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.at < this.ttlMs) return entry.promise;
    const promise = load();
    this.entries.set(key, { promise, at: Date.now() });
    promise.catch(() => this.entries.delete(key));
    return promise;
  }

  /** Forgets every entry whose key starts with `prefix`. */
  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

/** `@scope/name` → `@scope%2fname`, as npm requests scoped packuments. */
export function escapeName(name: string): string {
  return name.startsWith('@') ? '@' + encodeURIComponent(name.slice(1)) : encodeURIComponent(name);
}

function isPackument(body: unknown): body is Packument {
  const b = body as Packument | undefined;
  return typeof b === 'object' && b !== null && typeof b.versions === 'object' && b.versions !== null;
}

function isRegistryKey(k: unknown): k is RegistryKey {
  const key = k as RegistryKey;
  return typeof key === 'object' && key !== null && typeof key.keyid === 'string' && typeof key.key === 'string';
}
