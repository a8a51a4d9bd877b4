// The image verifier: resolves a reference to its manifest digest, finds cosign signatures the way
// cosign does (the `sha256-<hex>.sig` tag), and judges them (cosignSignature.ts). Results are
// cached by digest: a tag that moves gets a fresh verdict.

import type { TieredCache } from '../../cache/tieredCache';
import type { Dependency } from '../../parsers/types';
import { HttpError } from '../../registries/http';
import { DigestMismatchError, type OciClient } from '../../registries/ociClient';
import { type ImageSigner, type PackageResult, unverifiableResult } from '../../result';
import type { TrustContext } from '../../trust/trustedRoot';
import type { Finding, ReasonCode, SignatureStatus } from '../../verdict';
import { type CosignCheck, type PublicKeyEntry, verifyCosignSignature } from './cosignSignature';

const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const RESULT_SCHEMA = 'oci-result-v1';

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

  async verify(dependency: Dependency, signal?: AbortSignal): Promise<PackageResult> {
    const ref = dependency.image;
    if (!ref) return unverifiableResult(dependency.name, 'image-invalid', 'Not an image reference.', undefined, 'oci');
    const version = ref.digest ?? ref.tag ?? 'latest';
    const fail = (code: ReasonCode, reason: string) => unverifiableResult(ref.name, code, reason, version, 'oci');
    try {
      const { client } = this.options;
      const manifest = await client.getManifest(ref.domain, ref.repository, version, signal);
      if (!manifest) return fail('version-not-found', `The registry has no ${ref.name}:${version}.`);
      const findings = await this.tagFindings(ref.name, ref.tag, ref.digest, manifest.digest);
      const key = [RESULT_SCHEMA, ref.name, manifest.digest, this.options.trust().digest, this.options.keys.map((k) => k.pem).join()].join('\n');
      let result = await this.options.cache.get(key);
      if (!result) {
        result = await this.judge(ref.name, version, manifest.digest, ref.domain, ref.repository, signal);
        if (result.verdict !== 'unverifiable') await this.options.cache.set(key, result);
      }
      return { ...result, version, findings: [...result.findings, ...findings] };
    } catch (error) {
      if (error instanceof DigestMismatchError) {
        const reason = `The registry serves content that does not match the digest: ${error.message}.`;
        return { ...fail('digest-mismatch', reason), signature: 'invalid', verdict: 'invalid' };
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
    if (seen && seen !== digest) findings.push({ code: 'image-tag-moved', message: `${label} named ${seen} when last checked, and names ${digest} now: the tag moved.` });
    if (seen !== digest) await this.options.tags.set(label, digest);
    return findings;
  }

  private async judge(name: string, version: string, digest: string, domain: string, repository: string, signal?: AbortSignal): Promise<PackageResult> {
    const { client, trust, keys } = this.options;
    const base = { ecosystem: 'oci' as const, name, version, digest, purl: ociPurl(domain, repository, digest), provenance: 'absent' as const, provenanceReason: 'Image attestations are not checked yet.', findings: [] };
    const signatures = await client.getManifest(domain, repository, `${digest.replace(':', '-')}.sig`, signal);
    const layers = (signatures?.json.layers ?? []).filter((l) => l.mediaType === SIMPLE_SIGNING);
    if (layers.length === 0) {
      const reason = `${name}@${digest} has no cosign signature.`;
      return { ...base, signature: 'unsigned', signatureReason: reason, verdict: 'unsigned', code: 'signature-missing', reason };
    }
    const checks: CosignCheck[] = [];
    for (const layer of layers) {
      const payload = await client.getBlob(domain, repository, layer.digest, signal);
      checks.push(payload ? verifyCosignSignature({ payload, annotations: layer.annotations ?? {} }, digest, trust(), keys) : { ok: false, status: 'invalid', message: 'a signature layer is missing from the registry' });
    }
    const signers: ImageSigner[] = checks.flatMap((c) => (c.ok ? [{ subject: c.identity?.subjectAlternativeName, issuer: c.identity?.issuer, key: c.keyName, logIndex: c.logIndex, integratedTime: c.integratedTime }] : []));
    if (signers.length > 0) {
      const who = signers.map((s) => s.key ?? `${s.subject ?? 'an unknown identity'}${s.issuer ? ` (${s.issuer})` : ''}`).join(', ');
      const reason = `Signed by ${who}.`;
      return { ...base, signature: 'verified', signatureReason: reason, signers, verdict: 'verified', code: 'verified', reason };
    }
    // No signature holds: the worst failure speaks (invalid evidence over an unaccepted key over undecidable).
    const failures = checks.filter((c): c is Extract<CosignCheck, { ok: false }> => !c.ok);
    const worst = failures.find((c) => c.status === 'invalid') ?? failures.find((c) => c.status === 'policy-violation') ?? failures[0];
    const reason = `The cosign signature of ${name}@${digest} does not hold: ${worst.message}.`;
    // A signature by a key outside the accepted set cannot be checked at all: its signature field says so.
    const signature: SignatureStatus = worst.status === 'policy-violation' ? 'unverifiable' : worst.status;
    const code: ReasonCode = worst.status === 'invalid' ? 'signature-invalid' : worst.status === 'policy-violation' ? 'signer-not-allowed' : 'trust-material-missing';
    return { ...base, signature, signatureReason: reason, verdict: worst.status, code, reason };
  }
}

/** `pkg:oci/<name>@<digest>?repository_url=<domain>/<repository>`, as the purl spec writes OCI artifacts. */
export function ociPurl(domain: string, repository: string, digest: string): string {
  const name = repository.split('/').pop()!;
  return `pkg:oci/${name}@${encodeURIComponent(digest)}?repository_url=${encodeURIComponent(`${domain}/${repository}`)}`;
}
