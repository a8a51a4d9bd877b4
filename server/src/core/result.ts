// What a verification produces for one package, in every ecosystem. The CLI's JSON output,
// diagnostics, hovers and the tree view are all views of this one shape.

import type { Ecosystem } from './dependency';
import type { BuildIdentity } from './sigstore/certificate';
import { type Finding, type UnverifiableCode, type VerdictCode, verdictOf } from './reasons';
import type { ProvenanceStatus, SignatureStatus, Verdict } from './verdict';

/** What verified provenance says about the build, in every ecosystem. */
export interface ProvenanceDetails extends BuildIdentity {
  predicateTypes: string[];
  builderId?: string;
  workflowPath?: string;
  logIndex?: string;
  /** When the log integrated the entry (Rekor v1; a Rekor v2 entry has no such time)… */
  integratedTime?: string;
  /** …or when a signed timestamp says it was signed, and which authority says so. */
  timestamp?: string;
  timestampAuthority?: string;
  logId?: string;
  /** The entry in the log the trusted root names for it (works for private deployments too). */
  logEntryUrl?: string;
  publishKeyId?: string;
  /** The accepted public key that signed the provenance, when it was signed with a key rather than keyless. */
  signerKey?: string;
}

/** The web page of the commit provenance names, where the source repository says which. */
export function commitUrl(d: ProvenanceDetails | undefined): string | undefined {
  return d?.sourceRepository && d.sourceCommit ? `${d.sourceRepository}/commit/${d.sourceCommit}` : undefined;
}

/** Where an image's attestation is kept: a layer of cosign's `.att` tag, or an OCI referrer. */
export interface AttestationLocation {
  kind: 'att' | 'referrer';
  digest: string;
}

/** A verified attestation of an image that carries an SBOM, and who signed it. */
export interface AttestedSbom {
  predicateType: string;
  location: AttestationLocation;
  /** Certificate identity and issuer (keyless) or the accepted key's name. */
  subject?: string;
  issuer?: string;
  key?: string;
  logIndex?: string;
}

export interface ImageSigner {
  /** Certificate identity (SAN) and OIDC issuer, for keyless signatures… */
  subject?: string;
  issuer?: string;
  /** …or the name of the accepted public key. */
  key?: string;
  logIndex?: string;
  integratedTime?: string;
  timestamp?: string;
  timestampAuthority?: string;
}

/**
 * When a signature was made, as the evidence proves it: the log's integration time (Rekor v1), or
 * the time a signed timestamp proves and who signed it (Rekor v2, or no log). Never a made-up time.
 */
export function signingTime(facts: { integratedTime?: string; timestamp?: string; timestampAuthority?: string }): string | undefined {
  if (facts.integratedTime) return `integrated ${facts.integratedTime}`;
  if (facts.timestamp) return `timestamped ${facts.timestamp}${facts.timestampAuthority ? ` by ${facts.timestampAuthority}` : ''}`;
  return undefined;
}

export interface PackageResult {
  ecosystem: Ecosystem;
  name: string;
  /** The version that was checked (resolved from the range when the file gives a range). */
  version?: string;
  purl?: string;
  registry?: string;
  integrity?: string;
  signature: SignatureStatus;
  signatureKeyId?: string;
  signatureReason: string;
  provenance: ProvenanceStatus;
  provenanceReason: string;
  provenanceDetails?: ProvenanceDetails;
  verdict: Verdict;
  /** A verdict code of the table (reasons.ts); its verdict is `verdict`. */
  code: VerdictCode;
  reason: string;
  /** Warnings that do not change the verdict without a policy (downgrade, repository mismatch). */
  findings: Finding[];
  /** The nearest later version published with provenance, when this one has none (for the upgrade quick fix). */
  upgradeWithProvenance?: string;
  /** Images: the manifest digest the reference resolved to, and who signed it. */
  digest?: string;
  signers?: ImageSigner[];
  /** GitHub Actions: the commit the ref names (itself when pinned), for "pin to commit". */
  commit?: string;
  /** Images: the verified attestations that carry an SBOM, and who signed each. */
  sboms?: AttestedSbom[];
  /** Who signed it, as signer continuity compares signers (trust/signerContinuity.ts), and who did before when that differs. */
  signer?: string;
  previousSigner?: string;
  /** The publisher a catalog of known signers attributes the verified signature to (trust/knownSigners.ts). */
  publisher?: string;
  /** OCI references: what the manifest holds (a container image, a Helm chart, a WebAssembly module). */
  artifactType?: string;
  /** Images that are multi-platform indexes: the platforms whose manifests the (index) signature covers. */
  platforms?: string[];
  /** Digest of the registry keys the signature was judged with; a key rotation invalidates the entry. */
  keysDigest?: string;
}

/** The signature and provenance statuses a verdict gives where one piece of evidence decides. */
const SIGNATURE_OF: Record<Verdict, SignatureStatus> = {
  verified: 'verified',
  unsigned: 'unsigned',
  invalid: 'invalid',
  unverifiable: 'unverifiable',
  'policy-violation': 'unverifiable',
};
const PROVENANCE_OF: Record<Verdict, ProvenanceStatus> = {
  verified: 'verified',
  unsigned: 'absent',
  invalid: 'invalid',
  unverifiable: 'unverifiable',
  'policy-violation': 'unverifiable',
};

/**
 * The result where one piece of evidence decides (PyPI, gems, Go, actions, charts, …): the code
 * says the verdict (reasons.ts), the signature's status follows from it, with the provenance
 * status that follows (or the one given), and one reason. A policy violation here is a signature
 * by a signer or key outside the accepted set: not checked with a key we accept, so its signature
 * is `unverifiable`, as for images.
 */
export function decided(
  base: Pick<PackageResult, 'ecosystem' | 'name' | 'version' | 'findings'> & Partial<PackageResult>,
  code: VerdictCode,
  reason: string,
  provenance?: ProvenanceStatus,
): PackageResult {
  const verdict = verdictOf(code);
  return {
    ...base,
    signature: SIGNATURE_OF[verdict],
    signatureReason: reason,
    provenance: provenance ?? PROVENANCE_OF[verdict],
    provenanceReason: reason,
    verdict,
    code,
    reason,
  };
}

/** The result of a dependency that could not be decided: only codes whose verdict is `unverifiable`. */
export function unverifiableResult(
  name: string,
  code: UnverifiableCode,
  reason: string,
  version?: string,
  ecosystem: PackageResult['ecosystem'] = 'npm',
): PackageResult {
  return decided({ ecosystem, name, version, findings: [] }, code, reason);
}
