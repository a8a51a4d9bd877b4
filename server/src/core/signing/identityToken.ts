// An OIDC identity token for keyless signing, interactively: the OAuth 2.0 authorization-code flow
// with PKCE and a loopback redirect, the way cosign and sigstore-python obtain one — discover the
// issuer's endpoints, open the authorization page in the user's browser, receive the code on
// http://localhost:<port>/auth/callback, exchange it (with the verifier) for an ID token. (Tokens
// the environment provides: ambientToken.ts.) Tokens are never logged.

import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../http/http';

export interface OidcOptions {
  /** The issuer URL, e.g. Sigstore's public-good issuer or a private deployment's. */
  issuer: string;
  clientId: string;
  http: HttpClient;
  /** Shows the authorization page to the user (the editor opens the system browser). */
  openBrowser: (url: string) => Promise<void>;
  /** Maps the loopback redirect to what the browser can reach (remote workspaces forward the port). */
  externalRedirect?: (redirectUri: string) => Promise<string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class IdentityError extends Error {}

/** Sigstore's public-good issuer and its client id, unless the user names another. */
export const DEFAULT_OIDC_ISSUER = 'https://oauth2.sigstore.dev/auth';
export const DEFAULT_OIDC_CLIENT_ID = 'sigstore';

/** The HTTP client for the issuer: the proxy the environment names, as the Sigstore clients use. */
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

interface Discovery {
  authorization_endpoint?: unknown;
  token_endpoint?: unknown;
}

const CALLBACK_PATH = '/auth/callback';
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Runs the authorization-code + PKCE flow and returns the ID token. */
export async function interactiveIdentityToken(options: OidcOptions): Promise<string> {
  const { http: client, signal } = options;
  const issuer = options.issuer.replace(/\/+$/, '');
  const discovery = (await client.getJson(`${issuer}/.well-known/openid-configuration`, 'application/json', signal)).body as Discovery;
  const authorizationEndpoint = httpUrl(discovery?.authorization_endpoint, 'authorization_endpoint');
  const tokenEndpoint = httpUrl(discovery?.token_endpoint, 'token_endpoint');

  const verifier = base64url(crypto.randomBytes(32));
  const state = base64url(crypto.randomBytes(16));
  const nonce = base64url(crypto.randomBytes(16));
  const listener = await Loopback.start(state);
  try {
    const redirectUri = `http://localhost:${listener.port}${CALLBACK_PATH}`;
    const shownRedirect = options.externalRedirect ? await options.externalRedirect(redirectUri) : redirectUri;
    const authorization = new URL(authorizationEndpoint);
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: options.clientId,
      redirect_uri: shownRedirect,
      scope: 'openid email',
      code_challenge: base64url(crypto.createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
      state,
      nonce,
    })) {
      authorization.searchParams.set(name, value);
    }
    await options.openBrowser(authorization.toString());
    const code = await listener.code(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal);
    const response = await client.get(tokenEndpoint, {
      accept: 'application/json',
      method: 'POST',
      form: { grant_type: 'authorization_code', code, redirect_uri: shownRedirect, client_id: options.clientId, client_secret: '', code_verifier: verifier },
      pass: [400, 401, 403],
      signal,
    });
    let body: { id_token?: unknown; error?: unknown; error_description?: unknown };
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new IdentityError(`the issuer's token endpoint answered ${response.status} without JSON`);
    }
    if (response.status !== 200 || typeof body.id_token !== 'string') {
      throw new IdentityError(
        `the issuer refused the sign-in (${String(body.error ?? response.status)}${body.error_description ? `: ${String(body.error_description)}` : ''})`,
      );
    }
    const claims = tokenClaims(body.id_token);
    // The nonce ties the token to this sign-in: a token minted for another request is refused.
    if (claims.nonce !== undefined && claims.nonce !== nonce) throw new IdentityError('the ID token was issued for another sign-in (nonce mismatch)');
    return body.id_token;
  } finally {
    await listener.close();
  }
}

/** The claims of a JWT (not verified here: Fulcio verifies the token it is given). */
export function tokenClaims(token: string): { iss?: string; sub?: string; email?: string; nonce?: string; exp?: number } {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    throw new IdentityError('the identity token is not a JWT');
  }
}

function httpUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^https?:\/\//.test(value)) throw new IdentityError(`the issuer's configuration has no usable ${field}`);
  return value;
}

function base64url(data: Buffer): string {
  return data.toString('base64url');
}

/**
 * The loopback listener the browser is redirected to: 127.0.0.1, and ::1 on the same port where
 * the machine has it (browsers may resolve `localhost` to either).
 */
class Loopback {
  private readonly servers: http.Server[] = [];
  private resolveCode!: (code: string) => void;
  private rejectCode!: (error: Error) => void;
  private readonly received = new Promise<string>((resolve, reject) => {
    this.resolveCode = resolve;
    this.rejectCode = reject;
  });

  private constructor(private readonly state: string) {
    this.received.catch(() => undefined); // observed by code(); never an unhandled rejection
  }

  static async start(state: string): Promise<Loopback> {
    const loopback = new Loopback(state);
    const v4 = loopback.server();
    await new Promise<void>((resolve, reject) => v4.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
    const v6 = loopback.server();
    await new Promise<void>((resolve) => v6.once('error', () => resolve()).listen(loopback.port, '::1', () => resolve()));
    return loopback;
  }

  get port(): number {
    return (this.servers[0].address() as AddressInfo).port;
  }

  async code(timeoutMs: number, signal?: AbortSignal): Promise<string> {
    const timer = setTimeout(() => this.rejectCode(new IdentityError('the sign-in was not completed in time')), timeoutMs);
    const onAbort = () => this.rejectCode(new IdentityError('the sign-in was cancelled'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort);
    try {
      return await this.received;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.filter((s) => s.listening).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private server(): http.Server {
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== CALLBACK_PATH) return void res.writeHead(404).end();
      const page = (status: number, message: string) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(`<!doctype html><title>Provenance Lens</title><p>${message}</p>`);
      };
      // A callback for another sign-in (or a forged one) is refused and does not end this one.
      if (url.searchParams.get('state') !== this.state) return page(400, 'This sign-in link is not the one Provenance Lens started.');
      const error = url.searchParams.get('error');
      const code = url.searchParams.get('code');
      if (error || !code) {
        page(400, 'The sign-in did not complete. You can close this tab.');
        return this.rejectCode(new IdentityError(`the issuer did not sign you in (${error ?? 'no code'})`));
      }
      page(200, 'Signed in. You can close this tab and return to the editor.');
      this.resolveCode(code);
    });
    this.servers.push(server);
    return server;
  }
}
