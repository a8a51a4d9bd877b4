// What cosign's classic layers share — a signature under the `sha256-<hex>.sig` tag, an attestation
// under `sha256-<hex>.att` — is how they are trusted: a Fulcio certificate plus a Rekor signed entry
// timestamp (keyless), or a key the user holds. This module judges that part; each layer kind says
// what its signature covers and how a log entry body must describe it (cosignSignature.ts,
// cosignAttestation.ts). @sigstore/verify has no entry point for these legacy shapes (their log
// entries are not in a Sigstore bundle), so this calls the pieces it is built from — certificate
// chain and SCTs, the signed entry timestamp. Pure: trust and keys passed in.

import type { PublicKeyEntry } from '../../trust/signers';
import * as crypto from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import type { TrustContext } from '../../trust/trustedRoot';
import { type BuildIdentity, readBuildIdentity } from '../../sigstore/certificate';
import { unknownLogCheck } from '../../sigstore/bundleCheck';
import { verifyCertificateChain, verifySignedEntryTimestamp } from '../../sigstore/libraryInternals';
import type { CodeOf, Failure } from '../../reasons';

export const ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
} as const;

/**
 * Why a layer does not hold: evidence that is wrong (`signature-invalid`, or the digest, bundle or
 * fetch codes of the pieces around it), a key outside the accepted set (`signer-not-allowed`), or
 * what we lack to decide (`trust-material-missing`, `bundle-unsupported`, `network-error`).
 */
export type CosignFailure = Failure<CodeOf<'invalid' | 'unverifiable' | 'policy-violation'>>;

export type CosignCheck =
  | { ok: true; identity?: BuildIdentity; keyName?: string; logIndex?: string; integratedTime?: string; timestamp?: string; timestampAuthority?: string }
  | CosignFailure;

/** A log entry body as Rekor records it: `kind`, `apiVersion` and a kind-specific `spec`. */
export interface LogEntryBody {
  kind?: string;
  apiVersion?: string;
  spec?: unknown;
}

/** One signed layer, as far as trusting it goes. */
export interface SignedLayer {
  annotations: Record<string, string>;
  /** Whether `key` made (one of) the layer's signatures over what it covers. */
  signedBy(key: crypto.KeyObject): boolean;
  /** Undefined when the log entry describes this layer signed with `publicKeyPem`; otherwise why it does not. */
  logEntryMismatch(body: LogEntryBody, publicKeyPem: string): Omit<CosignFailure, 'ok'> | undefined;
}

