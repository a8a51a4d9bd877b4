// Image verdicts end to end through the checker: a Dockerfile whose images live in a real
// registry on 127.0.0.1, signed in the test the way cosign signs with a key.

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Checker } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { cleanEnv } from '../support/env';
import { COSIGN_SIGN_PREDICATE } from '../../server/src/core/ecosystems/oci/imageBundle';
import { keySignedAttestationLayer, keySignedImageBundle } from '../support/bundles';
import { OciRegistry, RegistryProxy, skipWithoutRegistry } from '../support/ociRegistry';
import { REPO_ROOT } from '../support/paths';

const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
const CYCLONEDX = 'https://cyclonedx.org/bom';

describe('image verification against a real registry', function () {
  this.timeout(30000);
  const registry = new OciRegistry();
  const signer = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const stranger = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const KEY = { name: 'cosign.pub', pem: signer.publicKey.export({ format: 'pem', type: 'spki' }).toString(), ignoreTlog: true };
  let home: string;
  const checkers: Checker[] = [];

  /** Checks `text` as a file named `name` in a fresh directory (`dir`: an existing one, e.g. with a policy). */
  async function check(name: string, text: string, options: { keys?: (typeof KEY)[]; offline?: boolean; dir?: string } = {}) {
    const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pl-img-'));
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const trust = embeddedTrust();
    const checker = new Checker({
      trust: () => trust,
      offline: options.offline ?? false,
      requireProvenance: false,
      allowProcessExecution: false,
      env: cleanEnv({ HOME: home }),
      homeDir: home,
      imageKeys: options.keys ?? [KEY],
      timeoutMs: 3000,
    });
    checkers.push(checker);
    return checker.verify(file, parseFile(file, text)!);
  }

  async function verdicts(dockerfile: string, options: { keys?: (typeof KEY)[]; offline?: boolean } = {}) {
    return (await check('Dockerfile', dockerfile, options)).map((r) => [r.dependency.image!.repository, r.result.verdict, r.result.code]);
  }

  before(async function () {
    skipWithoutRegistry(this);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    await registry.start();
    const signed = await registry.pushImage('acme/signed', '1.0');
    await registry.signWithKey('acme/signed', signed.digest, signer.privateKey);
    await registry.pushImage('acme/unsigned', '1.0');
    const wrongDigest = await registry.pushImage('acme/misdirected', '1.0');
    // A valid signature, but over another image's digest.
    await registry.signWithKey('acme/misdirected', wrongDigest.digest, signer.privateKey, signed.digest);
    const strangers = await registry.pushImage('acme/stranger', '1.0');
    await registry.signWithKey('acme/stranger', strangers.digest, stranger.privateKey);
    const index = await registry.pushIndex('acme/multi', '2.0');
    await registry.signWithKey('acme/multi', index.digest, signer.privateKey);
    // cosign v3 style: a signature and a SLSA provenance attestation as Sigstore bundles, found as referrers.
    const bundled = await registry.pushImage('acme/bundled', '1.0');
    await registry.attachBundle('acme/bundled', bundled.digest, keySignedImageBundle(bundled.digest, COSIGN_SIGN_PREDICATE, signer.privateKey));
    await registry.attachBundle(
      'acme/bundled',
      bundled.digest,
      keySignedImageBundle(bundled.digest, 'https://slsa.dev/provenance/v1', signer.privateKey, { buildDefinition: {} }),
    );
    // An attestation whose subject is another image: evidence that is wrong.
    const misattested = await registry.pushImage('acme/misattested', '1.0');
    await registry.signWithKey('acme/misattested', misattested.digest, signer.privateKey);
    await registry.attachBundle(
      'acme/misattested',
      misattested.digest,
      keySignedImageBundle(bundled.digest, 'https://slsa.dev/provenance/v1', signer.privateKey),
    );
    // cosign before v3: the signature on the `.sig` tag, attestations as layers of the `.att` tag.
    const classic = await registry.pushImage('acme/classic', '1.0');
    await registry.signWithKey('acme/classic', classic.digest, signer.privateKey);
    await registry.attachAttestations('acme/classic', classic.digest, [
      keySignedAttestationLayer(classic.digest, SLSA_V02, signer.privateKey, { builder: { id: 'https://ci.example/builder' } }),
      keySignedAttestationLayer(classic.digest, CYCLONEDX, signer.privateKey, { bomFormat: 'CycloneDX' }),
    ]);
    const classicWrong = await registry.pushImage('acme/classic-misattested', '1.0');
    await registry.signWithKey('acme/classic-misattested', classicWrong.digest, signer.privateKey);
    await registry.attachAttestations('acme/classic-misattested', classicWrong.digest, [
      keySignedAttestationLayer(classic.digest, SLSA_V02, signer.privateKey),
    ]);
    const classicStranger = await registry.pushImage('acme/classic-stranger', '1.0');
    await registry.signWithKey('acme/classic-stranger', classicStranger.digest, signer.privateKey);
    await registry.attachAttestations('acme/classic-stranger', classicStranger.digest, [
      keySignedAttestationLayer(classicStranger.digest, SLSA_V02, stranger.privateKey),
    ]);
  });
  after(async () => {
    await Promise.all(checkers.map((c) => c.dispose()));
    await registry.stop();
  });

  it('gives each image its verdict', async () => {
    const h = registry.host;
    const results = await verdicts(
      [
        `FROM ${h}/acme/signed:1.0 AS base`,
        `FROM ${h}/acme/unsigned:1.0`,
        `FROM ${h}/acme/misdirected:1.0`,
        `FROM ${h}/acme/stranger:1.0`,
        `COPY --from=${h}/acme/nothere:1.0 /a /a`,
      ].join('\n'),
    );
    assert.deepEqual(results, [
      ['acme/signed', 'verified', 'verified'],
      ['acme/unsigned', 'unsigned', 'signature-missing'],
      ['acme/misdirected', 'invalid', 'signature-invalid'],
      ['acme/stranger', 'policy-violation', 'signer-not-allowed'],
      ['acme/nothere', 'unverifiable', 'version-not-found'],
    ]);
  });

  it('finds Sigstore bundles through the referrers fallback tag: signature and provenance', async () => {
    const h = registry.host;
    const text = `services:\n  a:\n    image: ${h}/acme/bundled:1.0\n  b:\n    image: ${h}/acme/misattested:1.0\n`;
    const [bundled, misattested] = (await check('compose.yaml', text)).map((r) => r.result);
    assert.deepEqual([bundled.signature, bundled.provenance, bundled.verdict], ['verified', 'verified', 'verified'], bundled.reason);
    assert.deepEqual(bundled.provenanceDetails?.predicateTypes, ['https://slsa.dev/provenance/v1']);
    assert.deepEqual(
      [misattested.signature, misattested.provenance, misattested.verdict, misattested.code],
      ['verified', 'invalid', 'invalid', 'provenance-invalid'],
    );
  });

  it("reads cosign's classic .att attestations: provenance verified, every predicate listed, a wrong subject invalid", async () => {
    const h = registry.host;
    const text = [`FROM ${h}/acme/classic:1.0`, `FROM ${h}/acme/classic-misattested:1.0`, `FROM ${h}/acme/classic-stranger:1.0`].join('\n');
    const [classic, misattested, stranger] = (await check('Dockerfile', text)).map((r) => r.result);
    assert.deepEqual([classic.signature, classic.provenance, classic.verdict], ['verified', 'verified', 'verified'], classic.reason);
    assert.deepEqual(classic.provenanceDetails?.predicateTypes, [SLSA_V02, CYCLONEDX]);
    assert.deepEqual(
      [misattested.signature, misattested.provenance, misattested.verdict, misattested.code],
      ['verified', 'invalid', 'invalid', 'provenance-invalid'],
    );
    // Provenance signed by a key nobody accepted proves nothing either way.
    assert.deepEqual([stranger.signature, stranger.provenance, stranger.verdict], ['verified', 'unverifiable', 'unverifiable']);
  });

  it('verifies a multi-platform index and says which platforms its signature covers', async () => {
    const [r] = await check('Dockerfile', `FROM ${registry.host}/acme/multi:2.0\n`);
    assert.equal(r.result.verdict, 'verified');
    assert.deepEqual(r.result.platforms, ['linux/amd64', 'linux/arm64/v8']);
  });

  it('accepts keys a policy rule names for an image pattern, and only those', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-img-policy-'));
    fs.writeFileSync(path.join(dir, 'stranger.pub'), stranger.publicKey.export({ format: 'pem', type: 'spki' }));
    fs.writeFileSync(
      path.join(dir, 'provenance-policy.json'),
      JSON.stringify({
        packages: [
          { match: `${registry.host}/acme/stranger`, keys: [{ path: 'stranger.pub', ignoreTlog: true }] },
          { match: `${registry.host}/acme/signed`, keys: [{ path: 'stranger.pub' }] },
        ],
      }),
    );
    const text = `FROM ${registry.host}/acme/stranger:1.0\nFROM ${registry.host}/acme/signed:1.0\n`;
    const results = (await check('Dockerfile', text, { dir })).map((r) => [r.result.verdict, r.result.signers?.map((s) => s.key).join()]);
    // acme/stranger: its key is accepted by the rule. acme/signed: signed by cosign.pub, but its rule accepts only stranger.pub.
    assert.deepEqual(results, [
      ['verified', 'stranger.pub'],
      ['policy-violation', 'cosign.pub'],
    ]);
  });

  it('keeps failing evidence failing when the referrers cannot be listed, and leaves the rest undecided', async () => {
    const proxy = new RegistryProxy(registry.host, 'fail-listings');
    await proxy.start();
    try {
      const text = [
        `FROM ${proxy.host}/acme/misdirected:1.0`,
        `FROM ${proxy.host}/acme/signed:1.0`,
        `FROM ${proxy.host}/acme/unsigned:1.0`,
        `FROM ${proxy.host}/acme/classic:1.0`,
      ].join('\n');
      const results = (await check('Dockerfile', text)).map((r) => [r.result.signature, r.result.provenance, r.result.verdict]);
      assert.deepEqual(results, [
        ['invalid', 'unverifiable', 'invalid'], // the .sig signature over another digest stays invalid
        ['verified', 'unverifiable', 'unverifiable'], // signed, but attestations could not be looked at
        ['unverifiable', 'unverifiable', 'unverifiable'], // not "unsigned": newer signatures live in the referrers
        ['verified', 'unverifiable', 'unverifiable'], // its .att provenance could not be looked at
      ]);
    } finally {
      await proxy.stop();
    }
  });

  it('verifies by digest too, and says when no key is configured', async () => {
    const manifest = await fetch(`http://${registry.host}/v2/acme/signed/manifests/1.0`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const digest = `sha256:${crypto
      .createHash('sha256')
      .update(Buffer.from(await manifest.arrayBuffer()))
      .digest('hex')}`;
    assert.deepEqual(await verdicts(`FROM ${registry.host}/acme/signed@${digest}`), [['acme/signed', 'verified', 'verified']]);
    assert.deepEqual(await verdicts(`FROM ${registry.host}/acme/signed:1.0`, { keys: [] }), [['acme/signed', 'unverifiable', 'trust-material-missing']]);
  });

  it("reports images in the CLI's JSON contract, with --key and --insecure-ignore-tlog", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-img-cli-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${registry.host}/acme/signed:1.0\n`);
    fs.writeFileSync(path.join(dir, 'cosign.pub'), KEY.pem);
    const run = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), 'check', '--format', 'json', '--no-cache', '--no-tuf-refresh', ...args], {
          cwd: dir,
          env: cleanEnv({ HOME: home }),
        });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.on('close', (status) => resolve({ status, stdout }));
      });
    const accepted = await run(['--key', 'cosign.pub', '--insecure-ignore-tlog']);
    assert.equal(accepted.status, 0, accepted.stdout);
    const [entry] = JSON.parse(accepted.stdout).results;
    assert.deepEqual(
      {
        file: entry.file,
        line: entry.line,
        ecosystem: entry.ecosystem,
        name: entry.name,
        version: entry.version,
        signature: entry.signature,
        verdict: entry.verdict,
      },
      { file: 'Dockerfile', line: 1, ecosystem: 'oci', name: `${registry.host}/acme/signed`, version: '1.0', signature: 'verified', verdict: 'verified' },
    );
    assert.match(entry.purl, /^pkg:oci\/signed@sha256%3A[0-9a-f]{64}\?repository_url=/);
    // Without --insecure-ignore-tlog the same key-signed image is not accepted (cosign's rule).
    const strict = await run(['--key', 'cosign.pub']);
    assert.equal(JSON.parse(strict.stdout).results[0].verdict, 'unverifiable');
  });

  it('ends unverifiable when the registry is down or we are offline', async () => {
    assert.deepEqual(await verdicts('FROM 127.0.0.1:1/acme/app:1.0'), [['acme/app', 'unverifiable', 'network-error']]);
    assert.deepEqual(await verdicts(`FROM ${registry.host}/acme/signed:1.0`, { offline: true }), [['acme/signed', 'unverifiable', 'offline-not-cached']]);
  });
});
