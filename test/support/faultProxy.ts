// A misbehaving registry in front of a real one: an HTTP server on 127.0.0.1 that forwards every
// request to its upstream test server, except requests whose path matches the victim pattern,
// which get the fault under test. Any of our test registries (npm, PyPI, gems, Go checksum
// database, Maven) becomes faulty for one package while its other packages are served as usual.

import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { closeServer, listenOnLoopback } from './loopback';

export type RegistryFault =
  /** Accepts the request and never answers. */
  | 'hang'
  /** Closes the connection without an answer. */
  | 'reset'
  /** 429 Too Many Requests with `Retry-After: 1`, every time. */
  | 'rate-limited'
  /** 503 Service Unavailable, every time. */
  | 'unavailable'
  /** Declares a length, sends a few bytes of it, and closes the connection. */
  | 'truncated'
  /** Declares a body of 2 GB. */
  | 'oversized'
  /** 200 with a maintenance web page instead of what was asked for. */
  | 'web-page'
  /** 200, then one byte every 100 ms, for ever. */
  | 'slow-drip';

export const REGISTRY_FAULTS: RegistryFault[] = ['hang', 'reset', 'rate-limited', 'unavailable', 'truncated', 'oversized', 'web-page', 'slow-drip'];

export class FaultProxy {
  fault: RegistryFault | 'none' = 'none';
  /** Paths the fault applies to, with how often each was asked for. */
  readonly victimHits = new Map<string, number>();
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly upstream: string,
    private readonly victim: RegExp,
  ) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await listenOnLoopback(this.server);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await closeServer(this.server);
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** `url` of the upstream server, as reached through this proxy. */
  through(url: string): string {
    const upstream = new URL(this.upstream);
    return url.replace(upstream.origin, this.origin);
  }

  /** The most times any one victim path was requested: bounded retries keep this small. */
  get mostRequestsForOnePath(): number {
    return Math.max(0, ...this.victimHits.values());
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    if (this.fault !== 'none' && this.victim.test(decodeURIComponent(path))) {
      this.victimHits.set(path, (this.victimHits.get(path) ?? 0) + 1);
      return this.misbehave(req, res);
    }
    const upstream = new URL(this.upstream);
    const forwarded = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  }

  private misbehave(req: http.IncomingMessage, res: http.ServerResponse): void {
    switch (this.fault) {
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'rate-limited':
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' });
        res.end('slow down');
        return;
      case 'unavailable':
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('unavailable');
        return;
      case 'truncated':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
        res.write('{"name":"trunc');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      case 'oversized':
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(2 * 1024 ** 3) });
        res.write(Buffer.alloc(64 * 1024));
        return;
      case 'web-page':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><title>Maintenance</title><p>We will be back soon.</p>');
        return;
      case 'slow-drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 100);
        res.on('close', () => clearInterval(timer));
        return;
      }
    }
  }
}