interface RekorBundle {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

export function verifyCosignLayer(layer: SignedLayer, trust: TrustContext, keys: PublicKeyEntry[]): CosignCheck {
  const fail = (code: CosignFailure['code'], message: string): CosignCheck => ({ ok: false, code, message });
  const invalid = (message: string) => fail('signature-invalid', message);
  const bundle = parseBundle(layer.annotations[ANNOTATIONS.bundle]);
  if (bundle === 'malformed') return invalid('the transparency-log annotation is malformed');

  const certificatePem = layer.annotations[ANNOTATIONS.certificate];
  if (certificatePem) {
    if (!bundle) return invalid('a certificate-signed layer needs a transparency-log entry, and there is none');
    let certificate: X509Certificate;
    try {
      certificate = X509Certificate.parse(certificatePem);
    } catch {
      return invalid('the signing certificate cannot be parsed');
    }
    const log = checkLogEntry(bundle, layer, certificatePem, trust);
    if (log) return log;
    const signedAt = new Date(bundle.Payload.integratedTime * 1000);
    try {
      const { verifiedScts } = verifyCertificateChain(certificate, [signedAt], trust.material);
      // An embedded SCT must verify. Certificates from before Fulcio embedded SCTs have none; their
      // transparency is the Rekor entry itself, which records this very certificate (checked above).
      if (certificate.extSCT && verifiedScts === 0) return invalid("the signing certificate's certificate-transparency timestamp does not verify");
    } catch (error) {
      return invalid(`the signing certificate does not chain to the trusted root at signing time (${(error as Error).message})`);
    }
    if (!signedBy(layer, certificatePem)) return invalid('the signature does not match what it signs');
    return { ok: true, identity: readBuildIdentity(certificate), logIndex: String(bundle.Payload.logIndex), integratedTime: signedAt.toISOString() };
  }

  // Key-based: the signature must come from a key the user accepts.
  if (keys.length === 0) return fail('trust-material-missing', 'signed with a key, and no public key is configured for this image');
  const key = keys.find((k) => signedBy(layer, k.pem));
  if (!key) return fail('signer-not-allowed', `signed with a key that is not among the accepted keys (${keys.map((k) => k.name).join(', ')})`);
  if (!bundle) {
    return key.ignoreTlog
      ? { ok: true, keyName: key.name }
      : fail(
          'trust-material-missing',
          `signed with ${key.name}, but without a transparency-log entry (accept that per key with "ignoreTlog", like cosign's --insecure-ignore-tlog)`,
        );
  }
  const log = checkLogEntry(bundle, layer, key.pem, trust);
  if (log) return log;
  return {
    ok: true,
    keyName: key.name,
    logIndex: String(bundle.Payload.logIndex),
    integratedTime: new Date(bundle.Payload.integratedTime * 1000).toISOString(),
  };
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

/** The signed entry timestamp, and that the entry describes this layer and key. Undefined when all holds. */
function checkLogEntry(bundle: RekorBundle, layer: SignedLayer, publicKeyPem: string, trust: TrustContext): CosignCheck | undefined {
  const logId = Buffer.from(bundle.Payload.logID, 'hex');
  if (!trust.logIds.has(logId.toString('base64'))) return unknownLogCheck(trust);
  const body = Buffer.from(bundle.Payload.body, 'base64');
  try {
    verifySignedEntryTimestamp(
      {
        logIndex: String(bundle.Payload.logIndex),
        logId: { keyId: logId },
        kindVersion: { kind: '', version: '' },
        integratedTime: String(bundle.Payload.integratedTime),
        inclusionPromise: { signedEntryTimestamp: Buffer.from(bundle.SignedEntryTimestamp, 'base64') },
        inclusionProof: undefined,
        canonicalizedBody: body,
      },
      trust.material,
    );
  } catch {
    return { ok: false, code: 'signature-invalid', message: 'the transparency-log entry timestamp (SET) does not verify' };
  }
  let entry: LogEntryBody;
  try {
    entry = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, code: 'signature-invalid', message: 'the transparency-log entry body is not JSON' };
  }
  const mismatch = layer.logEntryMismatch(entry, publicKeyPem);
  return mismatch && { ok: false, ...mismatch };
}

function signedBy(layer: SignedLayer, pem: string): boolean {
  try {
    return layer.signedBy(crypto.createPublicKey(pem));
  } catch {
    return false;
  }
}

/**
 * Whether a log entry's key field (base64 of a PEM document, as Rekor records keys and
 * certificates) holds the same key or certificate as `pem`. Compared as DER, as cosign does, so
 * line breaks and PEM labels do not matter.
 */
export function loggedKeyMatches(loggedBase64: unknown, pem: string): boolean {
  if (typeof loggedBase64 !== 'string' || !loggedBase64) return false;
  const logged = pemBytes(Buffer.from(loggedBase64, 'base64').toString('utf8'));
  return logged !== undefined && logged.equals(pemBytes(pem) ?? Buffer.alloc(0));
}

function pemBytes(pem: string): Buffer | undefined {
  const match = /-----BEGIN [^-]+-----([^-]+)-----END [^-]+-----/.exec(pem);
  return match ? Buffer.from(match[1].replace(/\s+/g, ''), 'base64') : undefined;
}

export function sha256Hex(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}
