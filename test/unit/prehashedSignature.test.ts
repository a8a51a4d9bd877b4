// A signature checked over a digest (verify sha256:<hex>) must decide exactly as the check over the
// file's bytes does: the same keys accept, any other digest or signature refuses, and a scheme that
// signs the message itself (Ed25519) is not decided at all.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { verifyArtifact } from '../../server/src/core/artifacts/artifactVerifier';
import { type DigestAlgorithm, verifyPrehashed } from '../../server/src/core/sigstore/prehashedSignature';

const DATA = Buffer.from('hello, world!\n');

const KEYS: Array<[string, crypto.KeyPairKeyObjectResult, DigestAlgorithm]> = [
  ['ECDSA P-256 / SHA-256', crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), 'sha256'],
  ['ECDSA P-384 / SHA-384', crypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' }), 'sha384'],
  ['ECDSA P-521 / SHA-512', crypto.generateKeyPairSync('ec', { namedCurve: 'secp521r1' }), 'sha512'],
  ['ECDSA P-384 / SHA-256', crypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' }), 'sha256'],
  ['RSA 2048 PKCS#1 v1.5 / SHA-256', crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }), 'sha256'],
  ['RSA 3072 PKCS#1 v1.5 / SHA-512', crypto.generateKeyPairSync('rsa', { modulusLength: 3072 }), 'sha512'],
];

describe('signatures checked over a digest (prehashed)', () => {
  for (const [name, { publicKey, privateKey }, algorithm] of KEYS) {
    it(`${name}: accepts what OpenSSL accepts over the file, refuses another digest or signature`, () => {
      const signature = crypto.sign(algorithm, DATA, privateKey);
      assert.ok(crypto.verify(algorithm, DATA, publicKey, signature), 'control: OpenSSL accepts it over the bytes');
      const digest = crypto.createHash(algorithm).update(DATA).digest();
      assert.equal(verifyPrehashed(publicKey, algorithm, digest, signature), true);
      const other = Buffer.from(digest);
      other[0] ^= 1;
      assert.equal(verifyPrehashed(publicKey, algorithm, other, signature), false);
      const tampered = Buffer.from(signature);
      tampered[tampered.length - 1] ^= 1;
      assert.equal(verifyPrehashed(publicKey, algorithm, digest, tampered), false);
      assert.equal(verifyPrehashed(publicKey, algorithm, digest, Buffer.from('not a signature')), false);
    });
  }

  it('refuses a signature by another key of the same kind', () => {
    const [, signer] = KEYS[0];
    const stranger = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const signature = crypto.sign('sha256', DATA, signer.privateKey);
    assert.equal(verifyPrehashed(stranger.publicKey, 'sha256', crypto.createHash('sha256').update(DATA).digest(), signature), false);
  });

  it('does not decide for Ed25519, which signs the message itself', () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const signature = crypto.sign(null, DATA, privateKey);
    assert.equal(verifyPrehashed(publicKey, 'sha256', crypto.createHash('sha256').update(DATA).digest(), signature), undefined);
  });
});

describe('verify by digest, through the artifact verifier (key-signed bundles made here)', () => {
  // A v0.3 message-signature bundle signed with a key and no log entry, accepted per key as cosign's --insecure-ignore-tlog does.
  function keySignedBundle(privateKey: crypto.KeyObject, algorithm: string | null): string {
    return JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { publicKey: { hint: 'test-key' }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: crypto.createHash('sha256').update(DATA).digest('base64') },
        signature: crypto.sign(algorithm, DATA, privateKey).toString('base64'),
      },
    });
  }
  const digestOf = (data: Buffer) => ({ algorithm: 'sha256' as const, hex: crypto.createHash('sha256').update(data).digest('hex') });
  const expect = (publicKey: crypto.KeyObject) => ({
    signers: [],
    keys: [{ name: 'test.pub', pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), ignoreTlog: true }],
  });

  it('ECDSA: the digest verifies as the file does; another digest is another file', () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const bundle = keySignedBundle(privateKey, 'sha256');
    assert.equal(verifyArtifact(DATA, bundle, embeddedTrust(), expect(publicKey)).verdict, 'verified', 'control: by file');
    assert.equal(verifyArtifact(digestOf(DATA), bundle, embeddedTrust(), expect(publicKey)).verdict, 'verified');
    const other = verifyArtifact(digestOf(Buffer.from('other')), bundle, embeddedTrust(), expect(publicKey));
    assert.deepEqual([other.verdict, other.code], ['invalid', 'artifact-mismatch']);
  });

  it('Ed25519: a digest cannot decide (unverifiable, saying to give the file), never invalid', () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const bundle = keySignedBundle(privateKey, null);
    const r = verifyArtifact(digestOf(DATA), bundle, embeddedTrust(), expect(publicKey));
    assert.deepEqual([r.verdict, r.code], ['unverifiable', 'bundle-unsupported']);
    assert.match(r.reason, /Ed25519 signature is made over the file itself.*give the file/);
  });
});
