// The image verifier: resolves a reference to its manifest digest, finds cosign signatures and
// attestations the way cosign does — the `sha256-<hex>.sig` and `.att` tags (cosignSignature.ts,
// cosignAttestation.ts), OCI 1.1 referrers holding Sigstore bundles (imageBundle.ts) — and judges
// them. Results are cached by digest: a tag that moves gets a fresh verdict.

import { artifactKind } from './artifactKind';
import type { TieredCache } from '../../cache/tieredCache';
import type { Dependency } from '../../dependency';
import { HttpError } from '../../http/http';
import { DigestMismatchError, MEDIA_TYPES, type Manifest, type OciClient } from './ociClient';
import { type ImageSigner, type PackageResult, type ProvenanceDetails, decided, unverifiableResult } from '../../result';
import type { TrustContext } from '../../trust/trustedRoot';
import { type Finding, type UnverifiableCode, type VerdictCode, hasVerdict, verdictOf } from '../../reasons';
import type { ProvenanceStatus, SignatureStatus } from '../../verdict';
import { type AttestationLocation, type LocatedCheck, attestedSboms, sbomOfStatement } from './attestedSboms';
import { DSSE_LAYER, verifyCosignAttestation } from './cosignAttestation';
import type { CosignCheck, CosignFailure } from './cosignLayer';
import type { PublicKeyEntry } from '../../trust/signers';
import { verifyCosignSignature } from './cosignSignature';
import { type BundleCheckResult, COSIGN_SIGN_PREDICATE, verifyImageBundle } from './imageBundle';

const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const BUNDLE_PREFIX = 'application/vnd.dev.sigstore.bundle';
/** Bounds the work one image can cause: referrers, and layers of the `.sig` and `.att` tags, each take requests and a verification. */
const MAX_PIECES = 20;
const RESULT_SCHEMA = 'oci-result-v2'; // v2: results list the SBOM attestations

export interface OciVerifierOptions {
  client: OciClient;
  trust: () => TrustContext;
  keys: PublicKeyEntry[];
  cache: TieredCache<PackageResult>;
  /** The digest each tag named when last checked, to notice a tag that moved. */
  tags: TieredCache<string>;
}

export class OciVerifier {
  constructor(private readonly options: OciVerifierOptions) {}

  /** `extraKeys`: keys a policy rule accepts for this image, besides the configured ones; `fresh` skips the verdict cache. */
  async verify(dependency: Dependency, signal?: AbortSignal, extraKeys: PublicKeyEntry[] = [], fresh = false): Promise<PackageResult> {
    const keys = [...this.options.keys, ...extraKeys];
    const ref = dependency.image;
    // image-invalid is a problem of the file (the parsers say it where the reference is written);
    // a dependency that reaches the verifier without a reference (an SBOM's purl) is undecided.
    if (!ref) return unverifiableResult(dependency.name, 'spec-unsupported', 'Not an image reference.', undefined, 'oci');
    const version = ref.digest ?? ref.tag ?? 'latest';
    const fail = (code: UnverifiableCode, reason: string) => unverifiableResult(ref.name, code, reason, version, 'oci');
    try {
      const { client } = this.options;
      const manifest = await client.getManifest(ref.domain, ref.repository, version, signal);
      if (!manifest) return fail('version-not-found', `The registry has no ${ref.name}:${version}.`);
      const findings = await this.tagFindings(ref.name, ref.tag, ref.digest, manifest.digest);
      const key = [RESULT_SCHEMA, ref.name, manifest.digest, this.options.trust().digest, keys.map((k) => `${k.name}:${k.ignoreTlog}:${k.pem}`).join()].join(
        '\n',
      );
      let result = fresh ? undefined : await this.options.cache.get(key);
      if (!result) {
        result = { ...(await this.judge(ref.name, version, manifest.digest, ref.domain, ref.repository, keys, signal)), platforms: platformsOf(manifest) };
        if (result.verdict !== 'unverifiable') await this.options.cache.set(key, result);
      }
      return { ...result, version, artifactType: artifactKind(manifest.json), findings: [...result.findings, ...findings] };
    } catch (error) {
      if (error instanceof DigestMismatchError) {
        const reason = `The registry serves content that does not match the digest: ${error.message}.`;
        return decided({ ecosystem: 'oci', name: ref.name, version, findings: [] }, 'digest-mismatch', reason, 'unverifiable');
      }
      if (error instanceof HttpError && error.kind === 'offline') return fail('offline-not-cached', 'Offline, and this image has not been verified before.');
      return fail(error instanceof HttpError && error.kind === 'status' ? 'registry-error' : 'network-error', `Could not verify: ${(error as Error).message}.`);
    }
  }

