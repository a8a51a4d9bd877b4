// Cosign image signatures on real recorded data (test/fixtures/cosign): the 2021 keyless
// signature with its Rekor SET verifies offline against the bundled trusted root; the key-based
// one verifies with its key; every tampered copy fails.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { type SignatureLayer, verifyCosignSignature } from '../../server/src/core/ecosystems/oci/cosignSignature';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { verdictOf } from '../../server/src/core/reasons';
import { FIXTURES, flipBase64 } from '../support/fixtureRegistry';

const read = (name: string) => fs.readFileSync(path.join(FIXTURES, 'cosign', name));
const classic = JSON.parse(read('cosign-classic-signature-with-cert.json').toString()) as { image: string; annotations: Record<string, string> };
const keyed = JSON.parse(read('cosign-keyed-signature.json').toString()) as { signature: string; publicKeyPem: string };
const CLASSIC_DIGEST = classic.image.split('@')[1];
const KEYED_PAYLOAD = read('simplesigning-payload-keyed.json');
const KEYED_DIGEST = JSON.parse(KEYED_PAYLOAD.toString()).critical.image['docker-manifest-digest'];

const classicLayer = (): SignatureLayer => ({ payload: read('simplesigning-payload.json'), annotations: { ...classic.annotations } });
const keyedLayer = (): SignatureLayer => ({ payload: KEYED_PAYLOAD, annotations: { 'dev.cosignproject.cosign/signature': keyed.signature } });
const trust = embeddedTrust();
const KEY = { name: 'cosign.pub', pem: keyed.publicKeyPem };

describe('cosign image signatures (recorded data)', () => {
  it('verifies the 2021 keyless signature: certificate chain, SET, log entry body, signature', () => {
    const r = verifyCosignSignature(classicLayer(), CLASSIC_DIGEST, trust, []);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.identity?.subjectAlternativeName, 'flavio@castelli.me', 'the signer identity is read from the certificate');
    assert.equal(r.identity?.issuer, undefined, 'certificates of 2021 did not yet name the OIDC issuer');
    assert.match(r.logIndex ?? '', /^\d+$/);
  });

  const tamperings: Array<[string, (l: SignatureLayer) => void]> = [
    [
      'signature bit flipped',
      (l) => (l.annotations['dev.cosignproject.cosign/signature'] = flipBase64(l.annotations['dev.cosignproject.cosign/signature'], 20)),
    ],
    ['payload changed', (l) => (l.payload = Buffer.from(l.payload.toString().replace('"optional":null', '"optional":{}')))],
    [
      'SET bit flipped',
      (l) => {
        const b = JSON.parse(l.annotations['dev.sigstore.cosign/bundle']);
        b.SignedEntryTimestamp = flipBase64(b.SignedEntryTimestamp, 20);
        l.annotations['dev.sigstore.cosign/bundle'] = JSON.stringify(b);
      },
    ],
    [
      'log entry time altered',
      (l) => {
        const b = JSON.parse(l.annotations['dev.sigstore.cosign/bundle']);
        b.Payload.integratedTime += 1;
        l.annotations['dev.sigstore.cosign/bundle'] = JSON.stringify(b);
      },
    ],
    ['log entry missing', (l) => delete l.annotations['dev.sigstore.cosign/bundle']],
    [
      'certificate swapped for another',
      (l) =>
        (l.annotations['dev.sigstore.cosign/certificate'] =
          `-----BEGIN CERTIFICATE-----\n${JSON.parse(fs.readFileSync(path.join(FIXTURES, 'npm/attestations/sigstore@1.0.0.attestations.json'), 'utf8')).attestations[0].bundle.verificationMaterial.x509CertificateChain.certificates[0].rawBytes}\n-----END CERTIFICATE-----`),
    ],
  ];
  for (const [label, tamper] of tamperings) {
    it(`rejects the keyless signature with ${label}`, () => {
      const layer = classicLayer();
      tamper(layer);
      const r = verifyCosignSignature(layer, CLASSIC_DIGEST, trust, []);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && verdictOf(r.code), 'invalid', JSON.stringify(r));
    });
  }

  it('rejects a valid signature for another image digest', () => {
    const r = verifyCosignSignature(classicLayer(), 'sha256:' + '0'.repeat(64), trust, []);
    assert.deepEqual([r.ok, !r.ok && verdictOf(r.code)], [false, 'invalid']);
  });

  it('verifies the key-based signature with its key, when a missing log entry is accepted for that key', () => {
    assert.equal(verifyCosignSignature(keyedLayer(), KEYED_DIGEST, trust, [{ ...KEY, ignoreTlog: true }]).ok, true);
  });

  it('does not accept a key-based signature without a log entry by default (like cosign)', () => {
    const r = verifyCosignSignature(keyedLayer(), KEYED_DIGEST, trust, [KEY]);
    assert.deepEqual([r.ok, !r.ok && verdictOf(r.code)], [false, 'unverifiable']);
  });

  it('calls a signature by a key outside the accepted set a policy violation, and a tampered one not verified', () => {
    const other = keyedLayer();
    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const otherKey = { name: 'other.pub', pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), ignoreTlog: true };
    const r = verifyCosignSignature(other, KEYED_DIGEST, trust, [otherKey]);
    assert.deepEqual([r.ok, !r.ok && verdictOf(r.code)], [false, 'policy-violation']);
    const tampered = keyedLayer();
    tampered.annotations['dev.cosignproject.cosign/signature'] = flipBase64(keyed.signature, 15);
    assert.equal(verifyCosignSignature(tampered, KEYED_DIGEST, trust, [{ ...KEY, ignoreTlog: true }]).ok, false);
  });

  it('has nothing to decide with when no key is configured', () => {
    const r = verifyCosignSignature(keyedLayer(), KEYED_DIGEST, trust, []);
    assert.deepEqual([r.ok, !r.ok && verdictOf(r.code)], [false, 'unverifiable']);
  });
});
