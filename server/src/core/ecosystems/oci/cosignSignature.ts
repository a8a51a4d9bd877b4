// A cosign image signature as cosign writes it to the `sha256-<hex>.sig` tag: a simple-signing
// payload naming the image digest and a signature annotation over those exact bytes, recorded in
// Rekor as a `rekord` or `hashedrekord` entry (or not at all, for a key the user holds). How the
// signer is trusted is cosignLayer.ts; this module checks the payload and the log entry body.

import type { PublicKeyEntry } from '../../trust/signers';
import * as crypto from 'node:crypto';
import type { TrustContext } from '../../trust/trustedRoot';
import { ANNOTATIONS, type CosignCheck, type LogEntryBody, loggedKeyMatches, sha256Hex, verifyCosignLayer } from './cosignLayer';

export interface SignatureLayer {
  payload: Buffer;
  annotations: Record<string, string>;
}

interface RekordSpec {
  data?: { hash?: { algorithm?: string; value?: string } };
  signature?: { content?: string; publicKey?: { content?: string } };
}

export function verifyCosignSignature(layer: SignatureLayer, imageDigest: string, trust: TrustContext, keys: PublicKeyEntry[]): CosignCheck {
  const fail = (message: string): CosignCheck => ({ ok: false, code: 'signature-invalid', message });
  let payload: { critical?: { image?: { 'docker-manifest-digest'?: string }; type?: string } };
  try {
    payload = JSON.parse(layer.payload.toString('utf8'));
  } catch {
    return fail('the signed payload is not JSON');
  }
  if (payload.critical?.type !== 'cosign container image signature') return fail('the signed payload is not a cosign image signature');
  const signed = payload.critical.image?.['docker-manifest-digest'];
  if (signed !== imageDigest) return fail(`the signature is for ${signed ?? 'no digest'}, not for ${imageDigest}`);
  const signatureB64 = layer.annotations[ANNOTATIONS.signature];
  if (!signatureB64) return fail('the signature layer carries no signature');
  const signature = Buffer.from(signatureB64, 'base64');
  return verifyCosignLayer(
    {
      annotations: layer.annotations,
      signedBy: (key) => crypto.verify('sha256', layer.payload, key, signature),
      logEntryMismatch: (entry: LogEntryBody, publicKeyPem) => {
        if (entry.kind !== 'rekord' && entry.kind !== 'hashedrekord')
          return { code: 'bundle-unsupported', message: `transparency-log entries of kind "${entry.kind}" are not supported for cosign signatures` };
        const spec = entry.spec as RekordSpec | undefined;
        const recorded =
          spec?.data?.hash?.value === sha256Hex(layer.payload) &&
          spec.signature?.content === signatureB64 &&
          loggedKeyMatches(spec.signature?.publicKey?.content, publicKeyPem);
        return recorded ? undefined : { code: 'signature-invalid', message: 'the transparency-log entry is for another payload, signature or key' };
      },
    },
    trust,
    keys,
  );
}