  /** A reference by tag is not pinned; a tag that names another digest than last time has moved. */
  private async tagFindings(name: string, tag: string | undefined, pinned: string | undefined, digest: string): Promise<Finding[]> {
    if (pinned) return [];
    const label = `${name}:${tag ?? 'latest'}`;
    const findings: Finding[] = [{ code: 'image-not-pinned', message: `${label} is not pinned to a digest; it now names ${digest}.` }];
    const seen = await this.options.tags.get(label);
    if (seen && seen !== digest)
      findings.push({ code: 'image-tag-moved', message: `${label} named ${seen} when last checked, and names ${digest} now: the tag moved.` });
    if (seen !== digest) await this.options.tags.set(label, digest);
    return findings;
  }

  private async judge(
    name: string,
    version: string,
    digest: string,
    domain: string,
    repository: string,
    keys: PublicKeyEntry[],
    signal?: AbortSignal,
  ): Promise<PackageResult> {
    const { signatures, attestations, unreachable } = await this.collect(digest, domain, repository, keys, signal);
    const base = { ecosystem: 'oci' as const, name, version, digest, purl: ociPurl(domain, repository, digest), findings: [] };
    const provenance = judgeAttestations(attestations, unreachable);
    const signers: ImageSigner[] = signatures.flatMap((c) =>
      c.ok
        ? [
            {
              subject: c.identity?.subjectAlternativeName,
              issuer: c.identity?.issuer,
              key: c.keyName,
              logIndex: c.logIndex,
              integratedTime: c.integratedTime,
              timestamp: c.timestamp,
              timestampAuthority: c.timestampAuthority,
            },
          ]
        : [],
    );
    let signature: SignatureStatus;
    let signatureReason: string;
    let code: VerdictCode;
    if (signers.length > 0) {
      const who = signers.map((s) => s.key ?? `${s.subject ?? 'an unknown identity'}${s.issuer ? ` (${s.issuer})` : ''}`).join(', ');
      [signature, signatureReason, code] = ['verified', `Signed by ${who}.`, 'verified'];
    } else if (signatures.length === 0 && unreachable) {
      // No signature found, and a place where signatures live could not be listed: undecided.
      [signature, signatureReason, code] = ['unverifiable', `No cosign signature of ${name}@${digest} was found, and ${unreachable}.`, 'network-error'];
    } else if (signatures.length === 0) {
      [signature, signatureReason, code] = ['unsigned', `${name}@${digest} has no cosign signature.`, 'signature-missing'];
    } else {
      // No signature holds: the worst failure speaks (invalid evidence over an unaccepted key over undecidable), with its code.
      const failures = signatures.filter((c): c is CosignFailure => !c.ok);
      const worst = failures.find((c) => hasVerdict(c.code, 'invalid')) ?? failures.find((c) => hasVerdict(c.code, 'policy-violation')) ?? failures[0];
      const failed = worst.code;
      signatureReason = `The cosign signature of ${name}@${digest} does not hold: ${worst.message}.`;
      // A signature by a key outside the accepted set cannot be checked at all: its signature field says so.
      signature = hasVerdict(failed, 'policy-violation') ? 'unverifiable' : verdictOf(failed);
      code = failed;
    }
    // Failing attestation evidence is as serious as a failing signature; evidence we could not reach
    // leaves an otherwise verified image undecided, as for packages.
    let reason = signatureReason;
    if (provenance.status === 'invalid' || (provenance.status === 'unverifiable' && code === 'verified'))
      [code, reason] = [provenance.code, provenance.message];
    const sboms = attestedSboms(attestations);
    return {
      ...base,
      signature,
      signatureReason,
      signers,
      provenance: provenance.status,
      provenanceReason: provenance.message,
      provenanceDetails: provenance.details,
      verdict: verdictOf(code),
      code,
      reason,
      ...(sboms.length > 0 ? { sboms } : {}),
    };
  }

