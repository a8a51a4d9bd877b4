// The one place that talks HTTP. Every request has a deadline, a response-size limit and bounded
// retries; redirects are followed by hand so credentials are looked up again for each hop's
// own host (a token for one registry never follows a redirect to another host).

import * as tls from 'node:tls';
import { Agent, EnvHttpProxyAgent, type Dispatcher, request } from 'undici';
import type { ProxySettings, RegistryAuth } from './proxy';

export type HttpFailureKind = 'network' | 'timeout' | 'status' | 'too-large' | 'bad-body' | 'offline' | 'cancelled';

export class HttpError extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface HttpOptions {
  timeoutMs: number;
  maxBodyBytes: number;
  retries: number;
  /** Base of the exponential back-off between retries. */
  backoffMs: number;
  /** Offline mode: every request fails at once with kind 'offline'. */
  offline: boolean;
  proxy?: ProxySettings;
  tls?: TlsSettings;
  userAgent: string;
  authFor: (url: string) => RegistryAuth | undefined;
  /** Told when the client is closed (the checker keeps the clients it handed out, to close the rest at the end). */
  onClose?: () => void;
}

/** TLS settings from npm config: extra CAs (`cafile`) and `strict-ssl`. */
export interface TlsSettings {
  ca?: string[];
  rejectUnauthorized?: boolean;
}

export interface RequestOptions {
  accept: string;
  method?: 'GET' | 'HEAD' | 'POST';
  /** A form body for POST (`application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
  /** Credentials for the first host (dropped on a redirect to another origin). */
  authorization?: string;
  /** Non-2xx statuses returned to the caller instead of thrown (default: 404). */
  pass?: number[];
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
  url: string;
}

export interface JsonResponse {
  status: number;
  body: unknown;
  url: string;
}

const MAX_REDIRECTS = 5;
const MAX_RETRY_AFTER_MS = 10_000;

