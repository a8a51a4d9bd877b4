// The shared entry point (CLI and server): files → dependencies → verdicts, with the lockfile
// pinning what a manifest's ranges resolve to, and the disk cache surviving restarts.

import { testChecker } from '../support/testChecker';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Checker, type CheckerOptions } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { SIGNED, recordedScenario } from '../support/fixtureRegistry';
import { cleanEnv } from '../support/lspClient';
import { TestRegistry } from '../support/registryServer';

const kms = SIGNED.find((s) => s.name === 'kms-demo')!;

describe('checker', () => {
  const registry = new TestRegistry();
  let project: string;
  let home: string;
  const checkers: Checker[] = [];

  const checker = (options: Partial<CheckerOptions> = {}) => {
    const trust = embeddedTrust();
    const c = testChecker(home, { trust: () => trust, ...options });
    checkers.push(c);
    return c;
  };
  const run = async (c: Checker, file: string) => {
    const parsed = parseFile(file, fs.readFileSync(file, 'utf8'))!;
    return c.verify(file, parsed);
  };

  before(async () => {
    await registry.start();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-project-'));
    fs.writeFileSync(path.join(project, '.npmrc'), `registry=${registry.set('checker', recordedScenario())}\n`);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ dependencies: { 'kms-demo': '^1.0.0', sigstore: '^1.0.0' } }, null, 2));
    fs.writeFileSync(
      path.join(project, 'package-lock.json'),
      JSON.stringify(
        {
          lockfileVersion: 3,
          packages: {
            '': { dependencies: { 'kms-demo': '^1.0.0', sigstore: '^1.0.0' } },
            'node_modules/kms-demo': { version: '1.0.0', integrity: kms.integrity },
            'node_modules/sigstore': { version: '1.0.0', integrity: SIGNED.find((s) => s.name === 'sigstore')!.integrity },
          },
        },
        null,
        2,
      ),
    );
  });
  after(async () => {
    await Promise.all(checkers.map((c) => c.dispose()));
    await registry.stop();
  });

  it('verifies a manifest at the versions its lockfile pins', async () => {
    const results = await run(checker(), path.join(project, 'package.json'));
    // Without the lockfile, ^1.0.0 would resolve to sigstore@1.3.0.
    assert.deepEqual(
      results.map((r) => [r.result.name, r.result.version, r.result.verdict]),
      [
        ['kms-demo', '1.0.0', 'verified'],
        ['sigstore', '1.0.0', 'verified'],
      ],
    );
  });

  it('verifies every package of the lockfile', async () => {
    const results = await run(checker(), path.join(project, 'package-lock.json'));
    assert.deepEqual(
      results.map((r) => r.result.verdict),
      ['verified', 'verified'],
    );
  });

  it('serves a second run from the disk cache, offline too', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-cache-'));
    const first = checker({ cacheDir });
    await run(first, path.join(project, 'package-lock.json'));
    await first.dispose(); // writes the disk cache, as the CLI does before it exits
    const before = registry.requests.length;
    const offline = await run(checker({ cacheDir, offline: true }), path.join(project, 'package-lock.json'));
    assert.deepEqual(
      offline.map((r) => r.result.verdict),
      ['verified', 'verified'],
    );
    assert.equal(registry.requests.length, before, 'no request when offline');
    // Online with a warm cache: only the registry keys are fetched (to check they did not rotate).
    await run(checker({ cacheDir }), path.join(project, 'package-lock.json'));
    assert.deepEqual([...new Set(registry.requests.slice(before).map((r) => r.path))], ['-/npm/v1/keys']);
  });

  it('discards corrupted cache entries and verifies again', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-cache-'));
    const first = checker({ cacheDir });
    await run(first, path.join(project, 'package-lock.json'));
    await first.dispose();
    const shards = fs.readdirSync(path.join(cacheDir, 'verdicts'));
    assert.ok(shards.length >= 1 && shards.length <= 2, shards.join());
    for (const e of shards) fs.writeFileSync(path.join(cacheDir, 'verdicts', e), '{"schema":2,"entries":{"trunc');
    const offline = await run(checker({ cacheDir, offline: true }), path.join(project, 'package-lock.json'));
    assert.deepEqual(
      offline.map((r) => r.result.code),
      ['offline-not-cached', 'offline-not-cached'],
    );
    const online = await run(checker({ cacheDir }), path.join(project, 'package-lock.json'));
    assert.deepEqual(
      online.map((r) => r.result.verdict),
      ['verified', 'verified'],
    );
  });

  it('asks npm itself for the registry when no npmrc names one (trusted workspaces only)', async () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bare-'));
    fs.writeFileSync(path.join(bare, 'package.json'), '{"dependencies": {"kms-demo": "1.0.0"}}');
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bin-'));
    // A stand-in for npm that answers `npm config get registry` with the test registry.
    fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\n[ "$1 $2 $3" = "config get registry" ] && echo ${registry.url('checker')}\n`, { mode: 0o755 });
    const env = cleanEnv({ HOME: home, PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    const [asked] = await run(checker({ env, allowProcessExecution: true }), path.join(bare, 'package.json'));
    assert.equal(asked.result.verdict, 'verified', asked.result.reason);
    const [refused] = await run(checker({ env, allowProcessExecution: false }), path.join(bare, 'package.json'));
    assert.equal(refused.result.verdict, 'unverifiable');
  });

  it('says clearly when no registry is configured', async () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bare-'));
    fs.writeFileSync(path.join(bare, 'package.json'), '{"dependencies": {"a": "1.0.0"}}');
    const [r] = await run(checker(), path.join(bare, 'package.json'));
    assert.equal(r.result.verdict, 'unverifiable');
    assert.match(r.result.reason, /No npm registry is configured/);
  });
});
