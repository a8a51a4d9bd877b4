// The only place that reaches into @sigstore/verify's internals. cosign's classic `.sig`/`.att`
// layers keep their Rekor entry outside any Sigstore bundle, so the library's public Verifier cannot
// take them; its certificate-chain and signed-entry-timestamp checks can. package.json pins the
// library to one minor line (~4.1), and test/unit/libraryInternals.test.ts pins what these two
// calls accept and refuse, so an upgrade that moves or changes them fails there first.

import type { TLogEntryWithInclusionPromise } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import type { TrustMaterial } from '@sigstore/verify';
import { verifyCertificate } from '@sigstore/verify/dist/key';
import { verifyTLogSET } from '@sigstore/verify/dist/tlog/set';

/**
 * That `leaf` chains to one of the trust material's certificate authorities valid at every one of
 * `timestamps`, and how many of its embedded SCTs verify against the trusted CT logs. Throws when
 * the chain does not verify.
 */
export function verifyCertificateChain(leaf: X509Certificate, timestamps: Date[], material: TrustMaterial): { verifiedScts: number } {
  return { verifiedScts: verifyCertificate(leaf, timestamps, material).scts.length };
}

/** That a log entry's signed entry timestamp (inclusion promise) is signed by a log of the trust material. Throws otherwise. */
export function verifySignedEntryTimestamp(entry: TLogEntryWithInclusionPromise, material: TrustMaterial): void {
  verifyTLogSET(entry, material.tlogs);
}

// The error classes @sigstore/core throws for malformed ASN.1 and failing RFC 3161 timestamps; it
// does not export them, and they carry no code or name, so only their class tells them apart.
export { ASN1ParseError, ASN1TypeError } from '@sigstore/core/dist/asn1/error';
export { RFC3161TimestampVerificationError } from '@sigstore/core/dist/rfc3161/error';