export class HttpClient {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: HttpOptions) {
    const proxy = options.proxy;
    // Extra CAs add to Node's defaults rather than replace them, as npm's cafile does for registries.
    const connect =
      options.tls?.ca || options.tls?.rejectUnauthorized === false
        ? { ca: options.tls.ca && [...tls.rootCertificates, ...options.tls.ca], rejectUnauthorized: options.tls.rejectUnauthorized }
        : undefined;
    const agentOptions = { connections: 32, keepAliveTimeout: 10_000, connect };
    this.dispatcher =
      proxy && (proxy.httpProxy || proxy.httpsProxy)
        ? new EnvHttpProxyAgent({ ...agentOptions, httpProxy: proxy.httpProxy, httpsProxy: proxy.httpsProxy, noProxy: proxy.noProxy })
        : new Agent(agentOptions);
  }

  /**
   * GETs JSON. Resolves with 2xx and 404 answers (404 is meaningful: "no such version",
   * "no attestations"); throws HttpError for everything else once retries are spent.
   */
  async getJson(url: string, accept = 'application/json', signal?: AbortSignal): Promise<JsonResponse> {
    const response = await this.get(url, { accept, signal });
    if (response.status === 404) return { status: 404, body: undefined, url: response.url };
    try {
      return { status: response.status, body: JSON.parse(response.body.toString('utf8')), url: response.url };
    } catch {
      throw new HttpError('bad-body', `the answer from ${redact(response.url)} is not JSON`);
    }
  }

  /**
   * GET (or HEAD) with retries. Resolves with 2xx answers and the statuses in `pass` (404 by
   * default; a registry client passes 401 to answer an authentication challenge).
   */
  async get(url: string, options: RequestOptions): Promise<RawResponse> {
    if (this.options.offline) throw new HttpError('offline', 'offline mode: no network requests are made');
    let lastError: HttpError | undefined;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (options.signal?.aborted) throw new HttpError('cancelled', 'cancelled');
      try {
        return await this.once(url, options);
      } catch (error) {
        const e = error instanceof HttpError ? error : new HttpError('network', String(error));
        lastError = e;
        if (!isRetryable(e) || attempt === this.options.retries) break;
        const retryAfter = (e as HttpError & { retryAfterMs?: number }).retryAfterMs;
        // A server that asks for a longer wait than one request may take is not waited for: the
        // verdict says so now rather than after a pause the user would take for a hang.
        if (retryAfter !== undefined && retryAfter > Math.min(this.options.timeoutMs, MAX_RETRY_AFTER_MS)) {
          throw new HttpError('status', `${e.message}; the server asks to wait ${Math.ceil(retryAfter / 1000)} s before asking again`, e.status);
        }
        const backoff = retryAfter ?? this.options.backoffMs * 2 ** attempt;
        await delay(Math.min(backoff, MAX_RETRY_AFTER_MS), options.signal);
      }
    }
    throw lastError!;
  }

  private async once(startUrl: string, options: RequestOptions): Promise<RawResponse> {
    const { signal, accept, method = 'GET', pass = [404] } = options;
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const startOrigin = new URL(startUrl).origin;
    let url = startUrl;
    try {
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const headers: Record<string, string> = { accept, 'user-agent': this.options.userAgent };
        // Credentials a caller passes belong to the first host only: a redirect elsewhere (a blob store) goes without them.
        if (options.authorization && new URL(url).origin === startOrigin) headers.authorization = options.authorization;
        const auth = this.options.authFor(url);
        if (auth) headers.authorization = auth.authorization;
        // undici.request rather than fetch: the same client without the WHATWG layers, measurably cheaper per request.
        let requestBody: string | undefined;
        if (options.form) {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          requestBody = new URLSearchParams(options.form).toString();
        }
        const response = await request(url, { method, headers, body: requestBody, signal: combined, dispatcher: this.dispatcher });
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers))
          if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
        const status = response.statusCode;
        if (status >= 300 && status < 400 && responseHeaders.location) {
          response.body.resume();
          url = new URL(responseHeaders.location, url).toString();
          continue;
        }
        const passed = pass.includes(status);
        if (!passed && (status < 200 || status >= 300)) {
          response.body.resume();
          const error = new HttpError('status', `HTTP ${status} from ${redact(url)}`, status);
          const retryAfter = parseRetryAfter(responseHeaders['retry-after'] ?? null);
          if (retryAfter !== undefined) Object.assign(error, { retryAfterMs: retryAfter });
          throw error;
        }
        if (passed || method === 'HEAD') {
          response.body.resume();
          return { status, headers: responseHeaders, body: Buffer.alloc(0), url };
        }
        // A web page where data was asked for is a captive portal, a login page or a maintenance notice, never the data.
        if (/^text\/html\b/i.test(responseHeaders['content-type'] ?? '') && !/html/i.test(accept)) {
          discard(response.body);
          throw new HttpError('bad-body', `${redact(url)} answered with a web page instead of ${accept.split(',')[0]}`);
        }
        const body = await readLimited(response.body, Number(responseHeaders['content-length']), this.options.maxBodyBytes, url);
        return { status, headers: responseHeaders, body, url };
      }
      throw new HttpError('network', `too many redirects from ${redact(startUrl)}`);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (signal?.aborted) throw new HttpError('cancelled', 'cancelled');
      if (deadline.aborted) throw new HttpError('timeout', `no answer from ${redact(url)} within ${this.options.timeoutMs} ms`);
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new HttpError('network', `cannot reach ${redact(url)}${cause ? ` (${cause})` : ''}`);
    }
  }

  async close(): Promise<void> {
    this.options.onClose?.();
    await this.dispatcher.close();
  }
}

async function readLimited(body: Dispatcher.ResponseData['body'], declared: number, maxBytes: number, url: string): Promise<Buffer> {
  const tooLarge = () => new HttpError('too-large', `the answer from ${redact(url)} is larger than ${maxBytes} bytes`);
  if (declared > maxBytes) {
    discard(body);
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) {
      discard(body);
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Stops reading a body. undici reports a body destroyed before its end as an 'error' event, which
 * with no listener would end the process (the faulty-registry suite found this).
 */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function isRetryable(e: HttpError): boolean {
  if (e.kind === 'network' || e.kind === 'timeout') return true;
  return e.kind === 'status' && (e.status === 429 || (e.status !== undefined && e.status >= 500));
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** URLs in messages and logs never carry userinfo or query strings (they may hold secrets). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return '<url>';
  }
}
