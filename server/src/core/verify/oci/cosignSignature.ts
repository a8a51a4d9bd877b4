// A cosign image signature as cosign writes it to the `sha256-<hex>.sig` tag: a simple-signing
// payload naming the image digest, a signature annotation, and either a Fulcio certificate with a
// Rekor signed entry timestamp (keyless) or nothing but the signature (a key the user holds).
// @sigstore/verify has no entry point for this legacy shape (its `rekord` log entries are not a
// kind it verifies), so this module calls the pieces it is built from — certificate chain and SCTs,
// the signed entry timestamp — and checks the log entry body itself. Pure: trust and keys passed in.

import * as crypto from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
// Internal entry points of @sigstore/verify, pinned to 3.1.1 exactly in package.json.
import { verifyCertificate } from '@sigstore/verify/dist/key';
import { verifyTLogSET } from '@sigstore/verify/dist/tlog/set';
import type { TrustContext } from '../../trust/trustedRoot';
import { type BuildIdentity, readBuildIdentity } from '../sigstore/certificate';

export const ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
} as const;

export interface SignatureLayer {
  payload: Buffer;
  annotations: Record<string, string>;
}

export interface PublicKeyEntry {
  /** How the user named it (a file path, a setting), for messages. */
  name: string;
  pem: string;
  /** Accept signatures by this key without a transparency-log entry (cosign's --insecure-ignore-tlog). */
  ignoreTlog?: boolean;
}

export type CosignCheck =
  | { ok: true; identity?: BuildIdentity; keyName?: string; logIndex?: string; integratedTime?: string }
  | { ok: false; status: 'invalid' | 'unverifiable' | 'policy-violation'; message: string };

