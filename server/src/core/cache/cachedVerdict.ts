// What the plugin ecosystems' verifiers share around their judgement: a verdict kept in the cache
// under the key of what it was computed from (an undecided one is not kept), and a fault reaching
// the evidence turned into an undecided verdict — never into a better or worse one.

import type { TieredCache } from './tieredCache';
import { HttpError } from '../http/http';
import type { PackageResult } from '../result';
import type { UnverifiableCode } from '../reasons';

export async function cachedVerdict(
  cache: TieredCache<PackageResult>,
  key: string,
  fresh: boolean,
  judge: () => Promise<PackageResult>,
): Promise<PackageResult> {
  const cached = fresh ? undefined : await cache.get(key);
  if (cached) return cached;
  const result = await judge();
  if (result.verdict !== 'unverifiable') await cache.set(key, result);
  return result;
}

/** `fail` makes the undecided result; `what` names the thing ("package", "gem", "module"). */
export function faultResult(error: unknown, fail: (code: UnverifiableCode, reason: string) => PackageResult, what: string): PackageResult {
  if (error instanceof HttpError && error.kind === 'offline') return fail('offline-not-cached', `Offline, and this ${what} has not been verified before.`);
  return fail(error instanceof HttpError && error.kind === 'status' ? 'registry-error' : 'network-error', `Could not verify: ${(error as Error).message}.`);
}
