// Signed image attestations made in tests: an in-toto statement about an image digest in a DSSE
// envelope, signed with a test key — as a Sigstore bundle (referrer) or as cosign's classic `.att`
// layer. No Fulcio certificate and no log entry: accepted only for keys the user allows without a
// log, which is what these tests configure. (Keyless ones come from LocalSigstore.)

import * as crypto from 'node:crypto';

export const IN_TOTO = 'application/vnd.in-toto+json';

/** A cosign classic attestation layer: the stored envelope bytes and the layer's annotations. */
export interface AttestationLayer {
  blob: Buffer;
  annotations: Record<string, string>;
}

/** DSSE's pre-authentication encoding: what is actually signed. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}

/** The serialised in-toto statement about `imageDigest`. */
export function imageStatement(imageDigest: string, predicateType: string, predicate: object = {}): Buffer {
  const [algorithm, hex] = imageDigest.split(':');
  return Buffer.from(
    JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'image', digest: { [algorithm]: hex } }], predicateType, predicate }),
  );
}

/** The envelope as cosign stores it in a `.att` layer. */
export function envelopeBytes(payload: Buffer, signature: Buffer): Buffer {
  return Buffer.from(
    JSON.stringify({ payloadType: IN_TOTO, payload: payload.toString('base64'), signatures: [{ keyid: '', sig: signature.toString('base64') }] }),
  );
}

export function keySignedImageBundle(imageDigest: string, predicateType: string, privateKey: crypto.KeyObject, predicate: object = {}): object {
  const payload = imageStatement(imageDigest, predicateType, predicate);
  const sig = crypto.sign('sha256', pae(IN_TOTO, payload), privateKey);
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: 'test-key' }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: IN_TOTO, signatures: [{ sig: sig.toString('base64'), keyid: '' }] },
  };
}

/** What `cosign attest --key k --tlog-upload=false` writes: an envelope and an empty signature annotation. */
export function keySignedAttestationLayer(imageDigest: string, predicateType: string, privateKey: crypto.KeyObject, predicate: object = {}): AttestationLayer {
  const payload = imageStatement(imageDigest, predicateType, predicate);
  return {
    blob: envelopeBytes(payload, crypto.sign('sha256', pae(IN_TOTO, payload), privateKey)),
    annotations: { 'dev.cosignproject.cosign/signature': '', predicateType },
  };
}
