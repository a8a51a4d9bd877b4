// Signing local files with Sigstore, end to end on 127.0.0.1: a loopback OIDC issuer completes the
// PKCE sign-in (the test follows the authorization URL as the browser would), the local Sigstore
// (@sigstore/mock Fulcio, Rekor and TSA over HTTP) certifies, logs and timestamps, and the bundle
// is checked by @sigstore/verify directly (outside our code) and by our verifier, which must also
// refuse tampered files, other identities and issuers, and swapped certificates.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import { IdentityError, identityHttpClient, interactiveIdentityToken, tokenClaims } from '../../server/src/core/signing/identityToken';

import { KeyError, generateSigningKey, openSigningKey } from '../../server/src/shared/keys';
import type { SigningIdentity, SigstoreEndpoints } from '../../server/src/core/signing/signArtifact';
import { signFiles } from '../../server/src/core/signing/signFiles';
import { SBOM_PREDICATES } from '../../server/src/core/signing/statements';
import { type ArtifactExpectation, verifyArtifact } from '../../server/src/core/artifacts/artifactVerifier';
import { cleanEnv } from '../support/env';
import { LocalSigstore } from '../support/localSigstore';
import { OidcIssuer } from '../support/oidcIssuer';

describe('signing local files with a local Sigstore', function () {
  this.timeout(30000);
  const sigstore = new LocalSigstore();
  const issuer = new OidcIssuer('alice@example.test');
  let dir: string;
  let endpoints: SigstoreEndpoints;

  const signIn = (openBrowser = OidcIssuer.followInBrowser, signal?: AbortSignal) =>
    interactiveIdentityToken({ issuer: issuer.url, clientId: 'sigstore', http: identityHttpClient(cleanEnv({})), openBrowser, signal, timeoutMs: 10_000 });
  const keyless = (): SigningIdentity => ({ kind: 'oidc', token: () => signIn() });
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const alice = (): ArtifactExpectation => ({ signers: [{ subject: 'alice@example.test', issuer: issuer.url }], keys: [] });
  const check = (file: string, expected = alice(), bundleFile = `${file}.sigstore.json`) =>
    verifyArtifact(fs.readFileSync(file), fs.readFileSync(bundleFile, 'utf8'), sigstore.trust, expected);

  before(async () => {
    await Promise.all([sigstore.start(), issuer.start()]);
    endpoints = { fulcioUrl: sigstore.fulcioUrl, rekorUrl: sigstore.rekorUrl, tsaUrl: sigstore.tsaUrl };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-sign-'));
  });
  after(async () => Promise.all([sigstore.stop(), issuer.stop()]));

  describe('the sign-in', () => {
    it('runs the authorization-code flow with PKCE and a loopback redirect, and returns the ID token', async () => {
      const token = await signIn();
      assert.equal(tokenClaims(token).sub, 'alice@example.test');
      const asked = issuer.authorizations.at(-1)!;
      assert.equal(asked.get('code_challenge_method'), 'S256');
      assert.match(asked.get('redirect_uri') ?? '', /^http:\/\/localhost:\d+\/auth\/callback$/);
      assert.ok(asked.get('state') && asked.get('nonce'));
      assert.deepEqual(issuer.refusals, []);
    });

    it('ignores a callback for another sign-in, and can be cancelled', async () => {
      const token = await signIn(async (url) => {
        const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
        redirect.searchParams.set('code', 'forged');
        redirect.searchParams.set('state', 'not-this-one');
        assert.equal((await fetch(redirect)).status, 400);
        await OidcIssuer.followInBrowser(url);
      });
      assert.equal(tokenClaims(token).sub, 'alice@example.test');
      const controller = new AbortController();
      const pending = signIn(async () => controller.abort(), controller.signal);
      await assert.rejects(pending, (e: Error) => e instanceof IdentityError && /cancelled/.test(e.message));
    });
  });

  describe('keyless', () => {
    let file: string;
    before(async () => {
      file = write('release.tar', 'the release');
      const [result] = await signFiles([file], keyless(), endpoints);
      assert.ok(result.ok, !result.ok ? result.error : '');
      assert.equal(result.signed.identity?.subjectAlternativeName, 'alice@example.test');
      assert.match(result.signed.logIndex ?? '', /^\d+$/);
    });

    it('writes a v0.3 bundle that @sigstore/bundle accepts and @sigstore/verify verifies on its own', () => {
      const json = JSON.parse(fs.readFileSync(`${file}.sigstore.json`, 'utf8'));
      assert.equal(json.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
      const bundle = bundleFromJSON(json);
      assert.equal(bundle.content.$case, 'messageSignature');
      assert.equal(bundle.verificationMaterial.tlogEntries.length, 1);
      assert.equal(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length, 1);
      const signer = new Verifier(sigstore.trust.material).verify(toSignedEntity(bundle, fs.readFileSync(file)), {
        subjectAlternativeName: 'alice@example.test',
        extensions: { issuer: issuer.url },
      });
      assert.ok(signer.key);
    });

    it('verifies with the exact identity and issuer, and shows the log entry', () => {
      const r = check(file);
      assert.deepEqual([r.verdict, r.code], ['verified', 'verified'], r.reason);
      assert.equal(r.identity?.issuer, issuer.url);
      assert.match(r.logEntryUrl ?? '', new RegExp(`^${sigstore.rekorUrl}/api/v1/log/entries\\?logIndex=\\d+$`));
    });

    it('refuses a changed file, a prefix of the identity, another issuer, and a swapped certificate', async () => {
      const copy = write('release-changed.tar', 'the release, changed');
      fs.copyFileSync(`${file}.sigstore.json`, `${copy}.sigstore.json`);
      // The bundle states the digest of the file it signs, which this one does not have.
      assert.deepEqual([check(copy).verdict, check(copy).code], ['invalid', 'artifact-mismatch']);
      const prefix = check(file, { signers: [{ subject: 'alice', issuer: issuer.url }], keys: [] });
      assert.deepEqual([prefix.verdict, prefix.code], ['policy-violation', 'signer-not-allowed']);
      const pattern = check(file, { signers: [{ subjectPattern: 'alice@example', issuer: issuer.url }], keys: [] });
      assert.equal(pattern.verdict, 'policy-violation', 'a pattern must match the whole identity');
      assert.equal(check(file, { signers: [{ subjectPattern: 'alice@example\\.test', issuer: issuer.url }], keys: [] }).verdict, 'verified');
      assert.equal(check(file, { signers: [{ subject: 'alice@example.test', issuer: 'https://issuer.elsewhere' }], keys: [] }).verdict, 'policy-violation');
      // Another signing's certificate (a different key) in this bundle.
      const other = write('other.txt', 'other');
      await signFiles([other], keyless(), endpoints);
      const bundle = JSON.parse(fs.readFileSync(`${file}.sigstore.json`, 'utf8'));
      bundle.verificationMaterial.certificate = JSON.parse(fs.readFileSync(`${other}.sigstore.json`, 'utf8')).verificationMaterial.certificate;
      const swapped = write('swapped.sigstore.json', JSON.stringify(bundle));
      assert.equal(check(file, alice(), swapped).verdict, 'invalid');
    });

    it('refuses to sign keyless without the transparency log, and cannot decide a keyless bundle that has no entry', async () => {
      const file = write('unlogged.txt', 'x');
      const [refused] = await signFiles([file], keyless(), { fulcioUrl: sigstore.fulcioUrl, tsaUrl: sigstore.tsaUrl });
      assert.ok(!refused.ok && /transparency log/.test(refused.error));
      const bundle = JSON.parse(fs.readFileSync(`${path.join(dir, 'release.tar')}.sigstore.json`, 'utf8'));
      bundle.verificationMaterial.tlogEntries = [];
      const stripped = write('stripped.sigstore.json', JSON.stringify(bundle));
      assert.deepEqual([check(path.join(dir, 'release.tar'), alice(), stripped).verdict], ['unverifiable']);
    });

    it('says so when no signer is expected yet, instead of calling any signer verified', () => {
      const r = check(file, { signers: [], keys: [] });
      assert.deepEqual([r.verdict, r.code], ['unverifiable', 'identity-unconfirmed']);
      assert.equal(r.identity?.subjectAlternativeName, 'alice@example.test');
    });
  });

  describe('SBOMs and statements', () => {
    it('signs an SBOM as a DSSE attestation about the SBOM file', async () => {
      const sbom = write('bom.cdx.json', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [] }));
      const [result] = await signFiles([sbom], keyless(), endpoints, { sbom: true });
      assert.ok(result.ok && result.kind === 'sbom');
      const r = check(sbom);
      assert.deepEqual([r.verdict, r.kind, r.predicateType], ['verified', 'dsse', SBOM_PREDICATES.cyclonedx], r.reason);
      const notTheSbom = write('not-the-bom.json', '{}');
      assert.equal(check(notTheSbom, alice(), `${sbom}.sigstore.json`).code, 'artifact-mismatch');
      const [refused] = await signFiles([notTheSbom], keyless(), endpoints, { sbom: true });
      assert.ok(!refused.ok && /neither a CycloneDX/.test(refused.error));
    });
  });

  describe('key-based', () => {
    const pair = generateSigningKey('correct horse');

    it('keeps the private key encrypted, and refuses a wrong passphrase without echoing the key', () => {
      assert.match(pair.privateKey, /BEGIN ENCRYPTED PRIVATE KEY/);
      assert.throws(
        () => openSigningKey(pair.privateKey, 'wrong'),
        (e: Error) => e instanceof KeyError && !e.message.includes('PRIVATE KEY'),
      );
    });

    it('round-trips offline (no log) with the key when that is accepted, and not otherwise', async () => {
      const file = write('offline.bin', crypto.randomBytes(64));
      const [result] = await signFiles(
        [file],
        { kind: 'key', privateKey: openSigningKey(pair.privateKey, 'correct horse') },
        { fulcioUrl: sigstore.fulcioUrl },
      );
      assert.ok(result.ok, !result.ok ? result.error : '');
      const key = { name: 'cosign.pub', pem: pair.publicKey };
      assert.equal(check(file, { signers: [], keys: [{ ...key, ignoreTlog: true }] }).verdict, 'verified');
      assert.equal(check(file, { signers: [], keys: [key] }).verdict, 'unverifiable', 'without a log entry only when accepted, like cosign');
      const stranger = { name: 'other.pub', pem: generateSigningKey('x').publicKey, ignoreTlog: true };
      assert.equal(check(file, { signers: [], keys: [stranger] }).verdict, 'invalid');
    });

    it('verifies a key-signed bundle logged in Rekor without needing ignoreTlog', async () => {
      const file = write('logged.bin', 'logged');
      const [result] = await signFiles(
        [file],
        { kind: 'key', privateKey: openSigningKey(pair.privateKey, 'correct horse') },
        { fulcioUrl: sigstore.fulcioUrl, rekorUrl: sigstore.rekorUrl },
      );
      assert.ok(result.ok && result.signed.logIndex);
      assert.equal(check(file, { signers: [], keys: [{ name: 'cosign.pub', pem: pair.publicKey }] }).verdict, 'verified');
    });
  });
});
