// Verifies a local file against the Sigstore bundle beside it, with `cosign verify-blob --bundle`
// semantics: the signature (or, for a DSSE bundle, the in-toto statement whose subject must be this
// file, or any other payload, which must be this file) checked by @sigstore/verify against the
// trusted root, then the signer compared with what
// the user expects — certificate identity and issuer, exactly or by a fully anchored pattern
// (@sigstore/verify's own SAN check is an unanchored match, so it is not used), or a public key.
// Pure: bytes, trust and expectations in; a verdict out.

import * as crypto from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import type { KeyFinderFunc } from '@sigstore/verify';
import type { TrustContext } from '../trust/trustedRoot';
import type { Verdict } from '../verdict';
import { type VerdictCode, verdictOf } from '../reasons';
import { type ArtifactExpectation, type ExpectedSigner, identityMatches } from '../trust/signers';
import { type ArtifactDigest, KNOWN_BUNDLE_TYPES, type LogEntryFacts, checkBundle, logEntryFacts, parseBundle, signerIdentity } from '../sigstore/bundleCheck';
import type { BuildIdentity } from '../sigstore/certificate';

const DIGESTS: Record<string, string> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };
// A bundle's stated message digest, by its protobuf enum value (the parsed bundle holds numbers, not names).
const MESSAGE_DIGESTS: Partial<Record<HashAlgorithm, string>> = {
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
};

/**
 * The file's bytes, or only its digest: enough for a message signature (an ECDSA or RSA signature
 * is over the digest), an in-toto statement (which names its subject by digest) or any other DSSE
 * payload (whose digest is compared).
 */
export type ArtifactInput = Buffer | { algorithm: 'sha256' | 'sha384' | 'sha512'; hex: string };

export interface ArtifactVerdict extends LogEntryFacts {
  /** The code's verdict (reasons.ts). */
  verdict: Verdict;
  code: VerdictCode;
  reason: string;
  kind?: 'message-signature' | 'dsse';
  predicateType?: string;
  /** A DSSE envelope's payload type, when it is not an in-toto statement. */
  payloadType?: string;
  /** The verified signer, also when the verdict is a policy violation or unconfirmed. */
  identity?: BuildIdentity;
  keyName?: string;
}

export type { ArtifactExpectation, ExpectedSigner } from '../trust/signers';

export function verifyArtifact(artifact: ArtifactInput, bundleText: string, trust: TrustContext, expected: ArtifactExpectation): ArtifactVerdict {
  const result = (code: VerdictCode, reason: string, extra: Partial<ArtifactVerdict> = {}): ArtifactVerdict => ({
    verdict: verdictOf(code),
    code,
    reason,
    ...extra,
  });
  let json: { mediaType?: unknown };
  try {
    json = JSON.parse(bundleText);
  } catch {
    return result('bundle-malformed', 'The bundle is not JSON.');
  }
  if (typeof json?.mediaType !== 'string' || !KNOWN_BUNDLE_TYPES.has(json.mediaType)) {
    return result('bundle-unsupported', `The bundle's media type (${String(json?.mediaType)}) is not a Sigstore bundle version this verifier knows.`);
  }
  const parsed = parseBundle(json);
  if (!parsed.ok) return result(parsed.code, `${capitalise(parsed.message)}.`);
  const bundle = parsed.bundle;

  const binding = bindsArtifact(bundle, artifact);
  if ('error' in binding) return result(binding.code, binding.error, { kind: binding.kind });
  const { kind, predicateType, payloadType } = binding;
  const logged = { kind, predicateType, payloadType, ...logEntryFacts(bundle, trust) };
  const signed = signedInput(artifact);

  if (bundle.verificationMaterial.content.$case === 'publicKey') {
    if (expected.keys.length === 0) return result('trust-material-missing', 'Signed with a key; name its public key to verify it.', logged);
    const witnessed =
      bundle.verificationMaterial.tlogEntries.length > 0 || (bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0) > 0;
    const failures: string[] = [];
    for (const key of expected.keys) {
      if (!witnessed && !key.ignoreTlog) {
        failures.push(`${key.name}: no transparency-log entry or timestamp (accept that with --insecure-ignore-tlog / ignoreTlog)`);
        continue;
      }
      const finder: KeyFinderFunc = () => ({ publicKey: crypto.createPublicKey(key.pem), validFor: () => true });
      const check = checkBundle(bundle, trust, finder, !key.ignoreTlog, signed);
      if (check.ok) return result('verified', `Signed with ${key.name}.`, { ...logged, keyName: key.name });
      // Not a key's failure: the bundle cannot be decided whichever key is tried.
      if (check.code === 'bundle-unsupported') return result(check.code, `${capitalise(check.message)}.`, logged);
      failures.push(`${key.name}: ${check.message}`);
    }
    const undecided = !witnessed && expected.keys.every((k) => !k.ignoreTlog);
    return undecided
      ? result('trust-material-missing', `Signed with a key but without a transparency-log entry or timestamp (${failures.join('; ')}).`, logged)
      : result(
          'signature-invalid',
          `The signature does not verify with the expected key — another key signed it, or the file or bundle changed (${failures.join('; ')}).`,
          logged,
        );
  }

  if (bundle.verificationMaterial.tlogEntries.length === 0) {
    return result(
      'trust-material-missing',
      'Signed with a certificate but not recorded in a transparency log, which a keyless signature needs to show when it was made.',
      logged,
    );
  }
  const check = checkBundle(bundle, trust, undefined, true, signed);
  if (!check.ok) return result(check.code, `${capitalise(check.message)}.`, logged);
  const identity = signerIdentity(bundle);
  const who = `${identity?.subjectAlternativeName ?? 'an unknown identity'} (issuer ${identity?.issuer ?? 'unknown'})`;
  const verifiedBy = { ...logged, identity };
  if (expected.signers.length === 0) {
    if (expected.keys.length > 0)
      return result(
        'signer-not-allowed',
        `Signed by ${who} with a certificate, not with the expected key (${expected.keys.map((k) => k.name).join(', ')}).`,
        verifiedBy,
      );
    return result('identity-unconfirmed', `A valid signature by ${who}; no expected signer is set, so it is not yet trusted.`, verifiedBy);
  }
  if (expected.signers.some((s) => identityMatches(s, identity))) return result('verified', `Signed by ${who}.`, verifiedBy);
  return result('signer-not-allowed', `Signed by ${who}, which is not an expected signer (${expected.signers.map(describeSigner).join(', ')}).`, verifiedBy);
}