  /**
   * cosign's `.sig` and `.att` tags, then OCI 1.1 referrers (API or fallback tag) holding Sigstore bundles.
   * A fault reaching one piece of evidence is recorded as undecidable for that piece only, so it can
   * never hide another piece that already failed (failing evidence is never softened).
   */
  private async collect(digest: string, domain: string, repository: string, keys: PublicKeyEntry[], signal?: AbortSignal): Promise<Evidence> {
    const { client, trust } = this.options;
    const evidence: Evidence = { signatures: [], attestations: [] };
    const listed = async <T>(what: string, list: () => Promise<T[]>): Promise<T[]> => {
      try {
        return await list();
      } catch (error) {
        if (error instanceof DigestMismatchError) throw error; // served content that is not what it claims: invalid, not undecided
        evidence.unreachable ??= `${what} could not be listed (${(error as Error).message})`;
        return [];
      }
    };
    const tagged = (suffix: string, mediaType: string) =>
      listed(`the .${suffix} tag`, async () => {
        const manifest = await client.getManifest(domain, repository, `${digest.replace(':', '-')}.${suffix}`, signal);
        return (manifest?.json.layers ?? []).filter((l) => l.mediaType === mediaType).slice(0, MAX_PIECES);
      });
    for (const layer of await tagged('sig', SIMPLE_SIGNING)) {
      evidence.signatures.push(
        await fetched(
          () => client.getBlob(domain, repository, layer.digest, signal),
          (payload) => verifyCosignSignature({ payload, annotations: layer.annotations ?? {} }, digest, trust(), keys),
          'a signature layer is missing from the registry',
        ),
      );
    }
    for (const layer of await tagged('att', DSSE_LAYER)) {
      const check = await fetched(
        () => client.getBlob(domain, repository, layer.digest, signal),
        (blob) => verifyCosignAttestation(blob, layer.annotations ?? {}, digest, trust(), keys),
        'an attestation layer is missing from the registry',
      );
      evidence.attestations.push({ ...check, location: { kind: 'att', digest: layer.digest } });
    }
    const referrers = await listed('the referrers', async () =>
      (await client.getReferrers(domain, repository, digest, signal)).filter((r) => r.artifactType?.startsWith(BUNDLE_PREFIX)).slice(0, MAX_PIECES),
    );
    for (const referrer of referrers) {
      const check: LocatedCheck = {
        ...(await this.referrerCheck(domain, repository, referrer.digest, digest, keys, signal)),
        location: { kind: 'referrer', digest: referrer.digest },
      };
      (check.predicateType && check.predicateType !== COSIGN_SIGN_PREDICATE ? evidence.attestations : evidence.signatures).push(check);
    }
    return evidence;
  }

  /** One referrer's bundle, fetched and verified; with the bundle's statement payload when it has one. */
  private async referrerCheck(
    domain: string,
    repository: string,
    referrer: string,
    digest: string,
    keys: PublicKeyEntry[],
    signal?: AbortSignal,
  ): Promise<BundleCheckResult & { payload?: Buffer }> {
    const { client, trust } = this.options;
    return fetched(
      async () => {
        const manifest = await client.getManifest(domain, repository, referrer, signal);
        const layer = manifest?.json.layers?.find((l) => l.mediaType?.startsWith(BUNDLE_PREFIX));
        return layer && client.getBlob(domain, repository, layer.digest, signal);
      },
      (blob) => {
        try {
          const json = JSON.parse(blob.toString('utf8'));
          const payload = json?.dsseEnvelope?.payload;
          return { ...verifyImageBundle(json, digest, trust(), keys), payload: typeof payload === 'string' ? Buffer.from(payload, 'base64') : undefined };
        } catch {
          return { ok: false, code: 'bundle-malformed', message: 'a referrer holds a bundle that is not JSON' };
        }
      },
      'a referrer names a bundle the registry does not have',
    );
  }

  /**
   * The SBOM of one attestation of an image (as an earlier verification listed it), fetched and
   * verified again now: it is returned only when its signature, log entry and subject still hold.
   */
  async attestedSbom(
    image: { domain: string; repository: string; digest: string },
    location: AttestationLocation,
    extraKeys: PublicKeyEntry[] = [],
    signal?: AbortSignal,
  ): Promise<{ text: string; fileName: string; check: BundleCheckResult } | { error: string }> {
    const keys = [...this.options.keys, ...extraKeys];
    const { client, trust } = this.options;
    const { domain, repository, digest } = image;
    let check: BundleCheckResult & { payload?: Buffer };
    if (location.kind === 'referrer') {
      check = await this.referrerCheck(domain, repository, location.digest, digest, keys, signal);
    } else {
      const manifest = await client.getManifest(domain, repository, `${digest.replace(':', '-')}.att`, signal);
      const layer = manifest?.json.layers?.find((l) => l.digest === location.digest);
      if (!layer) return { error: 'the attestation is no longer attached to the image' };
      check = await fetched(
        () => client.getBlob(domain, repository, layer.digest, signal),
        (blob) => {
          const checked = verifyCosignAttestation(blob, layer.annotations ?? {}, digest, trust(), keys);
          // Verified means the layer is a JSON envelope.
          const payload = checked.ok ? (JSON.parse(blob.toString('utf8')) as { payload: string }).payload : undefined;
          return { ...checked, payload: payload ? Buffer.from(payload, 'base64') : undefined };
        },
        'the attestation layer is missing from the registry',
      );
    }
    if (!check.ok) return { error: `the attestation does not verify now: ${check.message}` };
    const sbom = check.payload ? sbomOfStatement(check.payload) : { error: 'the attestation carries no statement' };
    return 'error' in sbom ? sbom : { ...sbom, check };
  }
}

