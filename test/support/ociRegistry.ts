// A real OCI registry for tests: Debian's docker-registry (distribution 2.8) started directly on
// 127.0.0.1 with a temporary config (the packaged one turns on htpasswd), images pushed over the
// distribution API, and an optional proxy in front that demands Docker Hub-style token auth or
// tampers with what the registry serves.

import { type ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AttestationLayer } from './bundles';
import { closeServer, listenOnLoopback } from './loopback';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export function registryAvailable(): boolean {
  return fs.existsSync(REGISTRY_BINARY);
}

/** Skips the suite, saying so, where Debian's docker-registry is not installed (pretest installs it where it can). */
export function skipWithoutRegistry(suite: Mocha.Context): void {
  if (registryAvailable()) return;
  console.warn('SKIPPED: /usr/bin/docker-registry is not installed (apt-get install -y docker-registry)');
  suite.skip();
}

const sha256 = (data: Buffer | string) => `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;

export interface Pushed {
  digest: string;
  manifest: Buffer;
}

export class OciRegistry {
  private process?: ChildProcess;
  private dir = '';
  host = '';

  async start(): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-oci-'));
    const config = path.join(this.dir, 'config.yml');
    fs.writeFileSync(
      config,
      [
        'version: 0.1',
        'log: { level: info, accesslog: { disabled: true } }',
        `storage: { filesystem: { rootdirectory: ${path.join(this.dir, 'storage')} }, delete: { enabled: true } }`,
        'http: { addr: 127.0.0.1:0 }',
      ].join('\n'),
    );
    const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    this.host = await new Promise<string>((resolve, reject) => {
      let log = '';
      const onData = (d: Buffer) => {
        log += d.toString();
        const m = /listening on (127\.0\.0\.1:\d+)/.exec(log);
        if (m) resolve(m[1]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`docker-registry exited with ${code}: ${log}`)));
      setTimeout(() => reject(new Error(`docker-registry did not start: ${log}`)), 10_000).unref();
    });
  }

  async stop(): Promise<void> {
    this.process?.kill('SIGTERM');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async pushBlob(repository: string, data: Buffer): Promise<string> {
    const digest = sha256(data);
    const start = await fetch(`http://${this.host}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
    const location = new URL(start.headers.get('location')!, `http://${this.host}`);
    location.searchParams.set('digest', digest); // appended to the upload's own query, as the API requires
    const put = await fetch(location, { method: 'PUT', body: data, headers: { 'content-type': 'application/octet-stream' } });
    if (put.status !== 201) throw new Error(`blob upload failed: ${put.status} ${await put.text()}`);
    return digest;
  }

  async pushManifest(repository: string, reference: string, manifest: object, mediaType = 'application/vnd.oci.image.manifest.v1+json'): Promise<Pushed> {
    const body = Buffer.from(JSON.stringify(manifest));
    const put = await fetch(`http://${this.host}/v2/${repository}/manifests/${reference}`, { method: 'PUT', body, headers: { 'content-type': mediaType } });
    if (put.status !== 201) throw new Error(`manifest upload failed: ${put.status} ${await put.text()}`);
    return { digest: sha256(body), manifest: body };
  }

  /**
   * Signs `digest` the way `cosign sign --key` does without a log: a simple-signing payload blob,
   * listed as a layer (with the signature annotation) of a manifest pushed to `sha256-<hex>.sig`.
   * `signedDigest` lets a test sign another digest than the one the tag names.
   */
  async signWithKey(repository: string, digest: string, privateKey: crypto.KeyObject, signedDigest = digest): Promise<void> {
    const payload = Buffer.from(
      JSON.stringify({
        critical: {
          identity: { 'docker-reference': `${this.host}/${repository}` },
          image: { 'docker-manifest-digest': signedDigest },
          type: 'cosign container image signature',
        },
        optional: null,
      }),
    );
    const signature = crypto.sign('sha256', payload, privateKey).toString('base64');
    const layer = {
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      digest: await this.pushBlob(repository, payload),
      size: payload.length,
      annotations: { 'dev.cosignproject.cosign/signature': signature },
    };
    await this.pushTaggedArtifact(repository, `${digest.replace(':', '-')}.sig`, [layer]);
  }

  /** Pushes attestation layers the way `cosign attest` does (before v3): one manifest under `sha256-<hex>.att`. */
  async attachAttestations(repository: string, digest: string, layers: AttestationLayer[]): Promise<void> {
    const entries = [];
    for (const layer of layers)
      entries.push({
        mediaType: 'application/vnd.dsse.envelope.v1+json',
        digest: await this.pushBlob(repository, layer.blob),
        size: layer.blob.length,
        annotations: layer.annotations,
      });
    await this.pushTaggedArtifact(repository, `${digest.replace(':', '-')}.att`, entries);
  }

  /** cosign's classic tags: an image manifest with an empty config and the given layers. */
  private async pushTaggedArtifact(repository: string, tag: string, layers: object[]): Promise<void> {
    const config = Buffer.from('{}');
    const configDigest = await this.pushBlob(repository, config);
    await this.pushManifest(repository, tag, {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers,
    });
  }

  /**
   * Attaches a Sigstore bundle to `digest` as an OCI 1.1 referrer. This registry has no referrers
   * API, so — as cosign does on such registries — the referrer is also listed in an index under
   * the `sha256-<hex>` fallback tag.
   */
  async attachBundle(repository: string, digest: string, bundle: object): Promise<void> {
    const bundleType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
    const blob = Buffer.from(JSON.stringify(bundle));
    const blobDigest = await this.pushBlob(repository, blob);
    const empty = Buffer.from('{}');
    const emptyDigest = await this.pushBlob(repository, empty);
    const referrer = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: bundleType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: empty.length },
      layers: [{ mediaType: bundleType, digest: blobDigest, size: blob.length }],
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 0 },
    };
    const pushed = await this.pushManifest(repository, sha256(JSON.stringify(referrer)), referrer);
    const fallbackTag = digest.replace(':', '-');
    const existing = await fetch(`http://${this.host}/v2/${repository}/manifests/${fallbackTag}`, {
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
    });
    const index = existing.ok ? ((await existing.json()) as { manifests: object[] }) : { manifests: [] };
    index.manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: pushed.digest,
      size: pushed.manifest.length,
      artifactType: bundleType,
    });
    await this.pushManifest(
      repository,
      fallbackTag,
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index.manifests },
      'application/vnd.oci.image.index.v1+json',
    );
  }

  /** A multi-platform index over two small images, under `repository:tag`. */
  async pushIndex(repository: string, tag: string): Promise<Pushed> {
    const amd = await this.pushImage(repository, `${tag}-amd64`, 'amd64 layer');
    const arm = await this.pushImage(repository, `${tag}-arm64`, 'arm64 layer');
    const entry = (p: Pushed, architecture: string, variant?: string) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: p.digest,
      size: p.manifest.length,
      platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) },
    });
    return this.pushManifest(
      repository,
      tag,
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [entry(amd, 'amd64'), entry(arm, 'arm64', 'v8')] },
      'application/vnd.oci.image.index.v1+json',
    );
  }

  /**
   * A non-image artifact as its tool pushes it: a Helm chart (`helm push`: the Chart.yaml as the
   * config, the chart archive as the layer) or a WebAssembly module (`wkg`/`wash push`).
   */
  async pushArtifact(
    repository: string,
    tag: string,
    artifact: { configMediaType: string; config: Buffer; layerMediaType: string; layer: Buffer },
  ): Promise<Pushed> {
    const configDigest = await this.pushBlob(repository, artifact.config);
    const layerDigest = await this.pushBlob(repository, artifact.layer);
    return this.pushManifest(repository, tag, {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: artifact.configMediaType, digest: configDigest, size: artifact.config.length },
      layers: [{ mediaType: artifact.layerMediaType, digest: layerDigest, size: artifact.layer.length }],
    });
  }

  /** A small image: a config blob and one layer, under `repository:tag`. */
  async pushImage(repository: string, tag: string, content = `layer of ${repository}:${tag}`): Promise<Pushed> {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const layer = Buffer.from(content);
    const configDigest = await this.pushBlob(repository, config);
    const layerDigest = await this.pushBlob(repository, layer);
    return this.pushManifest(repository, tag, {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
    });
  }
}

