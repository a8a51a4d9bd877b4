// Where signing goes: Sigstore's public-good services unless the user names a private deployment
// (settings in the editor, flags in the CLI), and the HTTP client the identity flow uses — with
// the proxy the environment names, like the Sigstore clients themselves.

import { DEFAULT_FULCIO_URL, DEFAULT_REKOR_URL } from '@sigstore/sign';
import { HttpClient } from '../registries/http';
import type { SigstoreEndpoints } from './signArtifact';

export const DEFAULT_OIDC_ISSUER = 'https://oauth2.sigstore.dev/auth';
export const DEFAULT_OIDC_CLIENT_ID = 'sigstore';

export interface SigningSettings {
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
  /** false: no transparency-log entry (key-based offline signing; keyless then needs a TSA). */
  tlogUpload?: boolean;
  oidcIssuer?: string;
  oidcClientId?: string;
}

export function signingEndpoints(settings: SigningSettings, timeoutMs?: number): SigstoreEndpoints {
  return {
    fulcioUrl: settings.fulcioUrl || DEFAULT_FULCIO_URL,
    rekorUrl: settings.tlogUpload === false ? undefined : settings.rekorUrl || DEFAULT_REKOR_URL,
    tsaUrl: settings.tsaUrl || undefined,
    timeoutMs,
  };
}

export function identityHttpClient(env: NodeJS.ProcessEnv, timeoutMs = 15_000): HttpClient {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v);
  return new HttpClient({
    timeoutMs,
    maxBodyBytes: 1 << 20,
    retries: 1,
    backoffMs: 250,
    offline: false,
    userAgent: 'provenance-lens/0.1',
    proxy: { httpsProxy: pick('HTTPS_PROXY', 'https_proxy'), httpProxy: pick('HTTP_PROXY', 'http_proxy'), noProxy: pick('NO_PROXY', 'no_proxy') },
    authFor: () => undefined,
  });
}
