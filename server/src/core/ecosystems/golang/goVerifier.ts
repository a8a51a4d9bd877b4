// Go modules against the checksum database, as the go command checks go.sum: the database's record
// for module@version, the signed tree head that came with it (note signature by the database's
// key), the record's inclusion in that tree (tiles), and go.sum's hash equal to the record's.
// Any mismatch is `invalid`; a database we cannot reach or do not know is `unverifiable`.

import type { TieredCache } from '../../cache/tieredCache';
import { type SumdbClient, type SumdbConfig, isExcluded } from './goSumdb';
import { type PackageResult, decided, unverifiableResult } from '../../result';
import { cachedVerdict, faultResult } from '../../cache/cachedVerdict';
import type { CodeOf, UnverifiableCode } from '../../reasons';
import { openNote, parseTreeHead } from './note';
import { leafHash, proveRecord, tilePath } from './tlog';

const RESULT_SCHEMA = 'go-result-v1';

export interface GoTarget {
  module: string;
  version: string;
  /** What go.sum says: `h1:…` for the module zip, `go.mod h1:…` for its go.mod. */
  hashes?: string[];
}

export class GoVerifier {
  constructor(private readonly options: { client: SumdbClient; cache: TieredCache<PackageResult> }) {}

  async verify(target: GoTarget, config: SumdbConfig, signal?: AbortSignal, fresh = false): Promise<PackageResult> {
    const fail = (code: UnverifiableCode, reason: string) => unverifiableResult(target.module, code, reason, target.version, 'golang');
    if (config.off) return fail('trust-material-missing', `${config.reason}.`);
    if (isExcluded(target.module, config.excluded))
      return fail('spec-unsupported', `${target.module} is private (GONOSUMDB/GOPRIVATE): the checksum database does not know it.`);
    if (!target.hashes?.length)
      return fail('spec-unsupported', `go.sum has no hash for ${target.module} ${target.version} (run go mod tidy): there is nothing to check.`);
    try {
      const key = [RESULT_SCHEMA, config.base, config.key.name, target.module, target.version, target.hashes.join(',')].join('\n');
      return await cachedVerdict(this.options.cache, key, fresh, () => this.judge(target, config, signal));
    } catch (error) {
      return faultResult(error, fail, 'module');
    }
  }

  private async judge(target: GoTarget, config: Extract<SumdbConfig, { key: unknown }>, signal?: AbortSignal): Promise<PackageResult> {
    const { client } = this.options;
    const who = `${target.module}@${target.version}`;
    const base = {
      ecosystem: 'golang' as const,
      name: target.module,
      version: target.version,
      purl: `pkg:golang/${target.module}@${target.version}`,
      registry: config.key.name,
      findings: [],
    };
    // Go modules carry no provenance: decided by the checksum database alone.
    const judged = (code: CodeOf<'verified' | 'invalid'>, reason: string): PackageResult => ({
      ...decided(base, code, reason, 'absent'),
      provenanceReason: 'Go modules carry no provenance.',
    });
    const invalid = (code: CodeOf<'invalid'>, reason: string) => judged(code, reason);
    const lookup = await client.lookup(config.base, target.module, target.version, signal);
    if (!lookup)
      return unverifiableResult(
        target.module,
        'version-not-found',
        `The checksum database ${config.key.name} has no record of ${who}.`,
        target.version,
        'golang',
      );
    const opened = openNote(lookup.note, config.key);
    if ('error' in opened) return invalid('signature-invalid', `The checksum database's tree head for ${who} does not hold: ${opened.error}.`);
    const head = parseTreeHead(opened.text);
    if ('error' in head) return invalid('signature-invalid', `${head.error}.`);
    const proven = await proveRecord(lookup.id, leafHash(lookup.record), head.size, head.root, (level, index, width) =>
      client.tile(config.base, tilePath(level, index, width), signal),
    );
    if (!proven)
      return invalid('provenance-invalid', `The checksum database's record ${lookup.id} for ${who} is not in the tree it signed (size ${head.size}).`);
    // The record's lines: `<module> <version> h1:…` and `<module> <version>/go.mod h1:…`.
    const recorded = new Map<string, string>();
    for (const line of lookup.record.toString('utf8').split('\n')) {
      const match = /^(\S+) (\S+?)(\/go\.mod)? (h1:\S+)$/.exec(line);
      if (match && match[1] === target.module && match[2] === target.version) recorded.set(match[3] ? 'go.mod' : 'zip', match[4]);
    }
    for (const hash of target.hashes!) {
      const [kind, value] = hash.startsWith('go.mod ') ? ['go.mod', hash.slice('go.mod '.length)] : ['zip', hash];
      const expected = recorded.get(kind);
      if (!expected) return invalid('integrity-mismatch', `The checksum database's record for ${who} has no ${kind === 'zip' ? 'module' : 'go.mod'} hash.`);
      if (expected !== value)
        return invalid(
          'integrity-mismatch',
          `go.sum says ${value} for ${who}${kind === 'go.mod' ? '/go.mod' : ''}, but the checksum database ${config.key.name} recorded ${expected}: the code is not what everyone else gets.`,
        );
    }
    const reason = `go.sum matches the checksum database ${config.key.name} (record ${lookup.id} in its signed tree of ${head.size}).`;
    return judged('verified', reason);
  }
}
