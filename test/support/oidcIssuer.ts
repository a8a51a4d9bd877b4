// An OpenID Connect issuer on 127.0.0.1 for the sign-in flow: discovery, an authorization endpoint
// that signs the "user" in at once and redirects to the client's loopback address with a code, and
// a token endpoint that checks the PKCE verifier against the challenge before it issues an ID
// token (unsigned: the local Fulcio reads only its claims). A test plays the browser by following
// the authorization URL.

import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listenOnLoopback } from './loopback';

interface Pending {
  challenge: string;
  redirectUri: string;
  clientId: string;
  nonce?: string;
}

export class OidcIssuer {
  private server?: http.Server;
  private readonly codes = new Map<string, Pending>();
  /** Token requests that were refused, with why. */
  readonly refusals: string[] = [];
  /** Every query the authorization endpoint received (to assert what the client asked for). */
  readonly authorizations: URLSearchParams[] = [];
  /** Every ID token issued (to check that none reaches a log). */
  readonly issuedTokens: string[] = [];

  constructor(readonly subject = 'signer@example.test') {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await listenOnLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** Plays the browser: opens the authorization URL and follows its redirect to the client's loopback listener. */
  static async followInBrowser(authorizationUrl: string): Promise<void> {
    const response = await fetch(authorizationUrl, { redirect: 'follow' });
    if (!response.ok) throw new Error(`the loopback callback answered ${response.status}`);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const json = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, { issuer: this.url, authorization_endpoint: `${this.url}/authorize`, token_endpoint: `${this.url}/token` });
    }
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      this.authorizations.push(q);
      if (
        q.get('response_type') !== 'code' ||
        q.get('code_challenge_method') !== 'S256' ||
        !q.get('code_challenge') ||
        !q.get('redirect_uri')?.startsWith('http://localhost:')
      ) {
        return json(400, { error: 'invalid_request' });
      }
      const code = crypto.randomBytes(12).toString('hex');
      this.codes.set(code, {
        challenge: q.get('code_challenge')!,
        redirectUri: q.get('redirect_uri')!,
        clientId: q.get('client_id') ?? '',
        nonce: q.get('nonce') ?? undefined,
      });
      const target = new URL(q.get('redirect_uri')!);
      target.searchParams.set('code', code);
      target.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: target.toString() });
      return void res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const pending = this.codes.get(form.get('code') ?? '');
      const refuse = (why: string) => {
        this.refusals.push(why);
        json(400, { error: 'invalid_grant', error_description: why });
      };
      if (!pending) return refuse('unknown code');
      this.codes.delete(form.get('code')!);
      const challenge = crypto
        .createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url');
      if (challenge !== pending.challenge) return refuse('code_verifier does not match the challenge');
      if (form.get('redirect_uri') !== pending.redirectUri || form.get('client_id') !== pending.clientId) return refuse('redirect_uri or client_id differs');
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: this.url, sub: this.subject, aud: pending.clientId, iat: now, exp: now + 300, nonce: pending.nonce };
      const idToken = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
      this.issuedTokens.push(idToken);
      return json(200, { access_token: 'unused', token_type: 'Bearer', id_token: idToken });
    }
    res.writeHead(404).end();
  }
}
