// npm provenance: the attestations document for a version holds a SLSA provenance bundle
// (Fulcio certificate, Rekor entry) and a publish attestation signed with a registry key.
// @sigstore/verify checks signatures, chains and log proofs; two checks are ours: the in-toto
// subject must name this package and carry the tarball's sha512, and the publish attestation's
// key id must be one of the registry's keys. Pure: every input is passed in.

import * as crypto from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import type { KeyFinderFunc } from '@sigstore/verify';
import type { RegistryKey } from './npmRegistry';
import type { TrustContext } from '../../trust/trustedRoot';
import type { ProvenanceDetails } from '../../result';
import { type CodeOf, hasVerdict } from '../../reasons';
import type { ProvenanceStatus } from '../../verdict';
import { checkBundle, logEntryFacts, parseBundle } from '../../sigstore/bundleCheck';
import { readBuildIdentity } from '../../sigstore/certificate';
import { npmPurl } from './purl';

export const PUBLISH_PREDICATE = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';
const IN_TOTO_PAYLOAD = 'application/vnd.in-toto+json';

/** A status and a code that stands for it (reasons.ts); `absent` counts as fine (`verified`) unless a policy requires provenance. */
type StatusAndCode =
  { status: 'absent'; code: 'verified' } | { [S in Exclude<ProvenanceStatus, 'absent'>]: { status: S; code: CodeOf<S> } }[Exclude<ProvenanceStatus, 'absent'>];

export type ProvenanceResult = StatusAndCode & {
  message: string;
  details?: ProvenanceDetails;
};

export interface ProvenanceInput {
  name: string;
  version: string;
  integrity: string | undefined;
  /** The attestations document, or undefined when the version advertises none. */
  document: unknown;
}

export function verifyNpmProvenance(input: ProvenanceInput, keys: RegistryKey[], trust: TrustContext): ProvenanceResult {
  if (input.document === undefined) {
    return { status: 'absent', code: 'verified', message: 'This version was published without provenance.' };
  }
  const attestations = (input.document as { attestations?: unknown })?.attestations;
  if (!Array.isArray(attestations) || attestations.length === 0) {
    return { status: 'unverifiable', code: 'registry-error', message: 'The registry advertised attestations but returned none in a form we can read.' };
  }
  const sha512 = integrityHex(input.integrity, 'sha512');
  if (!sha512) {
    return { status: 'invalid', code: 'provenance-subject-mismatch', message: 'The version has attestations but no sha512 integrity to match them against.' };
  }
  const purl = npmPurl(input.name, input.version);
  const details: ProvenanceDetails = { predicateTypes: [] };
  let sawProvenance = false;

  // Every attestation is checked: one that cannot be decided must not hide a later one that fails.
  let undecided: ProvenanceResult | undefined;
  for (const attestation of attestations as Array<{ predicateType?: unknown; bundle?: unknown }>) {
    const predicateType = String(attestation?.predicateType ?? '');
    const fail = (code: CodeOf<'invalid'>, why: string): ProvenanceResult => ({
      status: 'invalid',
      code,
      message: `${label(predicateType)}: ${why}`,
      details,
    });
    details.predicateTypes.push(predicateType);
    const parsed = parseBundle(attestation?.bundle);
    // A malformed attestation, or one that is not a DSSE in-toto statement, is evidence that is wrong:
    // provenance-invalid (until issue 17, provenance-unsupported, which now only stands for a bundle
    // version this verifier does not know: undecided).
    if (!parsed.ok) {
      if (parsed.code === 'bundle-malformed') return fail('provenance-invalid', parsed.message);
      undecided ??= { status: 'unverifiable', code: 'provenance-unsupported', message: `${label(predicateType)}: ${parsed.message}`, details };
      continue;
    }
    const bundle = parsed.bundle;
    if (bundle.content.$case !== 'dsseEnvelope') return fail('provenance-invalid', 'expected a DSSE envelope');
    const envelope = bundle.content.dsseEnvelope;
    if (envelope.payloadType !== IN_TOTO_PAYLOAD) return fail('provenance-invalid', `unexpected payload type "${envelope.payloadType}"`);

    const subject = checkSubject(envelope.payload, purl, sha512);
    if (subject.problem) return fail('provenance-subject-mismatch', subject.problem);
    // The document's predicateType is a label beside the bundle; the signed statement's is the fact.
    if (subject.predicateType !== predicateType)
      return fail(
        'provenance-invalid',
        `the attestation is labelled ${predicateType || '(none)'} but its signed statement is ${String(subject.predicateType)}`,
      );

    const isPublish = predicateType === PUBLISH_PREDICATE;
    const keySigned = isPublish || bundle.verificationMaterial.content.$case === 'publicKey';
    if (keys.length === 0 && (keySigned || envelope.signatures[0]?.keyid)) {
      // No registry keys is missing trust material: undecidable, never a reason to call the evidence wrong.
      undecided ??= {
        status: 'unverifiable',
        code: 'registry-no-keys',
        message: `${label(predicateType)}: the registry publishes no keys to check it with.`,
        details,
      };
      continue;
    }
    // A certificate-signed envelope has an empty key id; any key id it does name must be the registry's.
    const namedKeyId = envelope.signatures[0]?.keyid;
    if (namedKeyId && !keys.some((k) => k.keyid === namedKeyId)) {
      return fail('provenance-keyid-mismatch', `names signing key "${namedKeyId}", which is not one of the registry's keys`);
    }
    let keyFinder: KeyFinderFunc | undefined;
    if (keySigned) {
      const keyid = envelope.signatures[0]?.keyid ?? '';
      const hint = bundle.verificationMaterial.content.$case === 'publicKey' ? bundle.verificationMaterial.content.publicKey.hint : '';
      const registryKey = keys.find((k) => k.keyid === keyid);
      if (!keyid || !registryKey || hint !== keyid) {
        return fail('provenance-keyid-mismatch', `signed with key id "${keyid || '(none)'}", which is not one of the registry's keys`);
      }
      keyFinder = registryKeyFinder(keys);
      details.publishKeyId = keyid;
    }

    const result = checkBundle(bundle, trust, keyFinder);
    if (!result.ok) {
      if (hasVerdict(result.code, 'invalid'))
        return { status: 'invalid', code: 'provenance-invalid', message: `${label(predicateType)}: ${result.message}`, details };
      undecided ??= {
        status: 'unverifiable',
        code: result.code === 'bundle-unsupported' ? 'provenance-unsupported' : 'trust-material-missing',
        message: `${label(predicateType)}: ${result.message}`,
        details,
      };
      continue;
    }
    if (!isPublish) {
      sawProvenance = true;
      Object.assign(details, describeProvenance(bundle, envelope.payload));
      details.logEntryUrl = logEntryFacts(bundle, trust).logEntryUrl;
    }
  }
  if (undecided) return undecided;
  if (!sawProvenance) {
    return { status: 'absent', code: 'verified', message: 'Only a publish attestation is present; there is no build provenance.', details };
  }
  return { status: 'verified', code: 'verified', message: 'Provenance verified.', details };
}

