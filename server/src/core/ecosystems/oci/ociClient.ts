// The OCI distribution API as far as verification needs it: manifests by tag or digest (every
// body checked against its digest), blobs, and the authentication dance registries use — a 401
// with a Basic or Bearer challenge, a token from the realm for `repository:<name>:pull`, retry.
// Credentials come from the user's docker configuration (dockerConfig.ts).

import * as crypto from 'node:crypto';
import { DEFAULT_DOMAIN } from '../../formats/imageReference';
import type { RegistryCredentials } from './dockerConfig';
import { type HttpClient, HttpError, type RawResponse } from '../../http/http';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

/**
 * The API endpoint of the reference grammar's default domain, as docker and cosign use it (the
 * user's configured mirrors take its place; see `OciClientOptions.mirrors`).
 */
const DEFAULT_DOMAIN_ENDPOINT = 'registry-1.docker.io';

export interface OciClientOptions {
  http: HttpClient;
  credentials: (domain: string) => Promise<RegistryCredentials | undefined>;
  /** Registries the user allows over plain HTTP (docker's `insecure-registries`); loopback always is. */
  insecureRegistries?: string[];
  /** Endpoints that serve the default domain (docker's `registry-mirrors`), tried instead of its own. */
  mirrors?: string[];
}

export interface Manifest {
  digest: string;
  mediaType: string;
  body: Buffer;
  json: {
    mediaType?: string;
    manifests?: Array<{
      digest: string;
      mediaType?: string;
      platform?: { os?: string; architecture?: string; variant?: string };
      annotations?: Record<string, string>;
      artifactType?: string;
    }>;
    layers?: Array<{ digest: string; mediaType?: string; size?: number; annotations?: Record<string, string> }>;
    config?: { digest: string; mediaType?: string };
    subject?: { digest: string };
    artifactType?: string;
    annotations?: Record<string, string>;
  };
}

/** Evidence that a registry served bytes other than the digest names: never a network fault. */
export class DigestMismatchError extends Error {}

