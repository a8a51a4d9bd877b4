// One call that verifies a Sigstore bundle with @sigstore/verify and turns every outcome into
// our vocabulary. @sigstore/verify does no I/O; trust material is passed in.

import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { RFC3161Timestamp, X509Certificate } from '@sigstore/core';
import { type KeyFinderFunc, type SignedEntity, type Signer, Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { type TrustContext, logEntryUrl } from '../trust/trustedRoot';
import type { CodeOf, Failure } from '../reasons';
import { bundleInconsistency } from './bundleConsistency';
import { type BuildIdentity, readBuildIdentity } from './certificate';
import { type DigestAlgorithm, verifyPrehashed } from './prehashedSignature';
import { mapVerificationError } from './verificationErrors';

/** What a bundle check can end in: evidence that is wrong (`invalid`), or what we lack to decide (`unverifiable`). */
export type BundleFailure = Failure<CodeOf<'invalid' | 'unverifiable'>>;

export type BundleCheck = { ok: true; bundle: Bundle; signer: Signer } | BundleFailure;

/** A bundle read: malformed (`bundle-malformed`, invalid), or of a version we do not know (`bundle-unsupported`, unverifiable). */
export type ParsedBundle = { ok: true; bundle: Bundle } | Failure<'bundle-malformed' | 'bundle-unsupported'>;

/** The artifact's digest, standing in for its bytes (`verify sha256:<hex>`). */
export interface ArtifactDigest {
  algorithm: DigestAlgorithm;
  digest: Buffer;
}

/**
 * How many log entries, SCTs and timestamps must verify. The default is public-good Sigstore's; a
 * deployment without a transparency log (GitHub's own) vouches for time with RFC 3161 timestamps only.
 */
export interface Thresholds {
  tlogThreshold: number;
  ctlogThreshold: number;
  timestampThreshold: number;
}

/** The bundle versions this verifier knows; @sigstore/bundle would read any other as the newest. */
export const KNOWN_BUNDLE_TYPES = new Set([
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
]);

/**
 * A Sigstore bundle version this verifier does not know (a newer one) cannot be decided
 * (`unverifiable`); anything else that is not a well-formed bundle of a known version is `invalid`.
 */
export function parseBundle(json: unknown): ParsedBundle {
  const malformed = (message: string): ParsedBundle => ({ ok: false, code: 'bundle-malformed', message });
  const mediaType = (json as { mediaType?: unknown })?.mediaType;
  if (typeof mediaType === 'string' && mediaType.startsWith('application/vnd.dev.sigstore.bundle') && !KNOWN_BUNDLE_TYPES.has(mediaType)) {
    return { ok: false, code: 'bundle-unsupported', message: `the bundle's media type (${mediaType}) is not a Sigstore bundle version this verifier knows` };
  }
  if (typeof mediaType !== 'string' || !KNOWN_BUNDLE_TYPES.has(mediaType)) {
    return malformed(`the Sigstore bundle is malformed (media type ${JSON.stringify(mediaType)})`);
  }
  try {
    const bundle = bundleFromJSON(json);
    // v0.3 introduced the single `certificate`; a bundle that says it is older cannot hold one.
    if (bundle.verificationMaterial.content.$case === 'certificate' && /version=0\.[12]$/.test(bundle.mediaType)) {
      return malformed(
        `the Sigstore bundle is malformed (a ${bundle.mediaType.split(';')[1]} bundle cannot carry a single certificate, which version 0.3 introduced)`,
      );
    }
    return { ok: true, bundle };
  } catch (error) {
    return malformed(`the Sigstore bundle is malformed (${(error as Error).message})`);
  }
}

/**
 * Verifies a DSSE/message-signature bundle. `keys` resolves public-key hints (key-signed bundles);
 * `requireLogEntry: false` accepts a key-signed bundle without a transparency-log entry (cosign's
 * --insecure-ignore-tlog, which the user grants per key). `artifact`: the bytes a message
 * signature signs, or their digest (a DSSE envelope carries what it signs). Every failure of the
 * library is mapped to a verdict by one table (verificationErrors.ts).
 */
export function checkBundle(
  bundle: Bundle,
  trust: TrustContext,
  keys?: KeyFinderFunc,
  requireLogEntry = true,
  artifact?: Buffer | ArtifactDigest,
  thresholds?: Thresholds,
): BundleCheck {
  const unknownLog = bundle.verificationMaterial.tlogEntries.find((entry) => !trust.logIds.has(Buffer.from(entry.logId?.keyId ?? []).toString('base64')));
  if (unknownLog && bundle.verificationMaterial.tlogEntries.length === 1) return unknownLogCheck(trust);
  const inconsistent = bundleInconsistency(bundle, trust.root);
  if (inconsistent) return { ok: false, code: 'signature-invalid', message: `the bundle contradicts itself: ${inconsistent}` };
  if (bundle.content.$case === 'messageSignature' && !artifact)
    return { ok: false, code: 'bundle-unsupported', message: 'a message signature can only be checked against the bytes it signs, or their digest' };
  try {
    const material = keys ? { ...trust.material, publicKey: toTrustMaterial(trust.root, keys).publicKey } : trust.material;
    // Key-signed bundles (npm publish attestations) carry no certificate, so no SCT is expected.
    const keySigned = bundle.verificationMaterial.content.$case === 'publicKey';
    const withoutLog = keySigned && !requireLogEntry;
    const verifier = new Verifier(
      material,
      thresholds ?? { ctlogThreshold: keySigned ? 0 : 1, tlogThreshold: withoutLog ? 0 : 1, timestampThreshold: withoutLog ? 0 : 1 },
    );
    // A DSSE envelope carries what it signs; a message signature is checked over the bytes or their digest.
    const entity =
      artifact === undefined || Buffer.isBuffer(artifact)
        ? toSignedEntity(bundle, artifact)
        : bundle.content.$case === 'messageSignature'
          ? overDigest(toSignedEntity(bundle), artifact)
          : toSignedEntity(bundle);
    const signer = verifier.verify(entity);
    return { ok: true, bundle, signer };
  } catch (error) {
    if (error instanceof NotCheckableFromDigest) return { ok: false, code: 'bundle-unsupported', message: error.message };
    const mapped = mapVerificationError(error);
    // A certificate issued by a CA a stale snapshot does not hold may be from a CA added since; one
    // whose issuer the root holds and still fails is wrong evidence, whatever the root's age.
    if (mapped.verdict === 'invalid' && (error as { code?: string }).code === 'CERTIFICATE_ERROR' && !trust.current && !issuerKnown(bundle, trust)) {
      return unknownAuthorityCheck(trust, (error as Error).message);
    }
    // No policy is handed to the library (callers compare signers themselves, exactly), so its one
    // policy error cannot arise here; were it to, nothing was decided.
    const code = mapped.verdict === 'policy-violation' ? 'bundle-unsupported' : (mapped.code as BundleFailure['code']);
    return { ok: false, code, message: `${mapped.summary}: ${(error as Error).message}` };
  }
}

/**
 * A log the trusted root does not know: with a current root (refreshed, or the user's own) the
 * bundle is from another Sigstore instance — evidence we do not accept; with a snapshot that could
 * not be refreshed, the log may be newer than the snapshot, so nothing can be decided.
 */
export function unknownLogCheck(trust: TrustContext): BundleFailure {
  if (trust.current)
    return {
      ok: false,
      code: 'signature-invalid',
      message: `recorded in a transparency log the trusted root (${trust.source}) does not know: the bundle is from another Sigstore instance`,
    };
  return {
    ok: false,
    code: 'trust-material-missing',
    message: `recorded in a transparency log the ${trust.source} of the trusted root does not know; it could not be refreshed, and a newer root may know the log`,
  };
}

function unknownAuthorityCheck(trust: TrustContext, detail: string): BundleCheck {
  return {
    ok: false,
    code: 'trust-material-missing',
    message: `the signing certificate does not chain to a certificate authority of the ${trust.source} of the trusted root, which could not be refreshed; a newer root may know it (${detail})`,
  };
}

/**
 * Whether the signing certificate's issuer is one of the trusted root's CA certificates: by name,
 * and by key identifier where both certificates carry one (Sigstore's instances share CA names).
 */
function issuerKnown(bundle: Bundle, trust: TrustContext): boolean {
  let leaf: X509Certificate | undefined;
  try {
    leaf = signingCertificate(bundle);
  } catch {
    return true;
  }
  if (!leaf) return true;
  const authorityKeyId = leaf.extAuthorityKeyID?.keyIdentifier;
  return trust.root.certificateAuthorities.some((ca) =>
    ca.certChain?.certificates.some((c) => {
      try {
        const candidate = X509Certificate.parse(c.rawBytes as Buffer<ArrayBuffer>);
        const keyId = candidate.extSubjectKeyID?.keyIdentifier;
        return candidate.subject.equals(leaf.issuer) && (!authorityKeyId || !keyId || keyId.equals(authorityKeyId));
      } catch {
        return false;
      }
    }),
  );
}

class NotCheckableFromDigest extends Error {}

const KEY_NAMES: Record<string, string> = { ed25519: 'Ed25519', ed448: 'Ed448', 'rsa-pss': 'RSA-PSS', ec: 'ECDSA', rsa: 'RSA' };

/**
 * A message signature's entity with the artifact's digest in place of its bytes: the signature is
 * checked over the digest (verifyPrehashed), and log entries must record that digest.
 */
function overDigest(entity: SignedEntity, artifact: ArtifactDigest): SignedEntity {
  const inner = entity.signature;
  const sameDigest = (digest: Buffer) => digest.length === artifact.digest.length && digest.equals(artifact.digest);
  return {
    ...entity,
    signature: {
      signature: inner.signature,
      compareSignature: (signature) => inner.compareSignature(signature),
      compareDigest: sameDigest,
      compareSignedDigest: sameDigest,
      verifySignature: (key) => {
        const verified = verifyPrehashed(key, artifact.algorithm, artifact.digest, inner.signature);
        if (verified === undefined)
          throw new NotCheckableFromDigest(
            `this ${KEY_NAMES[key.asymmetricKeyType ?? ''] ?? 'kind of'} signature is made over the file itself, so its digest is not enough: give the file`,
          );
        return verified;
      },
    },
  };
}

/** The signing (leaf) certificate of a keyless bundle; undefined for a key-signed one. */
export function signingCertificate(bundle: Bundle): X509Certificate | undefined {
  const content = bundle.verificationMaterial.content;
  const raw =
    content.$case === 'certificate'
      ? content.certificate.rawBytes
      : content.$case === 'x509CertificateChain'
        ? content.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  return raw ? X509Certificate.parse(raw as Buffer<ArrayBuffer>) : undefined;
}

/** What the signing certificate says about the signer and the build. */
export function signerIdentity(bundle: Bundle): BuildIdentity | undefined {
  const certificate = signingCertificate(bundle);
  return certificate && readBuildIdentity(certificate);
}

/** When a bundle says it was signed, and who vouches for that time. */
export interface LogEntryFacts {
  logIndex?: string;
  /** When the log integrated the entry (Rekor v1 only: a Rekor v2 entry carries no time). */
  integratedTime?: string;
  /** The time a signed RFC 3161 timestamp proves, and the authority of the trusted root that signed it. */
  timestamp?: string;
  timestampAuthority?: string;
  /** The entry's page, where its log serves one (Rekor v1's API; Rekor v2 serves none). */
  logEntryUrl?: string;
}

/**
 * Rekor v2 logs only `hashedrekord` and `dsse` entries of version 0.0.2; it keeps no integrated
 * time (the signed timestamp stands for it) and serves tiles, not an entry per index.
 */
export function isRekorV2Entry(entry: Bundle['verificationMaterial']['tlogEntries'][number]): boolean {
  const kind = entry.kindVersion?.kind;
  return entry.kindVersion?.version === '0.0.2' && (kind === 'hashedrekord' || kind === 'dsse');
}

/** Just the log-entry facts of a larger result (to copy them into provenance details). */
export function logFacts({ logIndex, integratedTime, timestamp, timestampAuthority, logEntryUrl }: LogEntryFacts): LogEntryFacts {
  return { logIndex, integratedTime, timestamp, timestampAuthority, logEntryUrl };
}

/** The bundle's (first) transparency-log entry and signed timestamp, as facts to show. */
export function logEntryFacts(bundle: Bundle, trust?: TrustContext): LogEntryFacts {
  const entry = bundle.verificationMaterial.tlogEntries[0];
  const facts: LogEntryFacts = { logIndex: entry?.logIndex };
  if (entry && !isRekorV2Entry(entry) && Number(entry.integratedTime) > 0) {
    facts.integratedTime = new Date(Number(entry.integratedTime) * 1000).toISOString();
    if (trust) facts.logEntryUrl = logEntryUrl(trust, Buffer.from(entry.logId?.keyId ?? []).toString('base64'), entry.logIndex);
  }
  const token = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps[0]?.signedTimestamp;
  if (token) {
    try {
      const timestamp = RFC3161Timestamp.parse(token as Buffer<ArrayBuffer>);
      facts.timestamp = timestamp.signingTime.toISOString();
      facts.timestampAuthority = trust && timestampAuthorityName(trust, timestamp);
    } catch {
      // Malformed timestamps are refused by the verification itself; here there is just nothing to show.
    }
  }
  return facts;
}

/** The trusted root's name for the authority whose certificate signed the timestamp (by issuer and serial number). */
function timestampAuthorityName(trust: TrustContext, timestamp: RFC3161Timestamp): string | undefined {
  for (const authority of trust.root.timestampAuthorities) {
    const leaf = authority.certChain?.certificates[0];
    if (!leaf) continue;
    try {
      const certificate = X509Certificate.parse(leaf.rawBytes as Buffer<ArrayBuffer>);
      if (certificate.issuer.equals(timestamp.signerIssuer) && certificate.serialNumber.equals(timestamp.signerSerialNumber)) {
        return (
          [authority.subject?.commonName || authority.subject?.organization, authority.uri].filter(Boolean).join(', ') ||
          'a timestamp authority of the trusted root'
        );
      }
    } catch {
      continue;
    }
  }
  return undefined;
}
