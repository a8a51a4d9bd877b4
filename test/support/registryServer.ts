// A real HTTP npm registry on 127.0.0.1 that replays recorded data. Each scenario is served
// under its own path prefix (`http://127.0.0.1:PORT/<scenario>/`), which is a registry base URL
// just like a private registry mounted under a path.

import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { closeServer, listenOnLoopback } from './loopback';

export interface ServedVersion {
  manifest: Record<string, unknown>;
  /** Body of `-/npm/v1/attestations/<name>@<version>`; advertised in dist.attestations when set. */
  attestations?: unknown;
  publishedAt?: string;
}

export type Fault = 'none' | 'http500' | 'hang' | 'reset' | 'not-json' | 'http429-then-ok' | 'oversized';

export interface Scenario {
  /** The keys document; `undefined` answers 404 (a registry that publishes no keys). */
  keys?: unknown;
  packages: Record<string, Record<string, ServedVersion>>;
  fault?: Fault;
  /** Bearer token this scenario requires (401 otherwise). */
  requireToken?: string;
  /** Answers every request with a redirect to this base URL (same path below it). */
  redirectTo?: string;
}

export interface RecordedRequest {
  scenario: string;
  path: string;
  authorization?: string;
  accept?: string;
}

export class TestRegistry {
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;
  private readonly scenarios = new Map<string, Scenario>();
  private readonly hits = new Map<string, number>();
  /** Packuments serialised when a scenario is set, as a real registry serves prepared documents. */
  private readonly bodies = new Map<string, string>();

  set(name: string, scenario: Scenario): string {
    this.scenarios.set(name, scenario);
    for (const key of this.bodies.keys()) if (key.startsWith(name + '\n')) this.bodies.delete(key);
    for (const [pkg, versions] of Object.entries(scenario.packages)) {
      for (const corgi of [true, false]) this.bodies.set(`${name}\n${pkg}\n${corgi}`, JSON.stringify(packument(pkg, versions, this.url(name), corgi)));
    }
    return this.url(name);
  }

  url(scenario: string): string {
    const { port } = this.server!.address() as AddressInfo;
    return `${this.server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}/${scenario}/`;
  }

  /** Serves HTTPS when given a key and certificate. */
  async start(tls?: { key: string; cert: string }): Promise<void> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
    await listenOnLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, scenarioName, ...rest] = url.pathname.split('/');
    const rawPath = rest.join('/');
    this.requests.push({ scenario: scenarioName, path: rawPath, authorization: req.headers.authorization, accept: req.headers.accept });
    const scenario = this.scenarios.get(scenarioName);
    if (!scenario) return send(res, 404, { error: 'no such scenario' });
    if (scenario.redirectTo) {
      res.writeHead(302, { location: scenario.redirectTo + rawPath });
      res.end();
      return;
    }
    if (scenario.requireToken && req.headers.authorization !== `Bearer ${scenario.requireToken}`) return send(res, 401, { error: 'auth required' });
    switch (scenario.fault ?? 'none') {
      case 'http500':
        return send(res, 500, { error: 'internal' });
      case 'hang':
        return; // never answers: the client's deadline must end it
      case 'reset':
        req.socket.destroy();
        return;
      case 'not-json':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
        return;
      case 'oversized':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('[' + '0,'.repeat(2 * 1024 * 1024) + '0]');
        return;
      case 'http429-then-ok': {
        const count = (this.hits.get(scenarioName + rawPath) ?? 0) + 1;
        this.hits.set(scenarioName + rawPath, count);
        if (count === 1) {
          res.writeHead(429, { 'retry-after': '0' });
          res.end();
          return;
        }
      }
    }
    const path = decodeURIComponent(rawPath);
    if (path === '-/npm/v1/keys') return scenario.keys === undefined ? send(res, 404, {}) : send(res, 200, scenario.keys);
    const att = /^-\/npm\/v1\/attestations\/(.+)@([^@]+)$/.exec(path);
    if (att) {
      const doc = scenario.packages[att[1]]?.[att[2]]?.attestations;
      return doc === undefined ? send(res, 404, {}) : send(res, 200, doc);
    }
    const versions = scenario.packages[path];
    if (!versions) return send(res, 404, { error: 'Not found' });
    const corgi = (req.headers.accept ?? '').includes('application/vnd.npm.install-v1+json');
    sendText(res, 200, this.bodies.get(`${scenarioName}\n${path}\n${corgi}`)!);
  }
}

function packument(name: string, versions: Record<string, ServedVersion>, base: string, corgi: boolean) {
  const out: Record<string, unknown> = { name, 'dist-tags': { latest: Object.keys(versions).at(-1) }, versions: {} };
  const time: Record<string, string> = {};
  for (const [version, served] of Object.entries(versions)) {
    const manifest = structuredClone(served.manifest) as { dist?: Record<string, unknown> };
    if (served.attestations !== undefined) {
      manifest.dist = {
        ...manifest.dist,
        attestations: { url: `${base}-/npm/v1/attestations/${name}@${version}`, provenance: { predicateType: 'https://slsa.dev/provenance/v0.2' } },
      };
    }
    (out.versions as Record<string, unknown>)[version] = manifest;
    if (served.publishedAt) time[version] = served.publishedAt;
  }
  if (!corgi) out.time = time; // abbreviated packuments carry no per-version times, like the real registry's
  return out;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
