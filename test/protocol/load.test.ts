// Load: a workspace of 20 manifests with 5,000 dependencies (generated packages signed by a
// generated registry key, served from its own process), edited continuously over LSP for
// LOAD_SECONDS (60 by default): a version changes 20 times a second, and every 25th edit swaps a
// manifest's 250 dependencies for others, so verifications queued for the old ones must be
// cancelled. Meanwhile hovers are timed. The server must stay responsive (every hover answered;
// p95 reported), its memory and queue must stay bounded, and once the edits stop every open
// dependency must get its verdict. Figures go to the console and test-artifacts/load-report.json.

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StatusParams } from '../../server/src/shared/protocol';
import { cleanEnv } from '../support/env';
import { LspClient } from '../support/lspClient';
import { REPO_ROOT } from '../support/paths';
import type { Scenario } from '../support/registryServer';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const MANIFESTS = 20;
const PER_MANIFEST = 250;
const PACKAGES = MANIFESTS * PER_MANIFEST;
const VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0'];

/** 5,000 packages in four versions each, every version signed by one generated P-256 registry key. */
function signedScenario(): Scenario {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const keyid = `SHA256:${crypto.createHash('sha256').update(spki).digest('base64').replace(/=+$/, '')}`;
  const packages: Scenario['packages'] = {};
  for (let i = 0; i < PACKAGES; i++) {
    const name = `load-pkg-${i}`;
    packages[name] = {};
    for (const version of VERSIONS) {
      const integrity = `sha512-${crypto.createHash('sha512').update(`${name}@${version}`).digest('base64')}`;
      const sig = crypto.sign('sha256', Buffer.from(`${name}@${version}:${integrity}`), privateKey).toString('base64');
      packages[name][version] = { manifest: { name, version, dist: { integrity, signatures: [{ keyid, sig }] } }, publishedAt: '2024-01-01T00:00:00.000Z' };
    }
  }
  return { keys: { keys: [{ keyid, keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', key: spki.toString('base64'), expires: null }] }, packages };
}

/** A manifest's text: dependencies `first`…`first + 249` (wrapping), each at its version. */
function manifest(first: number, versions: Map<number, string>): string {
  const dependencies: Record<string, string> = {};
  for (let k = 0; k < PER_MANIFEST; k++) {
    const i = (first + k) % PACKAGES;
    dependencies[`load-pkg-${i}`] = versions.get(i) ?? VERSIONS[0];
  }
  return JSON.stringify({ name: `m${first}`, version: '1.0.0', dependencies }, null, 2);
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('load: 20 manifests, 5,000 dependencies, edited continuously', function () {
  this.timeout((SECONDS + 240) * 1000);
  let registry: ReturnType<typeof spawn>;
  let client: LspClient;

  after(async () => {
    await client?.shutdown();
    registry?.kill();
  });

  it(`stays responsive with bounded memory and queue for ${SECONDS} s of edits, and settles`, async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-load-'));
    fs.writeFileSync(path.join(work, 'scenario.json'), JSON.stringify(signedScenario()));
    registry = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'bench-registry.js'), path.join(work, 'scenario.json')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const base = await new Promise<string>((resolve, reject) => {
      registry.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
      registry.once('exit', (code) => reject(new Error(`the registry exited with ${code}`)));
    });
    const home = path.join(work, 'home');
    const workspace = path.join(work, 'workspace');
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, '.npmrc'), `registry=${base}\n`);
    const uris: string[] = [];
    const firsts: number[] = [];
    const versions = Array.from({ length: MANIFESTS }, () => new Map<number, string>());
    const texts: string[] = [];
    for (let m = 0; m < MANIFESTS; m++) {
      fs.mkdirSync(path.join(workspace, `m${m}`), { recursive: true });
      firsts.push(m * PER_MANIFEST);
      texts.push(manifest(firsts[m], versions[m]));
      fs.writeFileSync(path.join(workspace, `m${m}`, 'package.json'), texts[m]);
      uris.push(pathToFileURL(path.join(workspace, `m${m}`, 'package.json')).toString());
    }

    client = new LspClient(cleanEnv({ HOME: home }), { refreshTrustedRoot: false, cache: { enabled: false } });
    await client.initialize({ workspaceTrusted: true, storagePath: path.join(home, 'storage') }, pathToFileURL(workspace).toString());
    const status = () => client.notifications.filter((n) => n.method === 'provenanceLens/status').at(-1)?.params as StatusParams | undefined;
    const settled = async (timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = status();
        const counted = s ? s.verified + s.unsigned + s.invalid + s.unverifiable + s.policyViolation : 0;
        if (s && s.pending === 0 && !s.queued && !s.running && counted === PACKAGES) return s;
        if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const opened = performance.now();
    for (let m = 0; m < MANIFESTS; m++) await client.open(uris[m], texts[m]);
    const first = await settled(120_000);
    const firstSeconds = (performance.now() - opened) / 1000;
    assert.equal(first.verified, PACKAGES, JSON.stringify(first));
    const baselineRss = rssMiB(client.pid);

    // The load: edits every 50 ms, hovers every 100 ms, memory and queue sampled as they go.
    const docVersions = new Array(MANIFESTS).fill(1);
    const hoverMs: number[] = [];
    let maxRss = baselineRss;
    let maxQueued = 0;
    let edits = 0;
    let swaps = 0;
    const end = Date.now() + SECONDS * 1000;
    const editing = (async () => {
      for (let n = 0; Date.now() < end; n++) {
        const m = n % MANIFESTS;
        if (n % 25 === 24) {
          // Another 250 dependencies at a version not verified yet, and again once their
          // verifications are queued: what was queued for the first set is no longer wanted.
          for (const pass of [0, 1]) {
            firsts[m] = (firsts[m] + PER_MANIFEST * 3 + 125) % PACKAGES;
            const version = VERSIONS[2 + ((swaps + pass) % 2)];
            for (let k = 0; k < PER_MANIFEST; k++) versions[m].set((firsts[m] + k) % PACKAGES, version);
            if (pass === 0) {
              await client.change(uris[m], ++docVersions[m], manifest(firsts[m], versions[m]));
              edits++;
              await new Promise((r) => setTimeout(r, 300)); // past the server's debounce: now they are queued
            }
          }
          swaps++;
        } else {
          const i = (firsts[m] + ((n * 7) % PER_MANIFEST)) % PACKAGES;
          versions[m].set(i, versions[m].get(i) === VERSIONS[1] ? VERSIONS[0] : VERSIONS[1]);
        }
        texts[m] = manifest(firsts[m], versions[m]);
        await client.change(uris[m], ++docVersions[m], texts[m]);
        edits++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const hovering = (async () => {
      for (let n = 0; Date.now() < end; n++) {
        const m = (n * 7) % MANIFESTS;
        const line = 4 + ((n * 13) % PER_MANIFEST);
        const started = performance.now();
        const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uris[m] }, position: { line, character: 6 } });
        hoverMs.push(performance.now() - started);
        assert.ok(hover === null || typeof hover === 'object');
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const sampling = (async () => {
      while (Date.now() < end) {
        maxRss = Math.max(maxRss, rssMiB(client.pid));
        maxQueued = Math.max(maxQueued, status()?.queued ?? 0);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    await Promise.all([editing, hovering, sampling]);

    const stopped = performance.now();
    const last = await settled(120_000);
    const settleSeconds = (performance.now() - stopped) / 1000;
    const finalRss = rssMiB(client.pid);
    const report = {
      seconds: SECONDS,
      manifests: MANIFESTS,
      dependencies: PACKAGES,
      firstVerificationSeconds: Number(firstSeconds.toFixed(1)),
      edits,
      swaps,
      hovers: hoverMs.length,
      hoverMs: {
        p50: Number(percentile(hoverMs, 50).toFixed(1)),
        p95: Number(percentile(hoverMs, 95).toFixed(1)),
        max: Number(Math.max(...hoverMs).toFixed(1)),
      },
      rssMiB: { afterFirstVerification: Math.round(baselineRss), max: Math.round(maxRss), afterSettling: Math.round(finalRss) },
      maxQueued,
      cancelled: last.cancelled ?? 0,
      settleSeconds: Number(settleSeconds.toFixed(1)),
    };
    console.log(`      load: ${JSON.stringify(report)}`);
    fs.mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, 'test-artifacts', 'load-report.json'), JSON.stringify(report, null, 2));

    // Responsive: every hover was answered, and not after a stall (a bound to catch a blocked server, not a speed target).
    assert.ok(hoverMs.length >= SECONDS * 5, `only ${hoverMs.length} hovers were answered`);
    assert.ok(report.hoverMs.p95 < 1000, `hover p95 ${report.hoverMs.p95} ms`);
    // Bounded: the queue never holds more than the open dependencies and one swap's worth; memory grows by a bounded amount.
    assert.ok(maxQueued <= PACKAGES + PER_MANIFEST, `queue reached ${maxQueued}`);
    assert.ok(maxRss - baselineRss < 400, `memory grew from ${Math.round(baselineRss)} to ${Math.round(maxRss)} MiB`);
    // Cancellation: verifications for dependencies edited away before they started were dropped.
    assert.ok(report.cancelled > 0, 'nothing was cancelled');
    assert.equal(last.verified, PACKAGES, JSON.stringify(last));
  });
});
