// `npm run bench`: time to verify the registry signatures of a generated 1,500-package lockfile
// against a local registry on 127.0.0.1 — ours cold and warm, beside npm's own implementation
// (pacote.manifest with verifySignatures at concurrency 20, what `npm audit signatures` runs per
// package) on the same registry in the same run. Prints figures and ratios.

import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Checker } from '../server/src/core/checker';
import { parseFile } from '../server/src/core/fileKinds';
import { embeddedTrust } from '../server/src/core/trust/trustedRoot';
import { cleanEnv } from '../test/support/env';
import { SIGNED, recordedScenario } from '../test/support/fixtureRegistry';
import type { Scenario } from '../test/support/registryServer';
import { benchEditor } from './editorBench';
import { benchImages } from './imageBench';
import { benchSbom } from './sbomBench';

const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 1500);
const VERSIONS_PER_PACKAGE = 5;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Generated {
  scenario: Scenario;
  lock: Array<{ name: string; version: string; integrity: string }>;
}

/** 1,500 packages: the 7 recorded real ones plus generated ones signed by a generated P-256 registry key. */
function generate(): Generated {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const keyid = 'SHA256:' + crypto.createHash('sha256').update(spki).digest('base64').replace(/=+$/, '');
  const recorded = recordedScenario();
  const keys = {
    keys: [
      ...(recorded.keys as { keys: unknown[] }).keys,
      { keyid, keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256', key: spki.toString('base64'), expires: null },
    ],
  };
  const packages: Scenario['packages'] = {};
  const lock: Generated['lock'] = SIGNED.map((s) => ({ name: s.name, version: s.version, integrity: s.integrity }));
  for (const s of SIGNED) packages[s.name] = { [s.version]: recorded.packages[s.name][s.version] };
  for (let i = 0; lock.length < PACKAGES; i++) {
    const name = i % 3 === 0 ? `@bench/pkg-${i}` : `bench-pkg-${i}`;
    packages[name] = {};
    for (let v = 0; v < VERSIONS_PER_PACKAGE; v++) {
      const version = `1.${v}.0`;
      const integrity = 'sha512-' + crypto.createHash('sha512').update(`${name}@${version}`).digest('base64');
      const sig = crypto.sign('sha256', Buffer.from(`${name}@${version}:${integrity}`), privateKey).toString('base64');
      packages[name][version] = {
        manifest: {
          name,
          version,
          description: 'generated for the benchmark',
          dist: { integrity, tarball: `http://127.0.0.1/${name}.tgz`, signatures: [{ keyid, sig }] },
        },
        publishedAt: '2024-01-01T00:00:00.000Z',
      };
    }
    lock.push({
      name,
      version: `1.${i % VERSIONS_PER_PACKAGE}.0`,
      integrity: packages[name][`1.${i % VERSIONS_PER_PACKAGE}.0`].manifest.dist
        ? (packages[name][`1.${i % VERSIONS_PER_PACKAGE}.0`].manifest as { dist: { integrity: string } }).dist.integrity
        : '',
    });
  }
  return { scenario: { keys, packages }, lock };
}

function lockfileText(lock: Generated['lock']): string {
  const packages: Record<string, unknown> = { '': { name: 'bench', version: '1.0.0' } };
  for (const p of lock) packages[`node_modules/${p.name}`] = { version: p.version, integrity: p.integrity };
  return JSON.stringify({ name: 'bench', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
}

/** Starts bench/registryProcess in a child process serving `scenario`. */
async function startRegistry(scenario: Scenario, work: string): Promise<{ base: string; stop: () => void }> {
  const file = path.join(work, 'scenario.json');
  fs.writeFileSync(file, JSON.stringify(scenario));
  const child = spawn(process.execPath, [path.join(__dirname, 'bench-registry.js'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`registry process exited with ${code}`)));
  });
  return { base, stop: () => child.kill() };
}

/** What a keystroke costs: parse times of a large lockfile and a typical manifest. */
function reportParsing(): void {
  const packages: Record<string, unknown> = { '': { name: 'big' } };
  for (let i = 0; i < 5000; i++)
    packages[`node_modules/pkg-${i}`] = { version: '1.0.0', integrity: 'sha512-' + 'A'.repeat(86) + '==', dependencies: { a: '^1.0.0' } };
  const lockText = JSON.stringify({ lockfileVersion: 3, packages }, null, 2);
  const deps = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`dep-${i}`, `^${i}.0.0`]));
  const manifestText = JSON.stringify({ name: 'app', dependencies: deps }, null, 2);
  const time = (file: string, text: string) => {
    const samples: number[] = [];
    for (let i = 0; i < 15; i++) {
      const start = process.hrtime.bigint();
      parseFile(file, text);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return median(samples);
  };
  console.log(
    `Parsing (median of 15): package-lock.json with 5,000 packages (${(lockText.length / 2 ** 20).toFixed(1)} MiB) ${time('package-lock.json', lockText).toFixed(1)} ms; package.json with 100 dependencies ${time('package.json', manifestText).toFixed(2)} ms`,
  );
}

