// One call that verifies a Sigstore bundle with @sigstore/verify and turns every outcome into
// our vocabulary. @sigstore/verify does no I/O; trust material is passed in.

import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { type KeyFinderFunc, type Signer, Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import type { TrustContext } from '../../trust/trustedRoot';
import { bundleInconsistency } from './bundleConsistency';
import { type BuildIdentity, readBuildIdentity } from './certificate';

export type BundleCheck =
  | { ok: true; bundle: Bundle; signer: Signer }
  /** `invalid`: evidence exists and is wrong. `unverifiable`: we lack the trust material to decide. */
  | { ok: false; status: 'invalid' | 'unverifiable'; message: string };

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
export function parseBundle(json: unknown): { bundle: Bundle } | { error: string; status: 'invalid' | 'unverifiable' } {
  const mediaType = (json as { mediaType?: unknown })?.mediaType;
  if (typeof mediaType === 'string' && mediaType.startsWith('application/vnd.dev.sigstore.bundle') && !KNOWN_BUNDLE_TYPES.has(mediaType)) {
    return { error: `the bundle's media type (${mediaType}) is not a Sigstore bundle version this verifier knows`, status: 'unverifiable' };
  }
  if (typeof mediaType !== 'string' || !KNOWN_BUNDLE_TYPES.has(mediaType)) {
    return { error: `the Sigstore bundle is malformed (media type ${JSON.stringify(mediaType)})`, status: 'invalid' };
  }
  try {
    const bundle = bundleFromJSON(json);
    // v0.3 introduced the single `certificate`; a bundle that says it is older cannot hold one.
    if (bundle.verificationMaterial.content.$case === 'certificate' && /version=0\.[12]$/.test(bundle.mediaType)) {
      return { error: `the Sigstore bundle is malformed (a ${bundle.mediaType.split(';')[1]} bundle cannot carry a single certificate, which version 0.3 introduced)`, status: 'invalid' };
    }
    return { bundle };
  } catch (error) {
    return { error: `the Sigstore bundle is malformed (${(error as Error).message})`, status: 'invalid' };
  }
}

/**
 * Verifies a DSSE/message-signature bundle. `keys` resolves public-key hints (key-signed bundles);
 * `requireLogEntry: false` accepts a key-signed bundle without a transparency-log entry (cosign's
 * --insecure-ignore-tlog, which the user grants per key). `artifact`: the bytes a message
 * signature signs (a DSSE envelope carries what it signs).
 */
export function checkBundle(bundle: Bundle, trust: TrustContext, keys?: KeyFinderFunc, requireLogEntry = true, artifact?: Buffer, thresholds?: Thresholds): BundleCheck {
  const unknownLog = bundle.verificationMaterial.tlogEntries.find(
    (entry) => !trust.logIds.has(Buffer.from(entry.logId?.keyId ?? []).toString('base64')),
  );
  if (unknownLog && bundle.verificationMaterial.tlogEntries.length === 1) {
    return {
      ok: false,
      status: 'unverifiable',
      message: `recorded in a transparency log the trusted root (${trust.source}) does not know; refresh the trusted root`,
    };
  }
  const inconsistent = bundleInconsistency(bundle, trust.root);
  if (inconsistent) return { ok: false, status: 'invalid', message: `the bundle contradicts itself: ${inconsistent}` };
  try {
    const material = keys ? { ...trust.material, publicKey: toTrustMaterial(trust.root, keys).publicKey } : trust.material;
    // Key-signed bundles (npm publish attestations) carry no certificate, so no SCT is expected.
    const keySigned = bundle.verificationMaterial.content.$case === 'publicKey';
    const withoutLog = keySigned && !requireLogEntry;
    const verifier = new Verifier(material, thresholds ?? { ctlogThreshold: keySigned ? 0 : 1, tlogThreshold: withoutLog ? 0 : 1, timestampThreshold: withoutLog ? 0 : 1 });
    if (bundle.content.$case === 'messageSignature' && !artifact) return { ok: false, status: 'unverifiable', message: 'a message signature can only be checked against the bytes it signs' };
    const signer = verifier.verify(toSignedEntity(bundle, artifact));
    return { ok: true, bundle, signer };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { ok: false, status: 'invalid', message: `${describe(code)}: ${(error as Error).message}` };
  }
}

const DESCRIPTIONS: Record<string, string> = {
  SIGNATURE_ERROR: 'the signature does not match the signed content',
  CERTIFICATE_ERROR: 'the signing certificate does not chain to the trusted root',
  PUBLIC_KEY_ERROR: 'the signing key is unknown or was not valid at signing time',
  TLOG_ERROR: 'the transparency log entry does not verify',
  TLOG_INCLUSION_PROOF_ERROR: 'the transparency log inclusion proof does not verify',
  TLOG_INCLUSION_PROMISE_ERROR: 'the transparency log promise (signed entry timestamp) does not verify',
  TLOG_MISSING_INCLUSION_ERROR: 'the transparency log entry has neither proof nor promise',
  TLOG_BODY_ERROR: 'the transparency log entry does not describe this signature',
  TIMESTAMP_ERROR: 'the signing time cannot be established',
  UNTRUSTED_SIGNER_ERROR: 'the signer is not the expected identity',
  NOT_IMPLEMENTED_ERROR: 'the bundle uses a feature this verifier does not support',
};

function describe(code: string | undefined): string {
  return (code && DESCRIPTIONS[code]) || 'verification failed';
}

/** The signing (leaf) certificate of a keyless bundle; undefined for a key-signed one. */
export function signingCertificate(bundle: Bundle): X509Certificate | undefined {
  const content = bundle.verificationMaterial.content;
  const raw = content.$case === 'certificate' ? content.certificate.rawBytes : content.$case === 'x509CertificateChain' ? content.x509CertificateChain.certificates[0]?.rawBytes : undefined;
  return raw ? X509Certificate.parse(raw as Buffer<ArrayBuffer>) : undefined;
}

/** What the signing certificate says about the signer and the build. */
export function signerIdentity(bundle: Bundle): BuildIdentity | undefined {
  const certificate = signingCertificate(bundle);
  return certificate && readBuildIdentity(certificate);
}

/** The bundle's (first) transparency-log entry: its index, and when the log integrated it. */
export function logEntryFacts(bundle: Bundle): { logIndex?: string; integratedTime?: string } {
  const entry = bundle.verificationMaterial.tlogEntries[0];
  return { logIndex: entry?.logIndex, integratedTime: entry ? new Date(Number(entry.integratedTime) * 1000).toISOString() : undefined };
}