export type ProxyMode = 'bearer' | 'basic' | 'tamper-manifests' | 'fail-listings' | 'none';

/**
 * A proxy in front of the registry. `bearer`: a 401 challenge naming a token realm on this proxy,
 * which issues a token for the right Basic credentials. `basic`: plain Basic challenges.
 * `tamper-manifests`: flips a byte in every manifest body it passes on.
 */
export class RegistryProxy {
  private server?: http.Server;
  readonly seen: Array<{ path: string; authorization?: string }> = [];
  private readonly token = crypto.randomBytes(8).toString('hex');

  constructor(
    private readonly upstream: string,
    private readonly mode: ProxyMode,
    private readonly user = 'alice',
    private readonly password = 's3cret',
  ) {}

  get host(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await listenOnLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    this.seen.push({ path: url.pathname, authorization: req.headers.authorization });
    const basic = `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
    if (url.pathname === '/token' && req.method === 'POST') {
      // OAuth2: an identity (refresh) token exchanged for an access token.
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== `refresh-${this.password}`) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ access_token: this.token }));
    }
    if (url.pathname === '/token') {
      if (req.headers.authorization !== basic) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ token: this.token, scope: url.searchParams.get('scope') }));
    }
    if (this.mode === 'bearer' && req.headers.authorization !== `Bearer ${this.token}`) {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://${this.host}/token",service="test-registry",scope="repository:${url.pathname.split('/').slice(2, -2).join('/')}:pull"`,
      });
      return void res.end();
    }
    // The places attestations live answer 500: the referrers API, its fallback tag (`…/manifests/sha256-<hex>`) and the `.att` tag.
    if (this.mode === 'fail-listings' && (url.pathname.includes('/referrers/') || /\/manifests\/sha256-[0-9a-f]{64}(\.att)?$/.test(url.pathname))) {
      return void res.writeHead(500).end();
    }
    if (this.mode === 'basic' && req.headers.authorization !== basic) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test-registry"' });
      return void res.end();
    }
    const upstream = await fetch(`http://${this.upstream}${url.pathname}${url.search}`, { headers: { accept: req.headers.accept ?? '*/*' } });
    let body = Buffer.from(await upstream.arrayBuffer());
    if (this.mode === 'tamper-manifests' && url.pathname.includes('/manifests/') && body.length > 0) {
      body = Buffer.from(body);
      body[body.length - 2] ^= 0x01;
    }
    const headers: Record<string, string> = { 'content-length': String(body.length) };
    for (const name of ['content-type', 'docker-content-digest']) {
      const value = upstream.headers.get(name);
      if (value) headers[name] = value;
    }
    res.writeHead(upstream.status, headers);
    res.end(body);
  }
}