export class OciClient {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: OciClientOptions) {}

  /** `https://host` for a registry domain; plain HTTP only for loopback or registries the user lists. */
  endpoint(domain: string): string {
    if (domain === DEFAULT_DOMAIN) return `https://${this.options.mirrors?.[0]?.replace(/^https?:\/\//, '').replace(/\/+$/, '') ?? DEFAULT_DOMAIN_ENDPOINT}`;
    const host = domain.replace(/:\d+$/, '');
    const insecure = host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || (this.options.insecureRegistries ?? []).includes(domain);
    return `${insecure ? 'http' : 'https'}://${domain}`;
  }

  /** A manifest or index by tag or digest; undefined when the registry does not have it. */
  async getManifest(domain: string, repository: string, reference: string, signal?: AbortSignal): Promise<Manifest | undefined> {
    const url = `${this.endpoint(domain)}/v2/${repository}/manifests/${reference}`;
    const response = await this.request(domain, repository, url, MANIFEST_ACCEPT, signal);
    if (response.status === 404) return undefined;
    const digest = `sha256:${crypto.createHash('sha256').update(response.body).digest('hex')}`;
    if (reference.includes(':') && reference !== digest) {
      throw new DigestMismatchError(`the registry answered ${repository}@${reference} with content whose digest is ${digest}`);
    }
    let json: Manifest['json'];
    try {
      json = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new HttpError('bad-body', `the manifest of ${repository}:${reference} is not JSON`);
    }
    return { digest, mediaType: json.mediaType ?? response.headers['content-type'] ?? '', body: response.body, json };
  }

  /**
   * What refers to `digest` (signatures, attestations as OCI 1.1 artifacts): the referrers API, or
   * where a registry has none, the `sha256-<hex>` tag holding an index of them, as cosign falls back.
   */
  async getReferrers(domain: string, repository: string, digest: string, signal?: AbortSignal): Promise<NonNullable<Manifest['json']['manifests']>> {
    const api = `${this.endpoint(domain)}/v2/${repository}/referrers/${digest}`;
    const response = await this.request(domain, repository, api, MEDIA_TYPES.ociIndex, signal);
    if (response.status !== 404) {
      try {
        return (JSON.parse(response.body.toString('utf8')) as Manifest['json']).manifests ?? [];
      } catch {
        throw new HttpError('bad-body', `the referrers of ${repository}@${digest} are not JSON`);
      }
    }
    const fallback = await this.getManifest(domain, repository, digest.replace(':', '-'), signal);
    // The fallback tag is writable by anyone who can push: each entry is checked when it is fetched by digest.
    return fallback?.json.manifests ?? [];
  }

  /** A blob, checked against its digest. */
  async getBlob(domain: string, repository: string, digest: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    const url = `${this.endpoint(domain)}/v2/${repository}/blobs/${digest}`;
    const response = await this.request(domain, repository, url, '*/*', signal);
    if (response.status === 404) return undefined;
    const actual = `sha256:${crypto.createHash('sha256').update(response.body).digest('hex')}`;
    if (actual !== digest) throw new DigestMismatchError(`the registry served blob ${digest} with content whose digest is ${actual}`);
    return response.body;
  }

  private async request(domain: string, repository: string, url: string, accept: string, signal?: AbortSignal): Promise<RawResponse> {
    const scope = `repository:${repository}:pull`;
    const cached = this.tokens.get(`${domain} ${scope}`);
    let response = await this.options.http.get(url, { accept, signal, authorization: cached, pass: [401, 404] });
    if (response.status === 401) {
      const authorization = await this.answerChallenge(domain, scope, response.headers['www-authenticate'] ?? '', signal);
      if (authorization) {
        this.tokens.set(`${domain} ${scope}`, authorization);
        response = await this.options.http.get(url, { accept, signal, authorization, pass: [401, 404] });
      }
      if (response.status === 401)
        throw new HttpError('status', `the registry ${domain} requires credentials for ${repository} (none in the docker configuration were accepted)`, 401);
    }
    return response;
  }

  /** Basic: the user's credentials as they are. Bearer: a token from the realm, paid for with them (or anonymously). */
  private async answerChallenge(domain: string, scope: string, challenge: string, signal?: AbortSignal): Promise<string | undefined> {
    const credentials = await this.options.credentials(domain);
    const basic =
      credentials?.username !== undefined && credentials.password !== undefined
        ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
        : undefined;
    const [scheme, params] = parseChallenge(challenge);
    if (scheme === 'basic') return basic;
    if (scheme !== 'bearer' || !params.realm) return undefined;
    const realm = new URL(params.realm);
    // Credentials go to a token service only over TLS, or on loopback.
    if (realm.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(realm.hostname)) return undefined;
    const requested = { service: params.service ?? '', scope: params.scope ?? scope };
    // An identity token (docker login with OAuth2) is exchanged for an access token by POST, as docker does.
    const response = credentials?.identityToken
      ? await this.options.http.get(realm.toString(), {
          accept: 'application/json',
          method: 'POST',
          form: { grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: 'provenance-lens', ...requested },
          signal,
          pass: [400, 401, 403],
        })
      : await this.options.http.get(`${realm.toString()}${realm.search ? '&' : '?'}${new URLSearchParams(requested).toString()}`, {
          accept: 'application/json',
          signal,
          authorization: basic,
          pass: [401, 403],
        });
    if (response.status !== 200) return undefined;
    try {
      const answer = JSON.parse(response.body.toString('utf8')) as { token?: string; access_token?: string };
      const token = answer.token ?? answer.access_token;
      return token ? `Bearer ${token}` : undefined;
    } catch {
      return undefined;
    }
  }
}

/** `Bearer realm="https://auth",service="reg",scope="repository:a:pull"` → ['bearer', {realm, service, scope}]. */
export function parseChallenge(header: string): [string, Record<string, string>] {
  const match = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!match) return ['', {}];
  const params: Record<string, string> = {};
  for (const m of match[2].matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) params[m[1].toLowerCase()] = m[2] ?? m[3];
  return [match[1].toLowerCase(), params];
}
