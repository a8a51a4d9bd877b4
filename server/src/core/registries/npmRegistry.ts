// The npm registry API as far as verification needs it: packuments, the registry's signing keys
// (`-/npm/v1/keys`) and attestations (`-/npm/v1/attestations/<name>@<version>`). Base URLs always
// come from the user's npm configuration (see npmConfig.ts).

import { type HttpClient, HttpError } from './http';

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
  private readonly packuments = new Map<string, Promise<Packument | undefined>>();
  private readonly keys = new Map<string, Promise<RegistryKey[]>>();

  constructor(private readonly http: HttpClient) {}

  /** The packument, or undefined when the registry says the package does not exist. */
  getPackument(registry: string, name: string, full = false, signal?: AbortSignal): Promise<Packument | undefined> {
    const url = registry + escapeName(name);
    const cacheKey = `${full ? 'full' : 'corgi'} ${url}`;
    let pending = this.packuments.get(cacheKey);
    if (!pending) {
      pending = this.http.getJson(url, full ? 'application/json' : CORGI, signal).then((r) => {
        if (r.status === 404) return undefined;
        if (!isPackument(r.body)) throw new HttpError('bad-body', `the registry's answer for ${name} is not a packument`);
        return r.body;
      });
      this.memo(this.packuments, cacheKey, pending);
    }
    return pending;
  }

  /** The registry's signing keys; an empty list when it publishes none (404 or no keys). */
  getKeys(registry: string, signal?: AbortSignal): Promise<RegistryKey[]> {
    let pending = this.keys.get(registry);
    if (!pending) {
      pending = this.http.getJson(registry + '-/npm/v1/keys', 'application/json', signal).then((r) => {
        if (r.status === 404) return [];
        const keys = (r.body as { keys?: unknown })?.keys;
        if (!Array.isArray(keys)) throw new HttpError('bad-body', 'the registry keys answer has no "keys" list');
        return keys.filter(isRegistryKey);
      });
      this.memo(this.keys, registry, pending);
    }
    return pending;
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

  /** Failed look-ups are forgotten so the next check retries them. */
  private memo<T>(map: Map<string, Promise<T>>, key: string, pending: Promise<T>): void {
    map.set(key, pending);
    pending.catch(() => map.delete(key));
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
