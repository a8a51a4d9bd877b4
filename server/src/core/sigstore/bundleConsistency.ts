// Checks a bundle's parts for agreement before any signature is verified. A bundle repeats some
// facts outside what is signed: the inclusion proof's root hash and tree size repeat the signed
// checkpoint's, a Rekor v2 entry's log index repeats the proof's, and DER structures carry outer bytes
// (a certificate's SEQUENCE header, a timestamp token's) that lenient parsers skip over.
// @sigstore/verify 3.1 reads the signed copy and ignores the other, so a bundle whose copies
// disagree would verify. The same holds for certificates a bundle carries that trust does not come
// from — the chain above the signing certificate, a timestamp token's embedded certificates — which
// are only trusted as far as they link to each other and to the trusted root, and a timestamp
// token's list of digest algorithms, which must hold the one its signer used. Evidence that
// contradicts itself was altered: it is refused as invalid.
// (Found by the mutation suite: test/integration/mutationSuite.test.ts.)

import * as nodeCrypto from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { ASN1Obj } from '@sigstore/core';
import type { TrustedRoot } from '@sigstore/protobuf-specs';

/** A description of the first disagreement, or undefined when the bundle agrees with itself. */
export function bundleInconsistency(bundle: Bundle, root: TrustedRoot): string | undefined {
  const material = bundle.verificationMaterial;
  const content = material.content;
  const certificates =
    content.$case === 'certificate'
      ? [content.certificate.rawBytes]
      : content.$case === 'x509CertificateChain'
        ? content.x509CertificateChain.certificates.map((c) => c.rawBytes)
        : [];
  const parsed: nodeCrypto.X509Certificate[] = [];
  for (const [i, raw] of certificates.entries()) {
    const certificate = strictCertificate(Buffer.from(raw));
    if (!certificate) return `certificate ${i + 1} of the bundle is not a well-formed DER certificate`;
    parsed.push(certificate);
  }
  const { authorities, timestampAuthorities } = issuersOf(root);
  const chainProblem = unlinked(parsed, authorities);
  if (chainProblem) return chainProblem;
  for (const [i, timestamp] of (material.timestampVerificationData?.rfc3161Timestamps ?? []).entries()) {
    const der = Buffer.from(timestamp.signedTimestamp);
    if (!isDerSequence(der) || !isStrictDer(der)) return `timestamp ${i + 1} of the bundle is not a well-formed DER structure`;
    const parts = signedDataParts(der);
    if (parts === undefined) return `timestamp ${i + 1} of the bundle is not a readable timestamp token`;
    if (!parts.signerDigestAlgorithms.every((oid) => parts.digestAlgorithms.includes(oid)))
      return `timestamp ${i + 1} names a digest algorithm its SignedData does not list`;
    for (const raw of parts.certificates) {
      const certificate = strictCertificate(raw);
      if (!certificate || !signedByOneOf(certificate, raw, timestampAuthorities))
        return `a certificate embedded in timestamp ${i + 1} is not one the trusted root's timestamp authorities issued`;
    }
  }
  for (const [i, entry] of material.tlogEntries.entries()) {
    const proof = entry.inclusionProof;
    if (!proof) continue;
    const which = `log entry ${i + 1}`;
    // Rekor v1 logs are sharded: an entry's index counts across shards, its proof's within one. Rekor v2 has one index.
    const rekorV2 = entry.kindVersion?.version === '0.0.2' && ['hashedrekord', 'dsse'].includes(entry.kindVersion.kind);
    if (rekorV2 && entry.logIndex !== proof.logIndex) return `${which} says index ${entry.logIndex} but its inclusion proof is for index ${proof.logIndex}`;
    const checkpoint = proof.checkpoint?.envelope;
    if (!checkpoint) continue;
    const [, size, rootHash] = checkpoint.split('\n');
    if (size !== proof.treeSize) return `${which}: the inclusion proof is for a tree of ${proof.treeSize} entries, its signed checkpoint for ${size}`;
    if (!rootHash || !Buffer.from(rootHash, 'base64').equals(Buffer.from(proof.rootHash)))
      return `${which}: the inclusion proof's root hash differs from its signed checkpoint's`;
  }
  return undefined;
}

/** Each certificate must be signed by the next; the last by itself (a root) or by a certificate authority of the trusted root. */
function unlinked(chain: nodeCrypto.X509Certificate[], authorities: Issuer[]): string | undefined {
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!verifies(chain[i], chain[i + 1])) return `certificate ${i + 1} of the bundle's chain is not signed by certificate ${i + 2}`;
  }
  const last = chain.at(-1);
  if (!last || chain.length === 1) return undefined;
  if (last.checkIssued(last) ? !verifies(last, last) : !signedByOneOf(last, last.raw, authorities))
    return "the top certificate of the bundle's chain is not signed by itself or by a trusted certificate authority";
  return undefined;
}

/** A trusted root's certificate, as bytes and (when OpenSSL reads it) parsed. */
interface Issuer {
  raw: Buffer;
  certificate?: nodeCrypto.X509Certificate;
}

/** The certificate and timestamp authorities of a trusted root, parsed once per root rather than on every bundle. */
const issuersByRoot = new WeakMap<TrustedRoot, { authorities: Issuer[]; timestampAuthorities: Issuer[] }>();

