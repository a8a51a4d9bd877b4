// A cosign attestation as `cosign attest` writes it to the `sha256-<hex>.att` tag (cosign before
// v3, and v3 with the old format): each layer is a DSSE envelope (media type
// application/vnd.dsse.envelope.v1+json) whose in-toto statement names the image digest, with the
// same certificate / Rekor annotations as a `.sig` layer and an empty signature annotation. How the
// signer is trusted is cosignLayer.ts; this module checks the envelope, its statement and the log
// entry body — the checks cosign's own VerifyBundle makes for attestations: the entry's recorded
// hash is the sha256 of the layer exactly as stored, and its key is the signer's.

import type { PublicKeyEntry } from '../../trust/signers';
import { dsse } from '@sigstore/core';
import * as crypto from 'node:crypto';
import type { TrustContext } from '../../trust/trustedRoot';
import { type LogEntryBody, loggedKeyMatches, sha256Hex, verifyCosignLayer } from './cosignLayer';
import { type BundleCheckResult, readStatement } from './imageBundle';

export const DSSE_LAYER = 'application/vnd.dsse.envelope.v1+json';
const IN_TOTO = 'application/vnd.in-toto+json';

interface Envelope {
  payloadType?: unknown;
  payload?: unknown;
  signatures?: Array<{ sig?: unknown }>;
}

/** The fields of the log entry kinds cosign records attestations as, that it compares. */
interface IntotoOrDsseSpec {
  // intoto 0.0.1 and 0.0.2
  content?: { hash?: { algorithm?: string; value?: string }; envelope?: { signatures?: Array<{ publicKey?: string }> } };
  publicKey?: string;
  // dsse 0.0.1
  envelopeHash?: { algorithm?: string; value?: string };
  signatures?: Array<{ verifier?: string }>;
}

/** `layer`: the stored bytes of one `.att` layer; `annotations`: that layer's annotations. */
export function verifyCosignAttestation(
  layer: Buffer,
  annotations: Record<string, string>,
  imageDigest: string,
  trust: TrustContext,
  keys: PublicKeyEntry[],
): BundleCheckResult {
  const fail = (message: string, predicateType?: string): BundleCheckResult => ({ ok: false, code: 'signature-invalid', message, predicateType });
  let envelope: Envelope;
  try {
    envelope = JSON.parse(layer.toString('utf8'));
  } catch {
    return fail('an attestation layer is not a JSON DSSE envelope');
  }
  if (envelope?.payloadType !== IN_TOTO)
    return fail(`an attestation layer's envelope is not an in-toto statement (payload type ${String(envelope?.payloadType)})`);
  if (typeof envelope.payload !== 'string' || !Array.isArray(envelope.signatures) || envelope.signatures.length === 0)
    return fail("an attestation layer's envelope has no payload or no signature");
  const payload = Buffer.from(envelope.payload, 'base64');
  const statement = readStatement(payload, imageDigest);
  if (statement.error) return fail(statement.error, statement.predicateType);
  // cosign labels the layer with the statement's predicate type; a label that disagrees was not written by the signer.
  const label = annotations.predicateType;
  if (label !== undefined && label !== statement.predicateType)
    return fail(`an attestation layer is labelled ${label} but its signed statement is ${statement.predicateType}`, statement.predicateType);
  const signed = dsse.preAuthEncoding(IN_TOTO, payload);
  const signatures = envelope.signatures.flatMap((s) => (typeof s?.sig === 'string' ? [Buffer.from(s.sig, 'base64')] : []));
  const check = verifyCosignLayer(
    {
      annotations,
      // Any one signature by the key is enough, as with cosign's DSSE verifier.
      signedBy: (key) => signatures.some((signature) => crypto.verify('sha256', signed, key, signature)),
      logEntryMismatch: (entry: LogEntryBody, publicKeyPem) => {
        const recorded = recordedHashAndKey(entry);
        if (!recorded)
          return {
            code: 'bundle-unsupported',
            message: `transparency-log entries of kind "${entry.kind}" ${entry.apiVersion ?? ''} are not supported for cosign attestations`,
          };
        if (recorded.hash?.algorithm !== 'sha256' || recorded.hash.value !== sha256Hex(layer) || !loggedKeyMatches(recorded.key, publicKeyPem)) {
          return { code: 'signature-invalid', message: 'the transparency-log entry is for another envelope or key' };
        }
        return undefined;
      },
    },
    trust,
    keys,
  );
  return { ...check, predicateType: statement.predicateType, builderId: statement.builderId };
}

/** Where each entry kind keeps the recorded envelope hash and signer key; undefined for kinds cosign does not use for attestations. */
function recordedHashAndKey(entry: LogEntryBody): { hash?: { algorithm?: string; value?: string }; key?: string } | undefined {
  const spec = (entry.spec ?? {}) as IntotoOrDsseSpec;
  if (entry.kind === 'intoto' && entry.apiVersion === '0.0.1') return { hash: spec.content?.hash, key: spec.publicKey };
  // One signature per envelope, as cosign requires of these entries.
  if (entry.kind === 'intoto' && entry.apiVersion === '0.0.2') return { hash: spec.content?.hash, key: single(spec.content?.envelope?.signatures)?.publicKey };
  if (entry.kind === 'dsse' && entry.apiVersion === '0.0.1') return { hash: spec.envelopeHash, key: single(spec.signatures)?.verifier };
  return undefined;
}

function single<T>(items: T[] | undefined): T | undefined {
  return items?.length === 1 ? items[0] : undefined;
}
