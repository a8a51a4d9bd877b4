// Sigstore bundles made in tests: an in-toto statement about an image digest, in a DSSE envelope
// signed with a test key (no Fulcio certificate and no log entry: accepted only for keys the user
// allows without a log, which is what these tests configure).

import * as crypto from 'node:crypto';

const IN_TOTO = 'application/vnd.in-toto+json';

/** DSSE's pre-authentication encoding: what is actually signed. */
function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}

export function keySignedImageBundle(imageDigest: string, predicateType: string, privateKey: crypto.KeyObject, predicate: object = {}): object {
  const [algorithm, hex] = imageDigest.split(':');
  const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'image', digest: { [algorithm]: hex } }], predicateType, predicate };
  const payload = Buffer.from(JSON.stringify(statement));
  const sig = crypto.sign('sha256', pae(IN_TOTO, payload), privateKey);
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: 'test-key' }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: IN_TOTO, signatures: [{ sig: sig.toString('base64'), keyid: '' }] },
  };
}