async function timeIt(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const { scenario, lock } = generate();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'provenance-lens-bench-'));
  const { base, stop } = await startRegistry(scenario, work);
  const project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, '.npmrc'), `registry=${base}\n`);
  const lockFile = path.join(project, 'package-lock.json');
  fs.writeFileSync(lockFile, lockfileText(lock));
  const env = cleanEnv({ HOME: work });
  const trust = embeddedTrust();
  const parsed = () => parseFile(lockFile, fs.readFileSync(lockFile, 'utf8'))!;

  const ours = (cacheDir: string) =>
    new Checker({
      trust: () => trust,
      offline: false,
      cacheDir: process.env.BENCH_NO_DISK ? undefined : cacheDir,
      requireProvenance: false,
      allowProcessExecution: false,
      env,
      homeDir: work,
      concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
    });
  const expectAllVerified = (results: Array<{ result: { verdict: string; reason: string } }>) => {
    const bad = results.filter((r) => r.result.verdict !== 'verified');
    if (results.length !== lock.length || bad.length > 0)
      throw new Error(`expected ${lock.length} verified, got ${bad.length} others: ${bad[0]?.result.reason}`);
  };

  const pacote = require('pacote') as { manifest: (spec: string, opts: Record<string, unknown>) => Promise<{ _signatures?: unknown }> };
  const keysForPacote = (scenario.keys as { keys: Array<{ key: string; expires: string | null; keyid: string }> }).keys.map((k) => ({
    ...k,
    pemkey: `-----BEGIN PUBLIC KEY-----\n${k.key}\n-----END PUBLIC KEY-----`,
  }));
  const registryKey = `//${new URL(base).host}${new URL(base).pathname}`;
  const baseline = async (cache: string) => {
    let next = 0;
    let verified = 0;
    const worker = async () => {
      while (next < lock.length) {
        const p = lock[next++];
        const mani = await pacote.manifest(`${p.name}@${p.version}`, {
          registry: base,
          verifySignatures: true,
          [`${registryKey}:_keys`]: keysForPacote,
          cache,
          preferOnline: true,
        });
        if (mani._signatures) verified++;
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    if (verified !== lock.length) throw new Error(`pacote verified ${verified} of ${lock.length}`);
  };

  const rows: Record<string, number[]> = { baseline: [], cold: [], warmDisk: [], warmMemory: [] };
  // Round 0 warms up both implementations (JIT, first connections) and is not counted.
  for (let run = 0; run <= RUNS; run++) {
    const record = (row: number[], ms: number) => run > 0 && row.push(ms);
    // (BENCH_SKIP_BASELINE=1 is for profiling our side alone.)
    if (!process.env.BENCH_SKIP_BASELINE) record(rows.baseline, await timeIt(() => baseline(path.join(work, `pacote-cache-${run}`))));
    const cacheDir = path.join(work, `cache-${run}`);
    const cold = ours(cacheDir);
    // Cold includes writing the disk cache, as a CLI run does before it exits.
    record(
      rows.cold,
      await timeIt(async () => {
        expectAllVerified(await cold.verify(lockFile, parsed()));
        await cold.flush();
      }),
    );
    record(rows.warmMemory, await timeIt(async () => expectAllVerified(await cold.verify(lockFile, parsed()))));
    await cold.dispose();
    const warm = ours(cacheDir);
    record(rows.warmDisk, await timeIt(async () => expectAllVerified(await warm.verify(lockFile, parsed()))));
    await warm.dispose();
  }
  const editorLines = await benchEditor(project, work, lock.length);
  editorLines.push(await benchImages(work));
  editorLines.push(...(await benchSbom(work)));
  stop();

  const b = median(rows.baseline.length ? rows.baseline : [NaN]);
  const line = (label: string, ms: number) => `${label.padEnd(58)} ${ms.toFixed(0).padStart(7)} ms  ${(b / ms).toFixed(1).padStart(7)}×`;
  console.log(
    `\nVerifying registry signatures of ${lock.length} locked packages (${VERSIONS_PER_PACKAGE} versions per packument), median of ${RUNS} runs after one warm-up round`,
  );
  console.log(`Node ${process.version}, ${os.cpus().length} CPUs; local registry on 127.0.0.1\n`);
  console.log(`${''.padEnd(58)} ${'time'.padStart(10)}  ${'speed-up'.padStart(8)}`);
  console.log(line('npm (pacote.manifest verifySignatures, concurrency 20)', b));
  console.log(line('provenance-lens, cold (empty cache)', median(rows.cold)));
  console.log(line('provenance-lens, warm (disk cache, new process state)', median(rows.warmDisk)));
  console.log(line('provenance-lens, warm (memory cache)', median(rows.warmMemory)));
  console.log(
    `\nTargets: cold ≥ 5× → ${(b / median(rows.cold)).toFixed(1)}×; warm ≥ 50× → ${(b / median(rows.warmDisk)).toFixed(1)}× (disk), ${(b / median(rows.warmMemory)).toFixed(1)}× (memory)`,
  );
  reportParsing();
  for (const line of editorLines) console.log(line);
  const mem = process.memoryUsage();
  console.log(`Memory of this process at the end: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
  console.log(`All runs: ${JSON.stringify(Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.map((x) => Math.round(x))])))}`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