function label(predicateType: string): string {
  return predicateType === PUBLISH_PREDICATE ? 'publish attestation' : 'provenance attestation';
}

/** The statement's predicate type, and a problem description unless its subject is this tarball. */
function checkSubject(payload: Buffer, purl: string, sha512: string): { problem?: string; predicateType?: unknown } {
  let statement: { predicateType?: unknown; subject?: Array<{ name?: unknown; digest?: Record<string, unknown> }> };
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch {
    return { problem: 'the signed statement is not JSON' };
  }
  const predicateType = statement?.predicateType;
  if (!Array.isArray(statement?.subject) || statement.subject.length === 0) return { problem: 'the signed statement names no subject', predicateType };
  const match = statement.subject.find((s) => s?.name === purl);
  if (!match) return { problem: `the signed statement is about ${statement.subject.map((s) => String(s?.name)).join(', ')}, not ${purl}`, predicateType };
  if (match.digest?.sha512 !== sha512) return { problem: 'the signed sha512 digest differs from the tarball the registry serves', predicateType };
  return { predicateType };
}

function describeProvenance(bundle: Bundle, payload: Buffer): Partial<ProvenanceDetails> {
  const out: Partial<ProvenanceDetails> = {};
  const content = bundle.verificationMaterial.content;
  const certBytes =
    content.$case === 'x509CertificateChain'
      ? content.x509CertificateChain.certificates[0]?.rawBytes
      : content.$case === 'certificate'
        ? content.certificate.rawBytes
        : undefined;
  if (certBytes) {
    Object.assign(out, readBuildIdentity(X509Certificate.parse(certBytes as Buffer<ArrayBuffer>)));
  }
  const entry = bundle.verificationMaterial.tlogEntries[0];
  if (entry) {
    const { logIndex, integratedTime, timestamp } = logEntryFacts(bundle);
    Object.assign(out, { logIndex, integratedTime, timestamp });
    out.logId = Buffer.from(entry.logId?.keyId ?? []).toString('base64');
  }
  try {
    const predicate = JSON.parse(payload.toString('utf8')).predicate ?? {};
    // SLSA v0.2: builder.id + invocation.configSource; v1: runDetails.builder.id + buildDefinition.externalParameters.workflow.
    out.builderId = predicate.builder?.id ?? predicate.runDetails?.builder?.id;
    out.workflowPath = predicate.invocation?.configSource?.entryPoint ?? predicate.buildDefinition?.externalParameters?.workflow?.path;
  } catch {
    // already checked to be JSON
  }
  return out;
}

/** Resolves a public-key hint against the registry's keys; a key is valid until its expiry. */
function registryKeyFinder(keys: RegistryKey[]): KeyFinderFunc {
  return (hint: string) => {
    const key = keys.find((k) => k.keyid === hint);
    if (!key) throw Object.assign(new Error(`key ${hint} is not one of the registry's keys`), { code: 'PUBLIC_KEY_ERROR' });
    const expires = key.expires ? Date.parse(key.expires) : Infinity;
    return {
      publicKey: crypto.createPublicKey({ key: Buffer.from(key.key, 'base64'), format: 'der', type: 'spki' }),
      validFor: (date: Date) => date.getTime() < expires,
    };
  };
}

/** `sha512-<base64>` → hex, or undefined when the integrity has no such hash. */
export function integrityHex(integrity: string | undefined, algorithm: string): string | undefined {
  const entry = integrity?.split(/\s+/).find((part) => part.startsWith(algorithm + '-'));
  return entry ? Buffer.from(entry.slice(algorithm.length + 1), 'base64').toString('hex') : undefined;
}
