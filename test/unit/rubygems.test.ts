// RubyGems end to end: real Bundler lockfiles (GIT sections, platforms, CHECKSUMS), and a real gem
// with the real Sigstore bundle rubygems.org keeps for it, served by a gem server on 127.0.0.1 at
// the lock's `remote:`. Tampered gems, bundles and checksums must never come out verified.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Checker } from '../../server/src/core/checker';
import { fileKind, parseFile } from '../../server/src/core/fileKinds';
import type { PackageResult } from '../../server/src/core/result';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { cleanEnv } from '../support/env';
import { FIXTURES } from '../support/fixtureRegistry';
import { TestGemServer } from '../support/gemServer';

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, 'rubygems', name));
const GEM = fixture('sigstore-1.0.0.gem');
const BUNDLE = JSON.parse(fixture('sigstore-1.0.0.gem.sigstore.json').toString());
const SHA = crypto.createHash('sha256').update(GEM).digest('hex');

describe('RubyGems', function () {
  this.timeout(20000);
  const server = new TestGemServer();
  const checkers: Checker[] = [];
  let home: string;

  const lock = (remote: string, checksum: string | null = SHA) =>
    `GIT\n  remote: https://git.example/x.git\n  revision: abc\n  specs:\n    xgem (0.1.0)\n\nGEM\n  remote: ${remote}\n  specs:\n    sigstore (1.0.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  sigstore\n  xgem!\n\nCHECKSUMS\n  sigstore (1.0.0)${checksum ? ` sha256=${checksum}` : ''}\n  xgem (0.1.0)\n\nBUNDLED WITH\n   2.6.2\n`;
  const check = async (text: string, options: { env?: Record<string, string>; bundleConfig?: string } = {}): Promise<PackageResult[]> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-gem-'));
    const file = path.join(dir, 'Gemfile.lock');
    fs.writeFileSync(file, text);
    if (options.bundleConfig) {
      fs.mkdirSync(path.join(dir, '.bundle'));
      fs.writeFileSync(path.join(dir, '.bundle', 'config'), options.bundleConfig);
    }
    const trust = embeddedTrust();
    const checker = new Checker({
      trust: () => trust,
      offline: false,
      requireProvenance: false,
      allowProcessExecution: false,
      env: cleanEnv({ HOME: home, ...options.env }),
      homeDir: home,
      timeoutMs: 3000,
    });
    checkers.push(checker);
    // The gem from the server first, then the others (Bundler writes GIT sections first).
    const results = (await checker.verify(file, parseFile(file, text)!)).map((c) => c.result);
    return [...results.filter((r) => r.name === 'sigstore'), ...results.filter((r) => r.name !== 'sigstore')];
  };
  const serve = (gem: Buffer | null = GEM, attestations: unknown[] = [BUNDLE], checksum = SHA) => {
    server.gems.length = 0;
    server.gems.push({ fullName: 'sigstore-1.0.0', gem, checksum, attestations });
  };

  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    await server.start();
  });
  beforeEach(() => {
    server.failing = false;
    serve();
  });
  after(async () => {
    await Promise.all(checkers.map((c) => c.dispose()));
    await server.stop();
  });

  it('reads real Bundler lockfiles: GEM sections with their remote, GIT gems, platforms, CHECKSUMS', () => {
    assert.deepEqual(
      ['/p/Gemfile.lock', '/p/gems.locked', '/p/tool/dev_gems.rb.lock', '/p/Gemfile'].map((f) => fileKind(f) ?? null),
      ['gemfile-lock', 'gemfile-lock', 'gemfile-lock', null],
    );
    const text = fixture('vendor_gems.rb.lock').toString();
    const vendor = parseFile('/p/Gemfile.lock', text)!;
    assert.deepEqual(vendor.problems, []);
    const thor = vendor.dependencies.find((d) => d.name === 'thor')!;
    assert.deepEqual(
      [thor.ecosystem, thor.version, thor.index, thor.hashes],
      ['gem', '1.4.0', 'https://rubygems.example/', ['sha256:8763e822ccb0f1d7bee88cde131b19a65606657b847cc7b7b4b82e772bcd8a3d']],
    );
    const line = text.split('\n')[thor.specRange.start.line];
    assert.equal(line.slice(thor.specRange.start.character, thor.specRange.end.character), '1.4.0');
    assert.equal(vendor.dependencies.find((d) => d.name === 'pub_grub')!.url, 'https://github.com/jhawthorn/pub_grub.git', 'a GIT gem');
    const dev = parseFile('/p/Gemfile.lock', fixture('dev_gems.rb.lock').toString())!;
    const nokogiris = dev.dependencies.filter((d) => d.name === 'nokogiri');
    assert.deepEqual(
      nokogiris.map((d) => d.platform ?? 'ruby'),
      ['ruby', 'aarch64-linux-gnu', 'arm-linux-gnu', 'arm64-darwin', 'java', 'x64-mingw-ucrt', 'x86_64-darwin', 'x86_64-linux-gnu'],
    );
    assert.ok(nokogiris.every((d) => d.version === '1.18.6'));
  });

  it('verifies the real Sigstore bundle of a real gem against its bytes, and says who signed it', async () => {
    const [gem, git] = await check(lock(server.url));
    assert.deepEqual([gem.name, gem.verdict, gem.code, gem.purl], ['sigstore', 'verified', 'verified', 'pkg:gem/sigstore@1.0.0'], gem.reason);
    assert.match(gem.provenanceDetails?.subjectAlternativeName ?? '', /extremely-dangerous-oidc-beacon/);
    assert.deepEqual([git.name, git.verdict, git.code], ['xgem', 'unverifiable', 'spec-unsupported']);
  });

  for (const [label, setup, lockChecksum, code] of [
    [
      'a gem whose bytes are not what was signed',
      () =>
        serve(
          Buffer.concat([GEM, Buffer.from('x')]),
          [BUNDLE],
          crypto
            .createHash('sha256')
            .update(Buffer.concat([GEM, Buffer.from('x')]))
            .digest('hex'),
        ),
      null,
      'provenance-invalid',
    ],
    ['a gem other than the lock pins', () => serve(), '0'.repeat(64), 'integrity-mismatch'],
    ['a served gem that is not what the index lists', () => serve(Buffer.concat([GEM, Buffer.from('x')])), null, 'integrity-mismatch'],
    [
      'a flipped signature',
      () => serve(GEM, [{ ...BUNDLE, messageSignature: { ...BUNDLE.messageSignature, signature: flip(BUNDLE.messageSignature.signature) } }]),
      null,
      'provenance-invalid',
    ],
    ['a bundle that is not a bundle', () => serve(GEM, [{ hello: 'world' }]), null, 'provenance-invalid'],
  ] as const) {
    it(`finds ${label} invalid`, async () => {
      setup();
      const [r] = await check(lock(server.url, lockChecksum));
      assert.deepEqual([r.verdict, r.code], ['invalid', code], r.reason);
    });
  }

  it('cannot decide a gem the server lists attestations for but does not serve: registry-error (until issue 17, invalid with version-not-found)', async () => {
    serve(null);
    const [r] = await check(lock(server.url));
    assert.deepEqual([r.verdict, r.code], ['unverifiable', 'registry-error'], r.reason);
    assert.match(r.reason, /lists attestations for sigstore-1\.0\.0 but does not serve the gem/);
  });

  it('says unsigned without attestations and undecided when the server fails', async () => {
    serve(GEM, []);
    const [bare] = await check(lock(server.url));
    assert.deepEqual([bare.verdict, bare.code], ['unsigned', 'signature-missing']);
    server.failing = true;
    const [down] = await check(lock(server.url));
    assert.equal(down.verdict, 'unverifiable');
  });

  it("follows Bundler's mirror for the remote and sends Bundler's credentials to that host only", async () => {
    const config = `---\nBUNDLE_MIRROR__HTTPS://RUBYGEMS__EXAMPLE/: "${server.url}"\nBUNDLE_127__0__0__1: "ci:t0ken"\n`;
    server.requests.length = 0;
    const [viaMirror] = await check(lock('https://rubygems.example/'), { bundleConfig: config });
    assert.equal(viaMirror.verdict, 'verified', viaMirror.reason);
    const expected = `Basic ${Buffer.from('ci:t0ken').toString('base64')}`;
    assert.ok(server.requests.length > 0 && server.requests.every((r) => r.authorization === expected));
    assert.ok(!JSON.stringify(viaMirror).includes('t0ken'));
  });
});

function flip(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[bytes.length - 4] ^= 0x01;
  return bytes.toString('base64');
}
