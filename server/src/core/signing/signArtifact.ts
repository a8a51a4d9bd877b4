// Signs a local artifact with Sigstore and returns the bundle to write beside it. Keyless: a
// Fulcio certificate for the caller's OIDC identity; key-based: the user's own key. Witnessed by
// Rekor (the transparency log) and/or an RFC 3161 timestamp authority, as configured. A blob gets a
// message-signature bundle; an in-toto statement gets a DSSE bundle (and SBOMs are wrapped into
// one, see sbomStatement). All through @sigstore/sign; endpoints come from the user's settings.

import type * as crypto from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import { BUNDLE_V03_MEDIA_TYPE, type Bundle, bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import {
  type BundleBuilder,
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  type Signer,
  TSAWitness,
  type Witness,
} from '@sigstore/sign';
import { logEntryFacts } from '../sigstore/bundleCheck';
import { type BuildIdentity, readBuildIdentity } from '../sigstore/certificate';
import { keyHint, keySigner } from '../../shared/keys';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface SigstoreEndpoints {
  fulcioUrl: string;
  /** The transparency log; undefined signs without a log entry (key-based, offline). */
  rekorUrl?: string;
  /** An RFC 3161 timestamp authority, in addition to or instead of the log. */
  tsaUrl?: string;
  timeoutMs?: number;
}

export type SigningIdentity = { kind: 'oidc'; token: () => Promise<string> } | { kind: 'key'; privateKey: crypto.KeyObject };

export interface SignedArtifact {
  bundle: SerializedBundle;
  /** Who signed: the certificate's identity (keyless) or the key's hint. */
  identity?: BuildIdentity;
  keyHint?: string;
  logIndex?: string;
  integratedTime?: string;
}

export class SigningError extends Error {}

/** `payloadType`: set for DSSE (an in-toto statement); absent signs the bytes as a blob. */
export async function signArtifact(data: Buffer, identity: SigningIdentity, endpoints: SigstoreEndpoints, payloadType?: string): Promise<SignedArtifact> {
  const witnesses: Witness[] = [];
  const fetchOptions = { timeout: endpoints.timeoutMs ?? 30_000, retry: 2 };
  // DSSE entries go in as `intoto` (what npm provenance and cosign attestations use).
  if (endpoints.rekorUrl)
    witnesses.push(new RekorWitness({ rekorBaseURL: endpoints.rekorUrl, entryType: payloadType ? 'intoto' : undefined, ...fetchOptions }));
  if (endpoints.tsaUrl) witnesses.push(new TSAWitness({ tsaBaseURL: endpoints.tsaUrl, ...fetchOptions }));
  // A short-lived certificate is only as good as the log entry that shows it was used in its
  // lifetime; verifiers (cosign's default, ours) require one for keyless signatures.
  if (identity.kind === 'oidc' && !endpoints.rekorUrl)
    throw new SigningError('keyless signatures must be recorded in the transparency log: turn the log upload on, or sign with a key');
  const signer: Signer =
    identity.kind === 'oidc'
      ? new FulcioSigner({ identityProvider: { getToken: identity.token }, fulcioBaseURL: endpoints.fulcioUrl, ...fetchOptions })
      : keySigner(identity.privateKey);
  const builder: BundleBuilder = payloadType ? new DSSEBundleBuilder({ signer, witnesses }) : new MessageSignatureBundleBuilder({ signer, witnesses });
  let bundle: Bundle;
  try {
    bundle = await builder.create({ data, type: payloadType });
  } catch (error) {
    throw new SigningError(describeFailure(error));
  }
  bundle = asV03(bundle);
  const content = bundle.verificationMaterial.content;
  const entry = bundle.verificationMaterial.tlogEntries[0];
  const certificate =
    content.$case === 'certificate'
      ? content.certificate.rawBytes
      : content.$case === 'x509CertificateChain'
        ? content.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  return {
    bundle: bundleToJSON(bundle),
    identity: certificate ? readBuildIdentity(X509Certificate.parse(certificate as Buffer<ArrayBuffer>)) : undefined,
    keyHint: identity.kind === 'key' ? keyHint(identity.privateKey) : undefined,
    logIndex: entry?.logIndex,
    integratedTime: logEntryFacts(bundle).integratedTime,
  };
}

/**
 * @sigstore/sign 4 writes message signatures as v0.2 bundles (a one-certificate "chain"); v0.3,
 * the current format, holds that certificate on its own. Same evidence, current shape.
 */
function asV03(bundle: Bundle): Bundle {
  const material = bundle.verificationMaterial;
  if (bundle.mediaType === BUNDLE_V03_MEDIA_TYPE) return bundle;
  if (material.content.$case === 'x509CertificateChain') {
    const [leaf, ...rest] = material.content.x509CertificateChain.certificates;
    if (!leaf || rest.length > 0) return bundle;
    return {
      ...bundle,
      mediaType: BUNDLE_V03_MEDIA_TYPE,
      verificationMaterial: { ...material, content: { $case: 'certificate', certificate: leaf } },
    } as Bundle;
  }
  return { ...bundle, mediaType: BUNDLE_V03_MEDIA_TYPE } as Bundle;
}

/** @sigstore/sign's errors carry a code and a cause; say which service failed, never the token. */
function describeFailure(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { message?: string } };
  const where: Record<string, string> = {
    CA_CREATE_SIGNING_CERTIFICATE_ERROR: 'Fulcio did not issue a certificate',
    TLOG_CREATE_ENTRY_ERROR: 'Rekor did not record the signature',
    TSA_CREATE_TIMESTAMP_ERROR: 'the timestamp authority did not timestamp the signature',
    IDENTITY_TOKEN_READ_ERROR: 'no identity token',
    IDENTITY_TOKEN_PARSE_ERROR: 'the identity token is not a JWT',
  };
  const cause = e.cause?.message ? ` (${e.cause.message})` : '';
  return `${(e.code && where[e.code]) ?? e.message ?? 'signing failed'}${cause}`.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<token>');
}
