// The npm verifier: resolves a dependency to a registry version, fetches what the checks need,
// runs the pure checks (signature.ts, provenance.ts) and caches the outcome. All I/O for npm
// verification happens here or below, in npmRegistry.ts.

import * as crypto from 'node:crypto';
import semver from 'semver';
import type { TieredCache } from '../../cache/tieredCache';
import { HttpError, redact } from '../../http/http';
import { type NpmConfig, registryFor } from './npmConfig';
import type { NpmRegistryClient, NpmVersionManifest, Packument, RegistryKey } from './npmRegistry';
import { type PackageResult, unverifiableResult } from '../../result';
import type { TrustContext } from '../../trust/trustedRoot';
import { type UnverifiableCode, coded } from '../../reasons';
import { judge, nearestVersionWithProvenance, provenanceFindings } from './judgement';
import { type ProvenanceResult, integrityHex, verifyNpmProvenance } from './provenance';
import { npmPurl } from './purl';
import { verifyRegistrySignature } from './signature';

export interface NpmTarget {
  /** The name as written (an alias key for `npm:` specs). */
  name: string;
  spec: string;
  /** Exact version and integrity, when a lockfile pins them. */
  version?: string;
  integrity?: string;
}

export interface NpmVerifierOptions {
  registry: NpmRegistryClient;
  config: NpmConfig;
  trust: () => TrustContext;
  cache: TieredCache<PackageResult>;
}

const RESULT_SCHEMA = 'npm-result-v2';

export class NpmVerifier {
  constructor(private readonly options: NpmVerifierOptions) {}

  /** `fresh` skips the cache (a user asked to verify again); the new result still replaces the cached one. */
  async verify(target: NpmTarget, signal?: AbortSignal, fresh = false): Promise<PackageResult> {
    const resolved = resolveSpec(target);
    if ('unsupported' in resolved) return unverifiableResult(target.name, 'spec-unsupported', resolved.unsupported);
    const { name, range } = resolved;
    const registry = registryFor(this.options.config, name);
    if (!registry) {
      return unverifiableResult(name, 'registry-error', 'No npm registry is configured (set "registry" in .npmrc or check that npm is installed).');
    }
    try {
      return await this.verifyFromRegistry(registry, name, range, target, fresh, signal);
    } catch (error) {
      return networkFailure(name, target.version, error);
    }
  }

  private async verifyFromRegistry(
    registry: string,
    name: string,
    range: string,
    target: NpmTarget,
    fresh: boolean,
    signal?: AbortSignal,
  ): Promise<PackageResult> {
    const client = this.options.registry;
    if (fresh) client.forgetPackage(registry, name);
    const pinned = target.version && target.integrity ? this.cacheKey(registry, name, target.version, target.integrity) : undefined;
    if (pinned && !fresh) {
      const cached = await this.fromCache(pinned, registry, signal);
      if (cached) return cached;
    }
    const keys = await client.getKeys(registry, signal);
    const packument = await client.getPackument(registry, name, false, signal);
    if (!packument) return unverifiableResult(name, 'version-not-found', `The registry ${redact(registry)} has no package named ${name}.`, target.version);
    const version = target.version ?? pickVersion(packument, range);
    const manifest = version ? packument.versions[version] : undefined;
    if (!version || !manifest) {
      return unverifiableResult(name, 'version-not-found', `The registry has no version of ${name} matching "${target.version ?? range}".`, version);
    }
    const integrity = manifest.dist?.integrity;
    const lockMismatch = integrityMismatch(target.integrity, integrity);
    if (lockMismatch) return { ...base(name, version, registry, integrity), ...lockMismatch };

    const key = this.cacheKey(registry, name, version, integrity ?? '');
    if (!pinned && !fresh) {
      const cached = await this.fromCache(key, registry, signal);
      if (cached) return cached;
    }

    const publishedAt = await this.publishTime(registry, packument, version, manifest, keys, signal);
    const signature = await verifyRegistrySignature({ name, version, integrity, signatures: manifest.dist?.signatures, publishedAt }, keys);
    const provenance = await this.checkProvenance(registry, name, version, manifest, keys, signal);
    const findings = provenanceFindings(packument, manifest, provenance);
    const { verdict, code, reason } = judge(signature, provenance);
    const result: PackageResult = {
      ...base(name, version, registry, integrity),
      signature: signature.status,
      signatureKeyId: signature.keyid,
      signatureReason: signature.message,
      provenance: provenance.status,
      provenanceReason: provenance.message,
      provenanceDetails: provenance.details,
      verdict,
      code,
      reason,
      findings,
      upgradeWithProvenance: provenance.status === 'absent' ? nearestVersionWithProvenance(packument, version) : undefined,
      keysDigest: digestKeys(keys),
    };
    if (verdict !== 'unverifiable') await this.options.cache.set(key, result);
    return result;
  }

