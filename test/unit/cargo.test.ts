// Rust crates: a real Cargo.lock and Cargo.toml tables read with ranges; checksums compared with
// a sparse index on 127.0.0.1 that Cargo's own source replacement points to. Cargo registries have
// no signature scheme: a match is said as unsigned (quietly), a mismatch is invalid.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Checker } from '../../server/src/core/checker';
import { fileKind, parseFile } from '../../server/src/core/fileKinds';
import { indexPath } from '../../server/src/core/ecosystems/cargo/cargoConfig';
import type { PackageResult } from '../../server/src/core/result';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { cleanEnv } from '../support/env';
import { FIXTURES } from '../support/fixtureRegistry';
import { closeServer, listenOnLoopback } from '../support/loopback';

const LOCK = fs.readFileSync(path.join(FIXTURES, 'cargo', 'rust_ruby_example.Cargo.lock'), 'utf8');
const MEMCHR = /name = "memchr"\nversion = "([^"]+)"\nsource = "[^"]+"\nchecksum = "([0-9a-f]+)"/.exec(LOCK)!;

describe('Cargo', function () {
  this.timeout(20000);
  let index: http.Server;
  let indexUrl: string;
  const entries = new Map<string, string>();
  const checkers: Checker[] = [];
  let home: string;

  before(async () => {
    index = http.createServer((req, res) => {
      const body = entries.get(req.url ?? '');
      res.writeHead(body ? 200 : 404, { 'content-type': 'text/plain' });
      res.end(body ?? 'not found');
    });
    indexUrl = `http://127.0.0.1:${await listenOnLoopback(index)}/index/`;
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
  });
  beforeEach(() =>
    entries.set(
      `/index/${indexPath('memchr')}`,
      [JSON.stringify({ name: 'memchr', vers: '0.0.1', cksum: '0'.repeat(64) }), JSON.stringify({ name: 'memchr', vers: MEMCHR[1], cksum: MEMCHR[2] })].join(
        '\n',
      ),
    ),
  );
  after(async () => {
    await Promise.all(checkers.map((c) => c.dispose()));
    await closeServer(index);
  });

  const check = async (files: Record<string, string>, name: string, config?: string): Promise<PackageResult[]> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-cargo-'));
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
    if (config) {
      fs.mkdirSync(path.join(dir, '.cargo'));
      fs.writeFileSync(path.join(dir, '.cargo', 'config.toml'), config);
    }
    const trust = embeddedTrust();
    const checker = new Checker({
      trust: () => trust,
      offline: false,
      requireProvenance: false,
      allowProcessExecution: false,
      env: cleanEnv({ HOME: home, CARGO_HOME: path.join(home, '.cargo') }),
      homeDir: home,
      timeoutMs: 3000,
    });
    checkers.push(checker);
    const file = path.join(dir, name);
    return (await checker.verify(file, parseFile(file, files[name])!)).map((c) => c.result);
  };
  const replacement = () => `[source.crates-io]\nreplace-with = "mirror"\n\n[source.mirror]\nregistry = "sparse+${indexUrl}"\n`;

  it("reads a real Cargo.lock and Cargo.toml's dependency tables", () => {
    assert.deepEqual([fileKind('/r/Cargo.lock'), fileKind('/r/Cargo.toml')], ['cargo-lock', 'cargo-toml']);
    const lock = parseFile('/r/Cargo.lock', LOCK)!;
    assert.deepEqual(lock.problems, []);
    assert.equal(lock.dependencies.length, 29, 'the workspace crate has no source: not a dependency');
    const memchr = lock.dependencies.find((d) => d.name === 'memchr')!;
    assert.deepEqual(
      [memchr.version, memchr.hashes, memchr.index],
      [MEMCHR[1], [`sha256:${MEMCHR[2]}`], 'registry+https://github.com/rust-lang/crates.io-index'],
    );
    const toml = parseFile(
      '/r/Cargo.toml',
      '[package]\nname = "x"\n\n[dependencies]\nmemchr = "2"\nserde = { version = "1.0", features = ["derive"] }\nlocal = { path = "../local" }\nshared.workspace = true\n\n[target.\'cfg(unix)\'.dev-dependencies]\nlibc = "0.2"\n',
    )!;
    assert.deepEqual(
      toml.dependencies.map((d) => [d.name, d.spec, d.group, d.url ?? null]),
      [
        ['memchr', '2', 'dependencies', null],
        ['serde', '1.0', 'dependencies', null],
        ['local', '../local', 'dependencies', '../local'],
        ['libc', '0.2', 'devDependencies', null],
      ],
    );
  });

  it("compares a locked checksum with the sparse index Cargo's source replacement names: a match is unsigned, never verified", async () => {
    const results = await check({ 'Cargo.lock': LOCK }, 'Cargo.lock', replacement());
    const memchr = results.find((r) => r.name === 'memchr')!;
    assert.deepEqual([memchr.verdict, memchr.code], ['unsigned', 'no-signature-scheme'], memchr.reason);
    const [fromToml] = await check({ 'Cargo.toml': '[dependencies]\nmemchr = "2"\n', 'Cargo.lock': LOCK }, 'Cargo.toml', replacement());
    assert.deepEqual([fromToml.version, fromToml.code], [MEMCHR[1], 'no-signature-scheme'], 'Cargo.toml at the version its lock pins');
  });

  it('says a yanked version with a finding (version-yanked), which leaves the verdict as it is', async () => {
    entries.set(`/index/${indexPath('memchr')}`, JSON.stringify({ name: 'memchr', vers: MEMCHR[1], cksum: MEMCHR[2], yanked: true }));
    const memchr = (await check({ 'Cargo.lock': LOCK }, 'Cargo.lock', replacement())).find((r) => r.name === 'memchr')!;
    // Until issue 17 the finding carried version-not-found, the code of an undecided verdict.
    assert.deepEqual([memchr.verdict, memchr.code, memchr.findings.map((f) => f.code)], ['unsigned', 'no-signature-scheme', ['version-yanked']]);
  });

  it('finds a checksum the index does not list invalid, and says why a git index is not checked', async () => {
    entries.set(`/index/${indexPath('memchr')}`, JSON.stringify({ name: 'memchr', vers: MEMCHR[1], cksum: 'f'.repeat(64) }));
    const memchr = (await check({ 'Cargo.lock': LOCK }, 'Cargo.lock', replacement())).find((r) => r.name === 'memchr')!;
    assert.deepEqual([memchr.verdict, memchr.code], ['invalid', 'integrity-mismatch']);
    const git = (await check({ 'Cargo.lock': LOCK }, 'Cargo.lock')).find((r) => r.name === 'memchr')!;
    assert.deepEqual([git.verdict, git.code], ['unverifiable', 'registry-error']);
    assert.match(git.reason, /git repository/);
    const down = (
      await check(
        { 'Cargo.lock': LOCK.replace(/registry\+https:\/\/github.com\/rust-lang\/crates.io-index/g, 'sparse+http://127.0.0.1:9/index/') },
        'Cargo.lock',
      )
    ).find((r) => r.name === 'memchr')!;
    assert.deepEqual([down.verdict, down.code], ['unverifiable', 'network-error'], 'an index that cannot be reached');
    const sparse = LOCK.replace(/registry\+https:\/\/github.com\/rust-lang\/crates.io-index/g, `sparse+${indexUrl}`);
    assert.equal(
      (await check({ 'Cargo.lock': sparse }, 'Cargo.lock')).find((r) => r.name === 'memchr')!.verdict,
      'invalid',
      'a sparse source is read directly',
    );
  });
});
