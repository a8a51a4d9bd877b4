// A Sigstore bundle attached to an image as an OCI 1.1 referrer (cosign v3 signatures and
// attestations): a DSSE envelope whose in-toto statement names the image digest as its subject.
// @sigstore/verify checks the signature, certificate and log; the subject is ours to check.

import * as crypto from 'node:crypto';
import type { KeyFinderFunc } from '@sigstore/verify';
import type { TrustContext } from '../../trust/trustedRoot';
import { checkBundle, logEntryFacts, parseBundle, signerIdentity } from '../../sigstore/bundleCheck';
import type { CosignCheck } from './cosignLayer';
import type { PublicKeyEntry } from '../../trust/signers';

/** cosign's predicate for a plain signature in the new bundle format; anything else is an attestation. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

export type BundleCheckResult = CosignCheck & { predicateType?: string; builderId?: string };

interface Statement {
  predicateType?: unknown;
  subject?: Array<{ digest?: Record<string, string> }>;
  predicate?: { builder?: { id?: unknown }; runDetails?: { builder?: { id?: unknown } } };
}

/**
 * The in-toto statement a DSSE envelope signs, and whether it is about `imageDigest` (`error` says
 * why not); for SLSA provenance, the builder it names (v0.2 `builder.id`, v1 `runDetails.builder.id`).
 */
export function readStatement(payload: Buffer, imageDigest: string): { predicateType?: string; builderId?: string; error?: string } {
  let statement: Statement;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch {
    return { error: 'the signed statement is not JSON' };
  }
  const predicateType = typeof statement?.predicateType === 'string' ? statement.predicateType : undefined;
  const [algorithm, hex] = imageDigest.split(':');
  const subjects = Array.isArray(statement?.subject) ? statement.subject : [];
  if (!subjects.some((s) => s?.digest?.[algorithm] === hex)) return { predicateType, error: `the signed statement is not about ${imageDigest}` };
  const builderId = statement.predicate?.runDetails?.builder?.id ?? statement.predicate?.builder?.id;
  return { predicateType, builderId: typeof builderId === 'string' ? builderId : undefined };
}

export function verifyImageBundle(json: unknown, imageDigest: string, trust: TrustContext, keys: PublicKeyEntry[]): BundleCheckResult {
  const parsed = parseBundle(json);
  if (!parsed.ok) return parsed;
  const bundle = parsed.bundle;
  let predicateType: string | undefined;
  let builderId: string | undefined;
  if (bundle.content.$case === 'dsseEnvelope') {
    const statement = readStatement(bundle.content.dsseEnvelope.payload, imageDigest);
    ({ predicateType, builderId } = statement);
    if (statement.error) return { ok: false, code: 'signature-invalid', message: statement.error, predicateType };
  } else {
    const signed = bundle.content.messageSignature.messageDigest?.digest;
    if (!signed || `sha256:${Buffer.from(signed).toString('hex')}` !== imageDigest)
      return { ok: false, code: 'signature-invalid', message: `the signature is not over ${imageDigest}` };
  }
  if (bundle.verificationMaterial.content.$case === 'publicKey') {
    // Key-signed: one of the accepted keys must verify it.
    if (keys.length === 0)
      return { ok: false, code: 'trust-material-missing', message: 'signed with a key, and no public key is configured for this image', predicateType };
    for (const key of keys) {
      const finder: KeyFinderFunc = () => ({ publicKey: crypto.createPublicKey(key.pem), validFor: () => true });
      if (checkBundle(bundle, trust, finder, !key.ignoreTlog).ok) return { ok: true, keyName: key.name, predicateType, builderId };
    }
    return {
      ok: false,
      code: 'signer-not-allowed',
      message: `signed with a key that is not among the accepted keys (${keys.map((k) => k.name).join(', ')})`,
      predicateType,
    };
  }
  const result = checkBundle(bundle, trust);
  if (!result.ok) return { ...result, predicateType };
  return { ok: true, identity: signerIdentity(bundle), ...logEntryFacts(bundle, trust), predicateType, builderId };
}
