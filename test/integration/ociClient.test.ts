// The OCI client against a real registry (Debian's docker-registry on 127.0.0.1): tag → digest,
// digests checked, Docker Hub-style token auth with credentials from a docker config in a temp
// HOME, plain HTTP only where allowed, and a registry that is down.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { credentialsFor, loadDaemonConfig, loadDockerConfig, registryKey } from '../../server/src/core/ecosystems/oci/dockerConfig';
import { HttpClient } from '../../server/src/core/http/http';
import { DigestMismatchError, OciClient, parseChallenge } from '../../server/src/core/ecosystems/oci/ociClient';
import { OciRegistry, type ProxyMode, RegistryProxy, skipWithoutRegistry } from '../support/ociRegistry';

const http = () =>
  new HttpClient({ timeoutMs: 3000, maxBodyBytes: 4 * 1024 * 1024, retries: 0, backoffMs: 1, offline: false, userAgent: 'test', authFor: () => undefined });

/** A temp HOME whose ~/.docker/config.json holds `auths` for `host`. */
function dockerHome(host: string, user: string, password: string): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-docker-'));
  fs.mkdirSync(path.join(home, '.docker'));
  fs.writeFileSync(
    path.join(home, '.docker', 'config.json'),
    JSON.stringify({ auths: { [`http://${host}`]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } }),
  );
  return home;
}

