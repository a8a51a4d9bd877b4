// cosign classic attestations (`.att` layers) on real recorded data. The recorded bundle
// (test/fixtures/sigstore-js-bundles/bundleV01-intoto-with-proof.sigstore: a real Fulcio certificate and a real
// public-good Rekor `intoto` 0.0.2 entry) is laid out here as cosign lays out a `.att` layer: the
// envelope exactly as it was uploaded to Rekor is the layer (its sha256 is the hash the entry
// records — asserted below), the certificate and the entry's signed timestamp are annotations.
// Its statement is about an npm tarball (sha512), which stands in for the image digest.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { customTrust, embeddedTrust, trustFromJson } from '../../server/src/core/trust/trustedRoot';
import { verifyCosignAttestation } from '../../server/src/core/ecosystems/oci/cosignAttestation';
import { verdictOf } from '../../server/src/core/reasons';
import { FIXTURES, flipBase64 } from '../support/fixtureRegistry';

interface Layer {
  blob: Buffer;
  annotations: Record<string, string>;
}

const recorded = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sigstore-js-bundles/bundleV01-intoto-with-proof.sigstore'), 'utf8'));
const entry = recorded.verificationMaterial.tlogEntries[0];
const body = JSON.parse(Buffer.from(entry.canonicalizedBody, 'base64').toString('utf8'));
const certificatePem = Buffer.from(body.spec.content.envelope.signatures[0].publicKey, 'base64').toString('utf8');
const statement = JSON.parse(Buffer.from(recorded.dsseEnvelope.payload, 'base64').toString('utf8'));
const SUBJECT = `sha512:${statement.subject[0].digest.sha512}`;

/** The envelope as the signing client uploaded it: keys sorted, the signer's PEM beside the signature. */
function uploadedEnvelope(payload: string, sig: string): Buffer {
  return Buffer.from(JSON.stringify({ payload, payloadType: recorded.dsseEnvelope.payloadType, signatures: [{ publicKey: certificatePem, sig }] }));
}

function rekorBundle(): { SignedEntryTimestamp: string; Payload: { body: string; integratedTime: number; logIndex: number; logID: string } } {
  return {
    SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp,
    Payload: {
      body: entry.canonicalizedBody,
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex'),
    },
  };
}

function recordedLayer(): Layer {
  return {
    blob: uploadedEnvelope(recorded.dsseEnvelope.payload, recorded.dsseEnvelope.signatures[0].sig),
    annotations: {
      'dev.cosignproject.cosign/signature': '',
      'dev.sigstore.cosign/certificate': certificatePem,
      'dev.sigstore.cosign/bundle': JSON.stringify(rekorBundle()),
    },
  };
}

const trust = embeddedTrust();
const verify = (layer: Layer, subject = SUBJECT) => verifyCosignAttestation(layer.blob, layer.annotations, subject, trust, []);
const editBundle = (layer: Layer, edit: (b: ReturnType<typeof rekorBundle>) => void) => {
  const b = JSON.parse(layer.annotations['dev.sigstore.cosign/bundle']);
  edit(b);
  layer.annotations['dev.sigstore.cosign/bundle'] = JSON.stringify(b);
};

describe('cosign classic attestations (recorded data)', () => {
  it('lays the recorded envelope out as the bytes the log entry hashed', () => {
    assert.equal(crypto.createHash('sha256').update(recordedLayer().blob).digest('hex'), body.spec.content.hash.value);
  });

  it('verifies: certificate chain and SCT, signed entry timestamp, entry hash and key, DSSE signature, subject', () => {
    const r = verify(recordedLayer());
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.predicateType, statement.predicateType);
    assert.equal(r.identity?.subjectAlternativeName, 'brian@dehamer.com');
    assert.equal(r.identity?.issuer, 'https://github.com/login/oauth');
    assert.equal(r.logIndex, entry.logIndex);
  });

  const payload = Buffer.from(recorded.dsseEnvelope.payload, 'base64').toString('utf8');
  const changedPayload = payload.replace('"name": "sigstore"', '"name": "sigstorf"');
  assert.notEqual(changedPayload, payload);
  const tamperings: Array<[string, (l: Layer) => void]> = [
    ['the signature bit-flipped', (l) => (l.blob = uploadedEnvelope(recorded.dsseEnvelope.payload, flipBase64(recorded.dsseEnvelope.signatures[0].sig, 20)))],
    ['the statement changed', (l) => (l.blob = uploadedEnvelope(Buffer.from(changedPayload).toString('base64'), recorded.dsseEnvelope.signatures[0].sig))],
    ['the envelope re-serialised (not the bytes the log recorded)', (l) => (l.blob = Buffer.from(JSON.stringify(JSON.parse(l.blob.toString()), null, 2)))],
    ['the signed entry timestamp bit-flipped', (l) => editBundle(l, (b) => (b.SignedEntryTimestamp = flipBase64(b.SignedEntryTimestamp, 20)))],
    ['the entry time altered', (l) => editBundle(l, (b) => (b.Payload.integratedTime += 1))],
    ['no log entry', (l) => delete l.annotations['dev.sigstore.cosign/bundle']],
    [
      'another certificate',
      (l) =>
        (l.annotations['dev.sigstore.cosign/certificate'] =
          `-----BEGIN CERTIFICATE-----\n${JSON.parse(fs.readFileSync(path.join(FIXTURES, 'npm/attestations/sigstore@1.0.0.attestations.json'), 'utf8')).attestations[0].bundle.verificationMaterial.x509CertificateChain.certificates[0].rawBytes}\n-----END CERTIFICATE-----`),
    ],
    ['a payload type other than in-toto', (l) => (l.blob = Buffer.from(l.blob.toString().replace('application/vnd.in-toto+json', 'text/plain')))],
    ['a layer that is not JSON', (l) => (l.blob = Buffer.from('not json'))],
  ];
  for (const [label, tamper] of tamperings) {
    it(`rejects the attestation with ${label}`, () => {
      const layer = recordedLayer();
      tamper(layer);
      const r = verify(layer);
      assert.deepEqual([r.ok, !r.ok && verdictOf(r.code)], [false, 'invalid'], JSON.stringify(r));
    });
  }

  it('rejects a valid attestation about another digest', () => {
    const r = verify(recordedLayer(), `sha512:${'0'.repeat(128)}`);
    assert.deepEqual([r.ok, !r.ok && verdictOf(r.code)], [false, 'invalid']);
  });

  it("rejects it against the user's own trusted root of another deployment (its log is unknown there): another instance", () => {
    const layer = recordedLayer();
    const r = verifyCosignAttestation(layer.blob, layer.annotations, SUBJECT, customTrust(path.join(FIXTURES, 'sigstore/trusted_root.scaffolding.json')), []);
    assert.deepEqual([r.ok, !r.ok && verdictOf(r.code)], [false, 'invalid']);
    assert.match(!r.ok ? r.message : '', /another Sigstore instance/);
  });

  it('cannot decide against a snapshot root that could not be refreshed and does not know the log', () => {
    const layer = recordedLayer();
    const stale = trustFromJson(JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sigstore/trusted_root.scaffolding.json'), 'utf8')), 'embedded snapshot');
    const r = verifyCosignAttestation(layer.blob, layer.annotations, SUBJECT, stale, []);
    assert.deepEqual([r.ok, !r.ok && verdictOf(r.code)], [false, 'unverifiable']);
    assert.match(!r.ok ? r.message : '', /could not be refreshed/);
  });
});