interface Evidence {
  signatures: CosignCheck[];
  attestations: LocatedCheck[];
  /** Set when a place evidence lives (a tag, the referrers) could not be listed: what it holds is unknown. */
  unreachable?: string;
}

/**
 * Fetches a piece of evidence and checks it; a missing piece is invalid (the manifest that lists it
 * is signed evidence: signature-invalid), content that is not its digest too, a fault reaching it undecidable.
 */
async function fetched<T extends CosignCheck>(load: () => Promise<Buffer | undefined>, check: (data: Buffer) => T, missing: string): Promise<T | CosignCheck> {
  try {
    const data = await load();
    return data ? check(data) : { ok: false, code: 'signature-invalid', message: missing };
  } catch (error) {
    if (error instanceof DigestMismatchError) return { ok: false, code: 'digest-mismatch', message: error.message };
    return { ok: false, code: 'network-error', message: `could not fetch it (${(error as Error).message})` };
  }
}

/**
 * A multi-platform index is signed as a whole: its digest covers each platform manifest's digest,
 * so a signature on the index covers them all. Say which ones.
 */
function platformsOf(manifest: Manifest): string[] | undefined {
  const entries = manifest.json.manifests;
  if (!entries || (manifest.mediaType !== MEDIA_TYPES.ociIndex && manifest.mediaType !== MEDIA_TYPES.dockerList)) return undefined;
  return entries
    .filter((m) => m.platform && m.platform.os !== 'unknown') // attestation manifests of buildkit carry "unknown/unknown"
    .map((m) => [m.platform!.os, m.platform!.architecture, m.platform!.variant].filter(Boolean).join('/'));
}

/** An image's provenance status, and the code the image's result takes when provenance decides it. */
type JudgedAttestations = (
  | { status: 'invalid'; code: 'provenance-invalid' }
  | { status: 'unverifiable'; code: UnverifiableCode }
  | { status: Exclude<ProvenanceStatus, 'invalid' | 'unverifiable'> }
) & { message: string; details?: ProvenanceDetails };

/**
 * Provenance for images: a verified SLSA provenance attestation; an attestation that fails is
 * invalid (provenance-invalid), one that cannot be decided says why — its own code, or
 * trust-material-missing for one signed by a key outside the accepted set (which cannot be checked),
 * network-error when the attestations could not be listed. (Until issue 17 an undecided
 * attestation was always network-error.)
 */
function judgeAttestations(attestations: LocatedCheck[], unreachable?: string): JudgedAttestations {
  const failures = attestations.filter((a): a is Extract<LocatedCheck, { ok: false }> => !a.ok);
  const failed = failures.find((a) => hasVerdict(a.code, 'invalid')) ?? failures[0];
  if (failed) {
    const message = `An attestation (${failed.predicateType ?? 'unknown type'}) does not hold: ${failed.message}.`;
    if (hasVerdict(failed.code, 'invalid')) return { status: 'invalid', code: 'provenance-invalid', message };
    return { status: 'unverifiable', code: hasVerdict(failed.code, 'unverifiable') ? failed.code : 'trust-material-missing', message };
  }
  if (unreachable) return { status: 'unverifiable', code: 'network-error', message: `Attestations are unknown: ${unreachable}.` };
  const verified = attestations.filter((a) => a.ok);
  const predicateTypes = verified.map((a) => a.predicateType ?? 'unknown');
  const slsa = verified.find((a) => a.predicateType?.includes('slsa.dev/provenance'));
  if (slsa && slsa.ok) {
    const details = {
      predicateTypes,
      ...slsa.identity,
      signerKey: slsa.keyName,
      builderId: slsa.builderId,
      logIndex: slsa.logIndex,
      integratedTime: slsa.integratedTime,
      timestamp: slsa.timestamp,
      timestampAuthority: slsa.timestampAuthority,
    };
    return { status: 'verified', message: 'SLSA provenance verified.', details };
  }
  return {
    status: 'absent',
    message:
      verified.length > 0 ? `Attestations verified (${predicateTypes.join(', ')}), but none is SLSA provenance.` : 'No provenance attestation is attached.',
    details: verified.length > 0 ? { predicateTypes } : undefined,
  };
}

/** `pkg:oci/<name>@<digest>?repository_url=<domain>/<repository>`, as the purl spec writes OCI artifacts. */
export function ociPurl(domain: string, repository: string, digest: string): string {
  const name = repository.split('/').pop()!;
  return `pkg:oci/${name}@${encodeURIComponent(digest)}?repository_url=${encodeURIComponent(`${domain}/${repository}`)}`;
}