  /**
   * Provenance never throws: a fault fetching attestations makes provenance unverifiable, and the
   * signature result (which may already be invalid) still counts, so failing evidence is never softened.
   */
  private async checkProvenance(
    registry: string,
    name: string,
    version: string,
    manifest: NpmVersionManifest,
    keys: RegistryKey[],
    signal?: AbortSignal,
  ): Promise<ProvenanceResult> {
    const advertised = manifest.dist?.attestations;
    let document: unknown;
    if (advertised) {
      try {
        document = await this.options.registry.getAttestations(registry, name, version, advertised.url, signal);
      } catch (error) {
        return { status: 'unverifiable', code: 'network-error', message: `Could not fetch the attestations: ${(error as Error).message}.` };
      }
      // Advertised but not served: a registry fault, not an absence of provenance.
      if (document === undefined)
        return { status: 'unverifiable', code: 'registry-error', message: 'The registry advertises attestations for this version but does not serve them.' };
    }
    return verifyNpmProvenance({ name, version, integrity: manifest.dist?.integrity, document }, keys, this.options.trust());
  }

  /** A cached result counts only if it was judged with the registry's current keys (or we are offline). */
  private async fromCache(key: string, registry: string, signal?: AbortSignal): Promise<PackageResult | undefined> {
    const cached = await this.options.cache.get(key);
    if (!cached) return undefined;
    try {
      const keys = await this.options.registry.getKeys(registry, signal);
      return cached.keysDigest === digestKeys(keys) ? cached : undefined;
    } catch (error) {
      if (error instanceof HttpError && error.kind === 'offline') return cached;
      throw error;
    }
  }

  private async publishTime(
    registry: string,
    packument: Packument,
    version: string,
    manifest: NpmVersionManifest,
    keys: RegistryKey[],
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const time = packument.time?.[version];
    if (time) return time;
    // Abbreviated packuments carry no publish times; fetch the full one only when a key's expiry makes it matter.
    const usesExpiringKey = manifest.dist?.signatures?.some((s) => keys.find((k) => k.keyid === s.keyid)?.expires);
    if (!usesExpiringKey) return undefined;
    // A fault here leaves the time unknown: the signature is still checked, and only its expiry stays undecided.
    const full = await this.options.registry.getPackument(registry, packument.name ?? manifest.name, true, signal).catch(() => undefined);
    return full?.time?.[version];
  }

  private cacheKey(registry: string, name: string, version: string, integrity: string): string {
    return [RESULT_SCHEMA, registry, name, version, integrity, this.options.trust().digest].join('\n');
  }
}

type ResolvedSpec = { name: string; range: string } | { unsupported: string };

/** Understands `npm:` aliases; anything not served by a registry (git, file, URL, workspace) is out of scope. */
export function resolveSpec(target: NpmTarget): ResolvedSpec {
  let name = target.name;
  let range = target.spec.trim();
  const alias = /^npm:((?:@[^/]+\/)?[^@]+)(?:@(.*))?$/.exec(range);
  if (alias) {
    name = alias[1];
    range = alias[2] ?? '*';
  }
  const wanted = target.version ?? range;
  if (/^(file|link|workspace|git|git\+\w+|https?|github|gitlab|bitbucket):/.test(wanted) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(wanted)) {
    return { unsupported: `"${wanted}" is not a registry version; only registry packages carry signatures and provenance.` };
  }
  return { name, range: wanted === '' ? '*' : wanted };
}

function pickVersion(packument: Packument, range: string): string | undefined {
  const tags = packument['dist-tags'] ?? {};
  if (tags[range]) return tags[range];
  const versions = Object.keys(packument.versions);
  // Prefer what npm would install: the `latest` tag when it satisfies the range.
  if (tags.latest && semver.satisfies(tags.latest, range, { loose: true })) return tags.latest;
  return semver.maxSatisfying(versions, range, { loose: true }) ?? undefined;
}

/** The lockfile's integrity must describe the same tarball as the registry's (compared on a common algorithm). */
type Judgement = Omit<PackageResult, 'ecosystem' | 'name' | 'version' | 'purl' | 'registry' | 'integrity'>;

function integrityMismatch(locked: string | undefined, registry: string | undefined): Judgement | undefined {
  if (!locked || !registry) return undefined;
  for (const algorithm of ['sha512', 'sha384', 'sha256', 'sha1']) {
    const a = integrityHex(locked, algorithm);
    const b = integrityHex(registry, algorithm);
    if (a && b) {
      if (a === b) return undefined;
      const reason =
        'This file records a different integrity (hash) than the registry serves for this version: the file or the registry metadata has been altered.';
      return {
        signature: 'invalid',
        signatureReason: reason,
        provenance: 'unverifiable',
        provenanceReason: reason,
        ...coded('integrity-mismatch'),
        reason,
        findings: [],
      };
    }
  }
  return undefined;
}

function base(name: string, version: string, registry: string, integrity: string | undefined) {
  return { ecosystem: 'npm' as const, name, version, purl: npmPurl(name, version), registry, integrity };
}

function digestKeys(keys: RegistryKey[]): string {
  const canonical = keys
    .map((k) => `${k.keyid}|${k.key}|${k.expires ?? ''}`)
    .sort()
    .join('\n');
  return crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function networkFailure(name: string, version: string | undefined, error: unknown): PackageResult {
  if (error instanceof HttpError) {
    if (error.kind === 'offline') return unverifiableResult(name, 'offline-not-cached', 'Offline, and this package has not been verified before.', version);
    const code: UnverifiableCode = error.kind === 'status' || error.kind === 'bad-body' || error.kind === 'too-large' ? 'registry-error' : 'network-error';
    return unverifiableResult(name, code, `Could not verify: ${error.message}.`, version);
  }
  return unverifiableResult(name, 'registry-error', `Could not verify: ${(error as Error)?.message ?? String(error)}.`, version);
}