type Binding = { kind: ArtifactVerdict['kind']; predicateType?: string; payloadType?: string };
type BindingFailure = { kind: ArtifactVerdict['kind']; code: 'bundle-unsupported' | 'artifact-mismatch' | 'bundle-malformed'; error: string };

/** Whether the bundle is about this artifact: the message digest, the statement's subject, or the payload itself. */
function bindsArtifact(bundle: Bundle, artifact: ArtifactInput): Binding | BindingFailure {
  const digestOf = (algorithm: string) =>
    Buffer.isBuffer(artifact)
      ? crypto.createHash(algorithm).update(artifact).digest('hex')
      : artifact.algorithm === algorithm
        ? artifact.hex.toLowerCase()
        : undefined;
  if (bundle.content.$case === 'messageSignature') {
    const kind = 'message-signature';
    const digest = bundle.content.messageSignature.messageDigest;
    const algorithm = digest && MESSAGE_DIGESTS[digest.algorithm];
    if (!Buffer.isBuffer(artifact) && algorithm && algorithm !== artifact.algorithm) {
      return { kind, code: 'bundle-unsupported', error: `The bundle signs the file's ${algorithm} digest: give the file, or its ${algorithm}: digest.` };
    }
    // The signature itself is checked over these bytes (or this digest) by @sigstore/verify; a stated digest must agree too.
    if (digest && algorithm && digestOf(algorithm) !== Buffer.from(digest.digest).toString('hex')) {
      return { kind, code: 'artifact-mismatch', error: "The bundle is for another file: its message digest differs from this file's." };
    }
    return { kind };
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== 'application/vnd.in-toto+json') {
    // Any other payload is what was signed: it must be this very file (as sigstore-js verifies it).
    const payloadType = envelope.payloadType;
    const algorithm = Buffer.isBuffer(artifact) ? 'sha256' : artifact.algorithm;
    if (digestOf(algorithm) !== crypto.createHash(algorithm).update(envelope.payload).digest('hex')) {
      return { kind: 'dsse', code: 'artifact-mismatch', error: `The bundle signs another ${payloadType || 'payload'}: its payload is not this file.` };
    }
    return { kind: 'dsse', payloadType };
  }
  let statement: { predicateType?: unknown; subject?: Array<{ digest?: Record<string, string> }> };
  try {
    statement = JSON.parse(envelope.payload.toString('utf8'));
  } catch {
    return { kind: 'dsse', code: 'bundle-malformed', error: 'The signed statement is not JSON.' };
  }
  const predicateType = typeof statement?.predicateType === 'string' ? statement.predicateType : undefined;
  const subjects = Array.isArray(statement?.subject) ? statement.subject : [];
  const about = subjects.some((s) =>
    Object.entries(s?.digest ?? {}).some(([name, hex]) => DIGESTS[name] !== undefined && digestOf(DIGESTS[name]) === String(hex).toLowerCase()),
  );
  if (!about) return { kind: 'dsse', code: 'artifact-mismatch', error: 'The signed statement is about another file: no subject digest matches this file.' };
  return { kind: 'dsse', predicateType };
}

/** What a message signature is checked over: the file's bytes, or the digest given for them. */
function signedInput(artifact: ArtifactInput): Buffer | ArtifactDigest {
  return Buffer.isBuffer(artifact) ? artifact : { algorithm: artifact.algorithm, digest: Buffer.from(artifact.hex, 'hex') };
}

function describeSigner(s: ExpectedSigner): string {
  const subject = s.subject ?? (s.subjectPattern ? `/${s.subjectPattern}/` : 'any identity');
  const issuer = s.issuer ?? (s.issuerPattern ? `/${s.issuerPattern}/` : 'any issuer');
  return `${subject} (${issuer})`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