interface RekorBundle {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

export function verifyCosignSignature(layer: SignatureLayer, imageDigest: string, trust: TrustContext, keys: PublicKeyEntry[]): CosignCheck {
  const fail = (status: 'invalid' | 'unverifiable' | 'policy-violation', message: string): CosignCheck => ({ ok: false, status, message });
  let payload: { critical?: { image?: { 'docker-manifest-digest'?: string }; type?: string } };
  try {
    payload = JSON.parse(layer.payload.toString('utf8'));
  } catch {
    return fail('invalid', 'the signed payload is not JSON');
  }
  if (payload.critical?.type !== 'cosign container image signature') return fail('invalid', 'the signed payload is not a cosign image signature');
  const signed = payload.critical.image?.['docker-manifest-digest'];
  if (signed !== imageDigest) return fail('invalid', `the signature is for ${signed ?? 'no digest'}, not for ${imageDigest}`);
  const signatureB64 = layer.annotations[ANNOTATIONS.signature];
  if (!signatureB64) return fail('invalid', 'the signature layer carries no signature');
  const signature = Buffer.from(signatureB64, 'base64');
  const bundle = parseBundle(layer.annotations[ANNOTATIONS.bundle]);
  if (bundle === 'malformed') return fail('invalid', 'the transparency-log annotation is malformed');

  const certificatePem = layer.annotations[ANNOTATIONS.certificate];
  if (certificatePem) {
    if (!bundle) return fail('invalid', 'a certificate-signed signature needs a transparency-log entry, and there is none');
    let certificate: X509Certificate;
    try {
      certificate = X509Certificate.parse(certificatePem);
    } catch {
      return fail('invalid', 'the signing certificate cannot be parsed');
    }
    const log = checkLogEntry(bundle, layer.payload, signatureB64, certificatePem, trust);
    if (log) return log;
    const signedAt = new Date(bundle.Payload.integratedTime * 1000);
    try {
      const { scts } = verifyCertificate(certificate, [signedAt], trust.material);
      // An embedded SCT must verify. Certificates from before Fulcio embedded SCTs have none; their
      // transparency is the Rekor entry itself, which records this very certificate (checked above).
      if (certificate.extSCT && scts.length === 0) return fail('invalid', 'the signing certificate\'s certificate-transparency timestamp does not verify');
    } catch (error) {
      return fail('invalid', `the signing certificate does not chain to the trusted root at signing time (${(error as Error).message})`);
    }
    if (!crypto.verify('sha256', layer.payload, crypto.createPublicKey(certificatePem), signature)) return fail('invalid', 'the signature does not match the signed payload');
    return { ok: true, identity: readBuildIdentity(certificate), logIndex: String(bundle.Payload.logIndex), integratedTime: signedAt.toISOString() };
  }

  // Key-based: the signature must come from a key the user accepts.
  if (keys.length === 0) return fail('unverifiable', 'signed with a key, and no public key is configured for this image');
  const key = keys.find((k) => verifyWith(k.pem, layer.payload, signature));
  if (!key) return fail('policy-violation', `signed with a key that is not among the accepted keys (${keys.map((k) => k.name).join(', ')})`);
  if (!bundle) {
    return key.ignoreTlog ? { ok: true, keyName: key.name } : fail('unverifiable', `signed with ${key.name}, but without a transparency-log entry (accept that per key with "ignoreTlog", like cosign's --insecure-ignore-tlog)`);
  }
  const log = checkLogEntry(bundle, layer.payload, signatureB64, key.pem, trust);
  if (log) return log;
  return { ok: true, keyName: key.name, logIndex: String(bundle.Payload.logIndex), integratedTime: new Date(bundle.Payload.integratedTime * 1000).toISOString() };
}

function parseBundle(text: string | undefined): RekorBundle | undefined | 'malformed' {
  if (!text) return undefined;
  try {
    const b = JSON.parse(text) as RekorBundle;
    return b?.SignedEntryTimestamp && b.Payload?.body && b.Payload.logID ? b : 'malformed';
  } catch {
    return 'malformed';
  }
}

/** The signed entry timestamp, and that the entry describes this payload, signature and key. Undefined when all holds. */
function checkLogEntry(bundle: RekorBundle, payload: Buffer, signatureB64: string, publicKeyPem: string, trust: TrustContext): CosignCheck | undefined {
  const logId = Buffer.from(bundle.Payload.logID, 'hex');
  if (!trust.logIds.has(logId.toString('base64'))) {
    return { ok: false, status: 'unverifiable', message: `recorded in a transparency log the trusted root (${trust.source}) does not know` };
  }
  const body = Buffer.from(bundle.Payload.body, 'base64');
  try {
    verifyTLogSET(
      {
        logIndex: String(bundle.Payload.logIndex),
        logId: { keyId: logId },
        kindVersion: { kind: '', version: '' },
        integratedTime: String(bundle.Payload.integratedTime),
        inclusionPromise: { signedEntryTimestamp: Buffer.from(bundle.SignedEntryTimestamp, 'base64') },
        inclusionProof: undefined,
        canonicalizedBody: body,
      },
      trust.material.tlogs,
    );
  } catch {
    return { ok: false, status: 'invalid', message: 'the transparency-log entry timestamp (SET) does not verify' };
  }
  let entry: { kind?: string; spec?: { data?: { hash?: { value?: string } }; signature?: { content?: string; publicKey?: { content?: string } } } };
  try {
    entry = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, status: 'invalid', message: 'the transparency-log entry body is not JSON' };
  }
  if (entry.kind !== 'rekord' && entry.kind !== 'hashedrekord') return { ok: false, status: 'unverifiable', message: `transparency-log entries of kind "${entry.kind}" are not supported for cosign signatures` };
  const spec = entry.spec;
  const payloadHash = crypto.createHash('sha256').update(payload).digest('hex');
  const loggedKey = spec?.signature?.publicKey?.content ? Buffer.from(spec.signature.publicKey.content, 'base64').toString('utf8') : '';
  if (spec?.data?.hash?.value !== payloadHash || spec.signature?.content !== signatureB64 || normalisePem(loggedKey) !== normalisePem(publicKeyPem)) {
    return { ok: false, status: 'invalid', message: 'the transparency-log entry is for another payload, signature or key' };
  }
  return undefined;
}

function verifyWith(pem: string, payload: Buffer, signature: Buffer): boolean {
  try {
    return crypto.verify('sha256', payload, crypto.createPublicKey(pem), signature);
  } catch {
    return false;
  }
}

function normalisePem(pem: string): string {
  return pem.replace(/\s+/g, '');
}