describe('OCI client against a real registry', function () {
  this.timeout(30000);
  const registry = new OciRegistry();
  const clients: HttpClient[] = [];
  /** A client whose credentials come from the docker config in `home`, or none. */
  const client = (home?: string) => {
    const h = http();
    clients.push(h);
    const config = home ? loadDockerConfig({}, home) : undefined;
    return new OciClient({ http: h, credentials: async (domain) => (config ? credentialsFor(config, domain, false, {}) : undefined) });
  };
  let pushed: { digest: string };
  /** Runs `test` with a proxy of the given mode in front of the registry, and stops it afterwards. */
  const withProxy = async (mode: ProxyMode, test: (proxy: RegistryProxy) => Promise<void>) => {
    const proxy = new RegistryProxy(registry.host, mode);
    await proxy.start();
    try {
      await test(proxy);
    } finally {
      await proxy.stop();
    }
  };

  before(async function () {
    skipWithoutRegistry(this);
    await registry.start();
    pushed = await registry.pushImage('acme/app', '1.0');
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await registry.stop();
  });

  it('resolves a tag to the digest of the manifest it serves', async () => {
    const manifest = await client().getManifest(registry.host, 'acme/app', '1.0');
    assert.equal(manifest?.digest, pushed.digest);
    assert.equal(manifest?.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(manifest?.json.layers?.length, 1);
  });

  it('fetches by digest and answers undefined for what is not there', async () => {
    const c = client();
    assert.equal((await c.getManifest(registry.host, 'acme/app', pushed.digest))?.digest, pushed.digest);
    assert.equal(await c.getManifest(registry.host, 'acme/app', '9.9'), undefined);
    assert.equal(await c.getManifest(registry.host, 'acme/other', '1.0'), undefined);
    const layer = (await c.getManifest(registry.host, 'acme/app', '1.0'))!.json.layers![0];
    assert.equal((await c.getBlob(registry.host, 'acme/app', layer.digest))?.toString(), 'layer of acme/app:1.0');
  });

  it('refuses content that does not match the digest asked for', async () => {
    await withProxy('tamper-manifests', async (proxy) => {
      await assert.rejects(client().getManifest(proxy.host, 'acme/app', pushed.digest), DigestMismatchError);
    });
  });

  it('answers a Bearer challenge with a token bought with the docker config credentials', async () => {
    await withProxy('bearer', async (proxy) => {
      const withCredentials = client(dockerHome(proxy.host, 'alice', 's3cret'));
      assert.equal((await withCredentials.getManifest(proxy.host, 'acme/app', '1.0'))?.digest, pushed.digest);
      const tokenRequest = proxy.seen.find((s) => s.path === '/token');
      assert.equal(tokenRequest?.authorization, `Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
      // The token is reused for the next request of the same scope.
      const before = proxy.seen.length;
      await withCredentials.getManifest(proxy.host, 'acme/app', pushed.digest);
      assert.deepEqual(
        proxy.seen.slice(before).map((s) => s.path),
        [`/v2/acme/app/manifests/${pushed.digest}`],
      );
      await assert.rejects(client().getManifest(proxy.host, 'acme/app', '1.0'), /requires credentials/);
      await assert.rejects(client(dockerHome(proxy.host, 'alice', 'wrong')).getManifest(proxy.host, 'acme/app', '1.0'), /requires credentials/);
    });
  });

  it('exchanges a docker identity token for an access token (OAuth2 refresh grant)', async () => {
    await withProxy('bearer', async (proxy) => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-docker-'));
      fs.mkdirSync(path.join(home, '.docker'));
      fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [proxy.host]: { identitytoken: 'refresh-s3cret' } } }));
      assert.equal((await client(home).getManifest(proxy.host, 'acme/app', '1.0'))?.digest, pushed.digest);
    });
  });

  it('answers a Basic challenge with the docker config credentials', async () => {
    await withProxy('basic', async (proxy) => {
      assert.equal((await client(dockerHome(proxy.host, 'alice', 's3cret')).getManifest(proxy.host, 'acme/app', '1.0'))?.digest, pushed.digest);
    });
  });

  it('sends each registry the docker config credentials for its own host only (two local hosts)', async () => {
    const a = new RegistryProxy(registry.host, 'basic', 'alice', 'a-secret');
    const b = new RegistryProxy(registry.host, 'basic', 'bob', 'b-secret');
    await Promise.all([a.start(), b.start()]);
    try {
      const hostB = b.host.replace('127.0.0.1', 'localhost');
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-docker-'));
      fs.mkdirSync(path.join(home, '.docker'));
      const auth = (user: string, password: string) => ({ auth: Buffer.from(`${user}:${password}`).toString('base64') });
      fs.writeFileSync(
        path.join(home, '.docker', 'config.json'),
        JSON.stringify({ auths: { [a.host]: auth('alice', 'a-secret'), [hostB]: auth('bob', 'b-secret') } }),
      );
      const c = client(home);
      assert.equal((await c.getManifest(a.host, 'acme/app', '1.0'))?.digest, pushed.digest);
      assert.equal((await c.getManifest(hostB, 'acme/app', '1.0'))?.digest, pushed.digest);
      const sent = (proxy: RegistryProxy) => [...new Set(proxy.seen.map((r) => r.authorization).filter(Boolean))];
      assert.deepEqual(sent(a), [`Basic ${Buffer.from('alice:a-secret').toString('base64')}`]);
      assert.deepEqual(sent(b), [`Basic ${Buffer.from('bob:b-secret').toString('base64')}`]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('fails with a network error when the registry is down', async () => {
    await assert.rejects(client().getManifest('127.0.0.1:1', 'acme/app', '1.0'), (e: { kind?: string }) => e.kind === 'network');
  });
});

describe('OCI endpoints and docker config', () => {
  it('uses plain HTTP only on loopback or for registries the user lists', () => {
    const c = new OciClient({ http: http(), credentials: async () => undefined, insecureRegistries: ['registry.internal:5000'] });
    assert.equal(c.endpoint('127.0.0.1:5000'), 'http://127.0.0.1:5000');
    assert.equal(c.endpoint('localhost:5000'), 'http://localhost:5000');
    assert.equal(c.endpoint('registry.internal:5000'), 'http://registry.internal:5000');
    assert.equal(c.endpoint('ghcr.io'), 'https://ghcr.io');
  });

  it('serves the default domain from a configured mirror', () => {
    const c = new OciClient({ http: http(), credentials: async () => undefined, mirrors: ['https://mirror.internal/'] });
    assert.equal(c.endpoint('docker.io'), 'https://mirror.internal');
  });

  it('reads auths in all their spellings', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-docker-'));
    fs.mkdirSync(path.join(home, '.docker'));
    fs.writeFileSync(
      path.join(home, '.docker', 'config.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') },
          'ghcr.io': { username: 'octo', password: 'token' },
          'registry.internal:5000': { identitytoken: 'refresh' },
        },
      }),
    );
    const config = loadDockerConfig({}, home);
    assert.deepEqual(await credentialsFor(config, 'docker.io', false, {}), { username: 'hub', password: 'pw' });
    assert.deepEqual(await credentialsFor(config, 'ghcr.io', false, {}), { username: 'octo', password: 'token' });
    assert.deepEqual(await credentialsFor(config, 'registry.internal:5000', false, {}), { identityToken: 'refresh' });
    assert.equal(await credentialsFor(config, 'quay.io', false, {}), undefined);
    assert.equal(registryKey('http://127.0.0.1:5000/'), '127.0.0.1:5000');
  });

  it('runs a credential helper only where process execution is allowed', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-docker-'));
    const bin = path.join(home, 'bin');
    fs.mkdirSync(bin);
    fs.mkdirSync(path.join(home, '.docker'));
    fs.writeFileSync(
      path.join(bin, 'docker-credential-test'),
      '#!/bin/sh\nread server\necho "{\\"Username\\":\\"helper\\",\\"Secret\\":\\"from-$server\\"}"\n',
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers: { 'ghcr.io': 'test' } }));
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const config = loadDockerConfig({}, home);
    assert.deepEqual(await credentialsFor(config, 'ghcr.io', true, env), { username: 'helper', password: 'from-ghcr.io' });
    assert.equal(await credentialsFor(config, 'ghcr.io', false, env), undefined);
  });

  it('reads docker daemon mirrors and insecure registries', () => {
    const daemon = loadDaemonConfig({ DOCKER_DAEMON_CONFIG: '/x/daemon.json' }, (f) =>
      f === '/x/daemon.json' ? '{"registry-mirrors": ["https://mirror.internal"], "insecure-registries": ["lab:5000"]}' : undefined,
    );
    assert.deepEqual(daemon, { mirrors: ['https://mirror.internal'], insecureRegistries: ['lab:5000'] });
    assert.deepEqual(
      loadDaemonConfig({ DOCKER_DAEMON_CONFIG: '/none' }, () => '{not json'),
      { mirrors: [], insecureRegistries: [] },
    );
  });

  it('parses authentication challenges', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"'), [
      'bearer',
      { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull' },
    ]);
    assert.deepEqual(parseChallenge('Basic realm="x"'), ['basic', { realm: 'x' }]);
  });
});
