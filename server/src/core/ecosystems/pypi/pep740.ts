// PEP 740 attestations of one file on a Python index: the provenance object (attestation bundles,
// each with the Trusted Publisher that produced it) → Sigstore bundles (the mapping pypi-attestations'
// `to_bundle` makes) verified with @sigstore/verify, whose statement must name exactly this file
// (name and sha256), and whose certificate must be the publisher's: the same CI identity
// (issuer, source repository, workflow) the index vouches for. Pure: the trust material is passed in.

import type { TrustContext } from '../../trust/trustedRoot';
import type { BuildIdentity } from '../../sigstore/certificate';
import { type LogEntryFacts, checkBundle, logEntryFacts, parseBundle, signerIdentity } from '../../sigstore/bundleCheck';
import type { CodeOf, Failure } from '../../reasons';

export const PYPI_PUBLISH_PREDICATE = 'https://docs.pypi.org/attestations/publish/v1';

/** A Trusted Publisher as the index describes it (kind GitHub or GitLab are checked; others are reported). */
export interface Publisher {
  kind?: string;
  repository?: string;
  workflow?: string;
  /** GitLab names the CI file `workflow_filepath`. */
  workflow_filepath?: string;
  environment?: string | null;
}

export type AttestationFailure = Failure<CodeOf<'invalid' | 'unverifiable'>>;
export type AttestationCheck = ({ ok: true; publisher: Publisher; identity: BuildIdentity; predicateType: string } & LogEntryFacts) | AttestationFailure;

interface Attestation {
  version?: unknown;
  verification_material?: { certificate?: unknown; transparency_entries?: unknown };
  envelope?: { statement?: unknown; signature?: unknown };
}

/** Every attestation of the provenance object, checked against `filename` with `sha256`. */
export function checkProvenance(provenance: unknown, filename: string, sha256: string, trust: TrustContext): AttestationCheck[] {
  const bundles = (provenance as { attestation_bundles?: unknown })?.attestation_bundles;
  if (!Array.isArray(bundles) || bundles.length === 0)
    return [{ ok: false, code: 'provenance-invalid', message: 'the provenance object holds no attestation bundles' }];
  return bundles.flatMap((b: { publisher?: Publisher; attestations?: unknown }) =>
    Array.isArray(b?.attestations) && b.attestations.length > 0
      ? b.attestations.map((a: Attestation) => checkAttestation(a, b.publisher ?? {}, filename, sha256, trust))
      : [{ ok: false as const, code: 'provenance-invalid' as const, message: 'an attestation bundle holds no attestations' }],
  );
}

export function checkAttestation(attestation: Attestation, publisher: Publisher, filename: string, sha256: string, trust: TrustContext): AttestationCheck {
  const material = attestation?.verification_material;
  const envelope = attestation?.envelope;
  if (
    typeof material?.certificate !== 'string' ||
    typeof envelope?.statement !== 'string' ||
    typeof envelope.signature !== 'string' ||
    !Array.isArray(material.transparency_entries)
  ) {
    return {
      ok: false,
      code: 'provenance-invalid',
      message: 'the attestation is malformed (certificate, statement, signature or transparency entries missing)',
    };
  }
  // PEP 740 defines version 1 only; another version is a format this verifier does not know: an
  // unsupported format, undecided (until issue 17 it was labelled trust-material-missing).
  if (attestation.version !== 1)
    return {
      ok: false,
      code: 'provenance-unsupported',
      message: `the attestation has format version ${JSON.stringify(attestation.version)}; only version 1 is known`,
    };
  const parsed = parseBundle({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: material.certificate },
      tlogEntries: material.transparency_entries,
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: { payload: envelope.statement, payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: envelope.signature, keyid: '' }] },
  });
  if (!parsed.ok) return parsed;
  const statement = readStatement(Buffer.from(envelope.statement, 'base64'));
  if (!statement) return { ok: false, code: 'provenance-invalid', message: 'the attested statement is not an in-toto statement' };
  // The statement must be about this file: its name as the index serves it, and its digest.
  const subject = statement.subject.find((s) => s.name === filename);
  if (!subject)
    return {
      ok: false,
      code: 'provenance-subject-mismatch',
      message: `the attestation is about ${statement.subject.map((s) => s.name).join(', ') || 'nothing'}, not ${filename}`,
    };
  if (subject.digest?.sha256?.toLowerCase() !== sha256.toLowerCase())
    return {
      ok: false,
      code: 'provenance-subject-mismatch',
      message: `the attestation is for other content of ${filename} (sha256 ${subject.digest?.sha256 ?? 'missing'})`,
    };
  const checked = checkBundle(parsed.bundle, trust);
  if (!checked.ok) return checked;
  const identity = signerIdentity(parsed.bundle) ?? {};
  const mismatch = publisherMismatch(publisher, identity);
  if (mismatch) return { ok: false, code: 'provenance-invalid', message: mismatch };
  return { ok: true, publisher, identity, predicateType: statement.predicateType, ...logEntryFacts(parsed.bundle, trust) };
}

function readStatement(payload: Buffer): { predicateType: string; subject: Array<{ name?: string; digest?: Record<string, string> }> } | undefined {
  try {
    const s = JSON.parse(payload.toString('utf8'));
    return typeof s?._type === 'string' && Array.isArray(s.subject) && typeof s.predicateType === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

const ISSUERS: Record<string, string> = { github: 'https://token.actions.githubusercontent.com', gitlab: 'https://gitlab.com' };
const HOSTS: Record<string, string> = { github: 'https://github.com', gitlab: 'https://gitlab.com' };

/**
 * Why the certificate is not the publisher's, or undefined when it is. GitHub: the build ran
 * `.github/workflows/<workflow>` of the repository; GitLab: `<repository>//<workflow_filepath>`.
 * Other publisher kinds (Google, ActiveState) are matched on the issuer only by the index: said.
 */
export function publisherMismatch(publisher: Publisher, identity: BuildIdentity): string | undefined {
  const kind = publisher.kind?.toLowerCase() ?? '';
  const issuer = ISSUERS[kind];
  if (!issuer) return `the publisher kind ${publisher.kind ?? '(none)'} is not one this extension checks against the certificate`;
  if (identity.issuer !== issuer) return `signed through ${identity.issuer ?? 'an unknown issuer'}, but the publisher is ${publisher.kind} (${issuer})`;
  const repository = `${HOSTS[kind]}/${publisher.repository ?? ''}`;
  if (!publisher.repository || identity.sourceRepository?.toLowerCase() !== repository.toLowerCase())
    return `built from ${identity.sourceRepository ?? 'an unknown repository'}, but the publisher is ${repository}`;
  // The workflow that ran (the Build Config URI: the caller, when a reusable workflow did the signing),
  // as PyPI matches Trusted Publishers; older certificates only have the SAN.
  const signer = identity.buildConfigURI ?? identity.subjectAlternativeName ?? '';
  const workflow = kind === 'github' ? `/.github/workflows/${publisher.workflow ?? ''}@` : `//${publisher.workflow_filepath ?? publisher.workflow ?? ''}@`;
  if (!(publisher.workflow || publisher.workflow_filepath) || !signer.toLowerCase().startsWith(`${repository}${workflow}`.toLowerCase())) {
    return `signed by the workflow ${signer || '(unknown)'}, not the publisher's ${publisher.workflow ?? publisher.workflow_filepath ?? '(none)'}`;
  }
  return undefined;
}
