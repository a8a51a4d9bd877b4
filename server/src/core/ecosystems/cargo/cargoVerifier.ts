// Crates: the checksum Cargo.lock pins against the one the registry's index lists for that version.
// Cargo registries have no signature scheme: a matching checksum is `unsigned` (code
// no-signature-scheme, said quietly), never `verified`; a different one is `invalid`.

import type { TieredCache } from '../../cache/tieredCache';
import { indexPath } from './cargoConfig';
import type { HttpClient } from '../../http/http';
import { type PackageResult, decided, unverifiableResult } from '../../result';
import type { UnverifiableCode } from '../../reasons';
import { cachedVerdict, faultResult } from '../../cache/cachedVerdict';

const RESULT_SCHEMA = 'cargo-result-v1';

export class CargoVerifier {
  constructor(private readonly options: { http: HttpClient; cache: TieredCache<PackageResult> }) {}

  async verify(
    target: { name: string; version?: string; checksum?: string },
    index: { url: string } | { error: string } | undefined,
    signal?: AbortSignal,
    fresh = false,
  ): Promise<PackageResult> {
    const fail = (code: UnverifiableCode, reason: string) => unverifiableResult(target.name, code, reason, target.version, 'cargo');
    if (!index) return fail('spec-unsupported', `${target.name} does not come from a registry (git or path): there is nothing to check it against.`);
    if (!target.version || !target.checksum) return fail('spec-unsupported', `${target.name} has no locked version and checksum (Cargo.lock) to check.`);
    if ('error' in index) return fail('registry-error', `${target.name}: ${index.error}.`);
    try {
      const key = [RESULT_SCHEMA, index.url, target.name, target.version, target.checksum].join('\n');
      return await cachedVerdict(this.options.cache, key, fresh, () => this.judge(target as Required<typeof target>, index.url, signal));
    } catch (error) {
      return faultResult(error, fail, 'crate');
    }
  }

  private async judge(target: { name: string; version: string; checksum: string }, index: string, signal?: AbortSignal): Promise<PackageResult> {
    const host = new URL(index).host;
    const response = await this.options.http.get(`${index}${indexPath(target.name)}`, { accept: 'text/plain', signal });
    const entry =
      response.status === 404
        ? undefined
        : response.body
            .toString('utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { vers?: string; cksum?: string; yanked?: boolean })
            .find((e) => e.vers === target.version);
    if (!entry?.cksum)
      return unverifiableResult(target.name, 'version-not-found', `The index at ${host} lists no ${target.name} ${target.version}.`, target.version, 'cargo');
    const base = {
      ecosystem: 'cargo' as const,
      name: target.name,
      version: target.version,
      purl: `pkg:cargo/${target.name}@${target.version}`,
      registry: host,
      findings: entry.yanked ? [{ code: 'version-yanked' as const, message: `${target.name} ${target.version} is yanked.` }] : [],
    };
    const locked = target.checksum.replace(/^sha256:/, '');
    if (entry.cksum !== locked)
      return decided(
        base,
        'integrity-mismatch',
        `Cargo.lock pins checksum ${locked} for ${target.name} ${target.version}, but the index at ${host} lists ${entry.cksum}.`,
      );
    return decided(
      base,
      'no-signature-scheme',
      `The checksum matches the index at ${host}; Cargo registries have no signature scheme, so nothing vouches for who published it.`,
    );
  }
}