function issuersOf(root: TrustedRoot): { authorities: Issuer[]; timestampAuthorities: Issuer[] } {
  let issuers = issuersByRoot.get(root);
  if (!issuers) {
    const parse = (chains: Array<{ certChain?: { certificates: Array<{ rawBytes: Uint8Array }> } }>): Issuer[] =>
      chains
        .flatMap((c) => c.certChain?.certificates ?? [])
        .map((c) => {
          const raw = Buffer.from(c.rawBytes);
          return { raw, certificate: strictCertificate(raw) };
        });
    issuers = { authorities: parse(root.certificateAuthorities), timestampAuthorities: parse(root.timestampAuthorities) };
    issuersByRoot.set(root, issuers);
  }
  return issuers;
}

function signedByOneOf(certificate: nodeCrypto.X509Certificate, raw: Buffer, issuers: Issuer[]): boolean {
  return issuers.some(
    (issuer) =>
      issuer.raw.equals(raw) || (issuer.certificate !== undefined && certificate.checkIssued(issuer.certificate) && verifies(certificate, issuer.certificate)),
  );
}

function verifies(certificate: nodeCrypto.X509Certificate, issuer: nodeCrypto.X509Certificate): boolean {
  try {
    return certificate.verify(issuer.publicKey);
  } catch {
    return false; // an issuer key OpenSSL cannot decode
  }
}

interface SignedDataParts {
  /** The certificates the token carries (often none). */
  certificates: Buffer[];
  /** The SignedData's list of digest algorithms, and the ones its signers name: the first must hold the second. */
  digestAlgorithms: string[];
  signerDigestAlgorithms: string[];
}

/** The parts of a timestamp response's or token's CMS SignedData no signature covers; undefined when it cannot be read. */
function signedDataParts(der: Buffer): SignedDataParts | undefined {
  const SIGNED_DATA = '1.2.840.113549.1.7.2';
  const find = (node: ASN1Obj, depth: number): ASN1Obj | undefined => {
    if (node.subs[0]?.tag.isOID() && node.subs[0].toOID() === SIGNED_DATA) return node.subs[1]?.subs[0];
    return depth < 3 ? node.subs.map((sub) => find(sub, depth + 1)).find(Boolean) : undefined;
  };
  try {
    const signedData = find(ASN1Obj.parseBuffer(der as Buffer<ArrayBuffer>), 0);
    if (!signedData) return undefined;
    const certificates = signedData.subs.find((sub) => sub.tag.isContextSpecific(0));
    const signerInfos = signedData.subs.at(-1)?.subs ?? [];
    return {
      certificates: (certificates?.subs ?? []).map((c) => c.toDER()),
      digestAlgorithms: (signedData.subs[1]?.subs ?? []).map((algorithm) => algorithm.subs[0].toOID()),
      signerDigestAlgorithms: signerInfos.map((info) => info.subs[2].subs[0].toOID()),
    };
  } catch {
    return undefined;
  }
}

function strictCertificate(der: Buffer): nodeCrypto.X509Certificate | undefined {
  if (!isDerSequence(der)) return undefined;
  try {
    // OpenSSL's parser is strict where @sigstore/core's ASN.1 reader is lenient.
    return new nodeCrypto.X509Certificate(der);
  } catch {
    return undefined;
  }
}

/**
 * Distinguished encoding throughout: shortest definite lengths, SEQUENCE and SET constructed and
 * every other universal type primitive (a constructed OCTET STRING is BER, which a lenient parser
 * reads as the same value — so one bit of the tag could change without changing what verifies).
 */
function isStrictDer(der: Buffer): boolean {
  const walk = (start: number, end: number, depth: number): boolean => {
    let at = start;
    while (at < end) {
      const tag = der[at];
      if ((tag & 0x1f) === 0x1f || at + 1 >= end) return false; // no multi-byte tags in these structures
      const header = readLength(der, at + 1);
      if (!header) return false;
      const contentStart = at + 1 + header.octets;
      const contentEnd = contentStart + header.length;
      if (contentEnd > end) return false;
      const constructed = (tag & 0x20) !== 0;
      const universal = (tag & 0xc0) === 0;
      const number = tag & 0x1f;
      if (universal && (number === 0x10 || number === 0x11) !== constructed) return false;
      if (constructed && (depth > 32 || !walk(contentStart, contentEnd, depth + 1))) return false;
      at = contentEnd;
    }
    return at === end;
  };
  return walk(0, der.length, 0);
}

/** A definite DER length at `at`: its value and how many bytes it took; undefined when not minimal or not definite. */
function readLength(der: Buffer, at: number): { length: number; octets: number } | undefined {
  const first = der[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return { length: first, octets: 1 };
  const count = first & 0x7f;
  if (count === 0 || count > 4 || at + count >= der.length || der[at + 1] === 0) return undefined;
  let length = 0;
  for (let i = 1; i <= count; i++) length = length * 256 + der[at + i];
  return length < 0x80 ? undefined : { length, octets: 1 + count };
}

/** A DER SEQUENCE whose definite length covers exactly the buffer: no other tag, no trailing bytes. */
function isDerSequence(der: Buffer): boolean {
  const header = der[0] === 0x30 ? readLength(der, 1) : undefined;
  return header !== undefined && 1 + header.octets + header.length === der.length;
}
