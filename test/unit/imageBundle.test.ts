// Sigstore bundles on images: the recorded cosign v0.3 attestation bundle verifies offline;
// the subject must be the image; key-signed bundles need an accepted key.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { COSIGN_SIGN_PREDICATE, verifyImageBundle } from '../../server/src/core/ecosystems/oci/imageBundle';
import { keySignedImageBundle } from '../support/bundles';
import { verdictOf } from '../../server/src/core/reasons';
import { FIXTURES, flipBase64 } from '../support/fixtureRegistry';

const recorded = () => JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cosign/oci-attestation.sigstore.json'), 'utf8'));
const RECORDED_DIGEST = 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4';
const trust = embeddedTrust();

describe('Sigstore bundles on images', () => {
  it('verifies the recorded cosign attestation bundle for its image', () => {
    const r = verifyImageBundle(recorded(), RECORDED_DIGEST, trust, []);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.identity?.subjectAlternativeName, 'cody@soyland.com');
    assert.equal(r.predicateType, 'https://cosign.sigstore.dev/attestation/v1');
  });

  it('rejects it for another image, and when its envelope or log entry was altered', () => {
    assert.equal(verifyImageBundle(recorded(), 'sha256:' + '1'.repeat(64), trust, []).ok, false);
    const sig = recorded();
    sig.dsseEnvelope.signatures[0].sig = flipBase64(sig.dsseEnvelope.signatures[0].sig, 9);
    const r1 = verifyImageBundle(sig, RECORDED_DIGEST, trust, []);
    assert.deepEqual([r1.ok, !r1.ok && verdictOf(r1.code)], [false, 'invalid']);
    const log = recorded();
    log.verificationMaterial.tlogEntries[0].integratedTime = String(Number(log.verificationMaterial.tlogEntries[0].integratedTime) + 1);
    const r2 = verifyImageBundle(log, RECORDED_DIGEST, trust, []);
    assert.deepEqual([r2.ok, !r2.ok && verdictOf(r2.code)], [false, 'invalid']);
  });

  it('accepts a key-signed bundle only with an accepted key that may skip the log', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const digest = 'sha256:' + 'ab'.repeat(32);
    const bundle = keySignedImageBundle(digest, COSIGN_SIGN_PREDICATE, privateKey);
    const key = { name: 'cosign.pub', pem: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
    assert.equal(verifyImageBundle(bundle, digest, trust, [{ ...key, ignoreTlog: true }]).ok, true);
    assert.equal(verifyImageBundle(bundle, digest, trust, [key]).ok, false, 'no log entry, and the key may not skip it');
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const r = verifyImageBundle(bundle, digest, trust, [{ name: 'other.pub', pem: other, ignoreTlog: true }]);
    assert.deepEqual([r.ok, !r.ok && verdictOf(r.code)], [false, 'policy-violation']);
  });
});
