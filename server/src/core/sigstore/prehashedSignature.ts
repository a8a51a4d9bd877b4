// A message signature checked against the artifact's digest instead of its bytes (`verify
// sha256:<hex>`, the conformance protocol's FILE_OR_DIGEST). ECDSA and RSA PKCS#1 v1.5 sign a
// digest, so the digest is enough; Node's crypto can only verify over the message itself, so ECDSA
// goes through @noble/curves with prehashing off, and RSA through OpenSSL's own PKCS#1 v1.5
// unpadding of the signature. Ed25519 signs the message itself, and RSA-PSS would need hand-written
// padding checks: for those the answer is "not checkable from a digest", never a verdict.

import * as crypto from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

const CURVES = { prime256v1: p256, secp384r1: p384, secp521r1: p521 } as const;

// DER DigestInfo prefixes (RFC 8017 section 9.2, note 1) that precede the digest in a PKCS#1 v1.5 signature.
const DIGEST_INFO: Record<DigestAlgorithm, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/**
 * Whether `signature` by `key` is over `digest` (computed with `algorithm`); `undefined` when the
 * key's scheme signs the message itself, so a digest cannot decide.
 */
export function verifyPrehashed(key: crypto.KeyObject, algorithm: DigestAlgorithm, digest: Buffer, signature: Buffer): boolean | undefined {
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve as keyof typeof CURVES];
    if (!curve) return undefined;
    const jwk = key.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    try {
      // OpenSSL (what verifies the file itself) accepts high-S signatures; so must this.
      return curve.verify(signature, digest, point, { prehash: false, format: 'der', lowS: false });
    } catch {
      return false;
    }
  }
  if (key.asymmetricKeyType === 'rsa') {
    try {
      const recovered = crypto.publicDecrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
      return recovered.equals(Buffer.concat([Buffer.from(DIGEST_INFO[algorithm], 'hex'), digest]));
    } catch {
      return false;
    }
  }
  return undefined;
}
