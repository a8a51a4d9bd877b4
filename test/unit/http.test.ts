import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { HttpClient, type HttpOptions, redact } from '../../server/src/core/http/http';
import { authFor, parseNpmrc } from '../../server/src/core/ecosystems/npm/npmConfig';
import { recordedScenario } from '../support/fixtureRegistry';
import { closeServer, listenOnLoopback } from '../support/loopback';
import { TestRegistry } from '../support/registryServer';

describe('HTTP client', () => {
  const registry = new TestRegistry();
  const clients: HttpClient[] = [];
  const client = (options: Partial<HttpOptions>) => {
    const c = new HttpClient({
      timeoutMs: 2000,
      maxBodyBytes: 1024 * 1024,
      retries: 0,
      backoffMs: 1,
      offline: false,
      userAgent: 't',
      authFor: () => undefined,
      ...options,
    });
    clients.push(c);
    return c;
  };
  before(() => registry.start());
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await registry.stop();
  });

  it('sends credentials to their registry and not after a redirect to another host', async () => {
    const target = registry.set('target', recordedScenario()).replace('127.0.0.1', 'localhost');
    const origin = registry.set('origin', { ...recordedScenario(), redirectTo: target });
    const config = { values: parseNpmrc(`${origin.replace(/^http:/, '')}:_authToken=origin-token\n`, {}), files: [] };
    const response = await client({ authFor: (url) => authFor(config, url) }).getJson(origin + 'kms-demo');
    assert.equal(response.status, 200);
    const seen = registry.requests.filter((r) => r.path === 'kms-demo' && (r.scenario === 'origin' || r.scenario === 'target'));
    assert.deepEqual(
      seen.map((r) => [r.scenario, r.authorization]),
      [
        ['origin', 'Bearer origin-token'],
        ['target', undefined],
      ],
    );
  });

  it('refuses an answer larger than the limit', async () => {
    const base = registry.set('big', { ...recordedScenario(), fault: 'oversized' });
    await assert.rejects(client({}).getJson(base + 'kms-demo'), (e: { kind: string }) => e.kind === 'too-large');
  });

  it('makes no request at all when offline', async () => {
    const base = registry.set('off', recordedScenario());
    const before = registry.requests.length;
    await assert.rejects(client({ offline: true }).getJson(base + 'kms-demo'), (e: { kind: string }) => e.kind === 'offline');
    assert.equal(registry.requests.length, before);
  });

  it('bounds retries with back-off', async () => {
    const base = registry.set('down', { ...recordedScenario(), fault: 'http500' });
    const before = registry.requests.length;
    await assert.rejects(client({ retries: 2, backoffMs: 5 }).getJson(base + 'kms-demo'), (e: { kind: string; status: number }) => e.status === 500);
    assert.equal(registry.requests.length - before, 3);
  });

  it('does not sleep through a Retry-After longer than its deadline, and stops at a web page where data was asked for', async () => {
    let hits = 0;
    const server = http.createServer((req, res) => {
      hits++;
      if (req.url === '/busy') res.writeHead(429, { 'retry-after': '3600' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
    });
    const port = await listenOnLoopback(server);
    try {
      const started = Date.now();
      await assert.rejects(client({ retries: 2 }).getJson(`http://127.0.0.1:${port}/busy`), (e: Error) => /asks to wait 3600 s/.test(e.message));
      assert.equal(hits, 1, 'no retry when the server asks for an hour');
      assert.ok(Date.now() - started < 1000);
      await assert.rejects(client({}).getJson(`http://127.0.0.1:${port}/page`), (e: { kind: string }) => e.kind === 'bad-body');
    } finally {
      await closeServer(server);
    }
  });

  it('never puts credentials or query strings into messages', () => {
    assert.equal(redact('https://user:secret@corp.test/npm/x?token=abc'), 'https://corp.test/npm/x');
  });
});
