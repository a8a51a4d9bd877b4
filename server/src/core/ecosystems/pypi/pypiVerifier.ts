// The PyPI verifier: a Python package at a version (pinned by a lock, or the newest the specifier
// allows) → its files on the index (only those whose hashes the lock pins, when it pins some) →
// each file's PEP 740 provenance, verified (pep740.ts). Verified when every such file carries
// provenance that holds; unsigned when a file has none; invalid when one fails or the index serves
// files the lock does not pin. The index is the user's (pip/uv/Poetry configuration).

import * as pep440 from '@renovatebot/pep440';
import type { TieredCache } from '../../cache/tieredCache';
import { type IndexFile, type PypiIndexClient } from './pypiIndex';
import { type PackageResult, decided, unverifiableResult } from '../../result';
import { cachedVerdict, faultResult } from '../../cache/cachedVerdict';
import { logFacts } from '../../sigstore/bundleCheck';
import type { TrustContext } from '../../trust/trustedRoot';
import { type UnverifiableCode, hasVerdict } from '../../reasons';
import { type AttestationCheck, type AttestationFailure, checkProvenance } from './pep740';

const RESULT_SCHEMA = 'pypi-result-v1';
/** Bounds the requests one package can cause (a version may have dozens of wheels). */
const MAX_FILES = 60;
const PARALLEL_FILES = 6;

export interface PypiTarget {
  name: string;
  spec: string;
  version?: string;
  hashes?: string[];
  url?: string;
}

export interface PypiVerifierOptions {
  index: PypiIndexClient;
  trust: () => TrustContext;
  cache: TieredCache<PackageResult>;
}

export class PypiVerifier {
  constructor(private readonly options: PypiVerifierOptions) {}

  /** `indexes`: where to look, in order (the first that has the project is used); empty when none is configured. */
  async verify(target: PypiTarget, indexes: string[], signal?: AbortSignal, fresh = false): Promise<PackageResult> {
    const fail = (code: UnverifiableCode, reason: string) => unverifiableResult(target.name, code, reason, target.version, 'pypi');
    if (target.url)
      return fail('spec-unsupported', `${target.name} is installed from ${target.url}, not from a package index: there is no index provenance to check.`);
    if (indexes.length === 0)
      return fail(
        'registry-error',
        'No Python package index is configured (pip.conf, PIP_INDEX_URL, a uv or Poetry source, or the provenanceLens.python.indexUrl setting), and pip could not be asked for its default.',
      );
    try {
      const found = await this.filesOnIndexes(target.name, indexes, signal);
      if (!found) return fail('version-not-found', `No configured index (${indexes.map(host).join(', ')}) has a project named ${target.name}.`);
      const version = target.version ?? newestSatisfying(found.files, target.spec);
      if (!version) return fail('version-not-found', `${host(found.index)} has no release of ${target.name} that satisfies "${target.spec}".`);
      const key = [RESULT_SCHEMA, found.index, target.name, version, (target.hashes ?? []).join(','), this.options.trust().digest].join('\n');
      return await cachedVerdict(this.options.cache, key, fresh, () => this.judge(target, version, found, signal));
    } catch (error) {
      return faultResult(error, fail, 'package');
    }
  }

  private async filesOnIndexes(name: string, indexes: string[], signal?: AbortSignal): Promise<{ index: string; files: IndexFile[] } | undefined> {
    for (const index of indexes) {
      const files = await this.options.index.files(index, name, signal);
      if (files) return { index, files };
    }
    return undefined;
  }

  private async judge(target: PypiTarget, version: string, found: { index: string; files: IndexFile[] }, signal?: AbortSignal): Promise<PackageResult> {
    const base = {
      ecosystem: 'pypi' as const,
      name: target.name,
      version,
      purl: `pkg:pypi/${target.name}@${version}`,
      registry: host(found.index),
      findings: [],
    };
    const ofVersion = found.files.filter((f) => f.version !== undefined && sameVersion(f.version, version));
    if (ofVersion.length === 0)
      return unverifiableResult(target.name, 'version-not-found', `${host(found.index)} has no files for ${target.name} ${version}.`, version, 'pypi');
    const pinned = new Set((target.hashes ?? []).filter((h) => h.startsWith('sha256:')).map((h) => h.slice('sha256:'.length)));
    let files = ofVersion;
    if (pinned.size > 0) {
      files = ofVersion.filter((f) => f.sha256 && pinned.has(f.sha256));
      if (files.length === 0 && ofVersion.some((f) => f.sha256)) {
        const reason = `None of the files ${host(found.index)} serves for ${target.name} ${version} has a hash the lock pins: the index serves other content than was locked.`;
        return decided(base, 'integrity-mismatch', reason, 'unverifiable');
      }
    }
    const checked = await mapLimited(files.slice(0, MAX_FILES), PARALLEL_FILES, (file) => this.checkFile(target.name, version, file, found.index, signal));
    return summarise(base, checked, files.length);
  }

  private async checkFile(
    name: string,
    version: string,
    file: IndexFile,
    index: string,
    signal?: AbortSignal,
  ): Promise<{ file: IndexFile; checks: AttestationCheck[] | 'none' }> {
    if (file.provenance === null) return { file, checks: 'none' };
    if (!file.sha256)
      return {
        file,
        checks: [{ ok: false, code: 'registry-error', message: `the index gives no sha256 for ${file.filename}, so an attestation cannot be matched to it` }],
      };
    const url = file.provenance ?? this.options.index.integrityUrl(index, name, version, file.filename);
    const provenance = await this.options.index.provenance(url, signal);
    if (provenance === undefined) return { file, checks: 'none' };
    return { file, checks: checkProvenance(provenance, file.filename, file.sha256, this.options.trust()) };
  }
}

type Base = Pick<PackageResult, 'ecosystem' | 'name' | 'version' | 'purl' | 'registry' | 'findings'>;

/** One verdict for the files: the worst failure speaks; every file must carry provenance that holds. */
function summarise(base: Base, checked: Array<{ file: IndexFile; checks: AttestationCheck[] | 'none' }>, total: number): PackageResult {
  const failures = checked.flatMap(({ file, checks }) =>
    checks === 'none' ? [] : checks.filter((c): c is AttestationFailure => !c.ok).map((c) => ({ file, c })),
  );
  // Provenance that is wrong, whatever is wrong with it, is provenance-invalid.
  const invalid = failures.find((f) => hasVerdict(f.c.code, 'invalid'));
  if (invalid) {
    const reason = `The provenance of ${invalid.file.filename} does not hold: ${invalid.c.message}.`;
    return decided(base, 'provenance-invalid', reason);
  }
  // Undecided: the first failure's own code says why (until issue 17, always trust-material-missing,
  // also for an attestation version PEP 740 does not define, now provenance-unsupported).
  if (failures.length > 0) {
    const reason = `The provenance of ${failures[0].file.filename} cannot be checked: ${failures[0].c.message}.`;
    return decided(base, failures[0].c.code, reason);
  }
  const bare = checked.filter((c) => c.checks === 'none');
  if (bare.length > 0) {
    const reason =
      bare.length === checked.length
        ? `No file of ${base.name} ${base.version} on ${base.registry} has PEP 740 provenance.`
        : `${bare.length} of ${checked.length} files of ${base.name} ${base.version} have no PEP 740 provenance (${bare
            .slice(0, 3)
            .map((c) => c.file.filename)
            .join(', ')}${bare.length > 3 ? ', …' : ''}).`;
    return decided(base, 'signature-missing', reason);
  }
  const first = checked[0].checks as Array<Extract<AttestationCheck, { ok: true }>>;
  const { identity, publisher } = first[0];
  const predicateTypes = [...new Set(checked.flatMap((c) => (c.checks as Array<Extract<AttestationCheck, { ok: true }>>).map((a) => a.predicateType)))];
  const limited = total > checked.length ? ` (the first ${checked.length} of ${total} files)` : '';
  const reason = `Every file${limited} was published by ${publisher.kind} ${publisher.repository} (${publisher.workflow ?? publisher.workflow_filepath}) with PEP 740 provenance.`;
  return {
    ...decided(base, 'verified', reason),
    provenanceDetails: { ...identity, predicateTypes, ...logFacts(first[0]), workflowPath: publisher.workflow ?? publisher.workflow_filepath },
  };
}

function newestSatisfying(files: IndexFile[], spec: string): string | undefined {
  const versions = [...new Set(files.filter((f) => !f.yanked && f.version && pep440.valid(f.version)).map((f) => f.version!))];
  // Pre-releases only when the specifier names one, as pip does.
  const stable = versions.filter((v) => !/(a|b|rc|dev)\d*/i.test(v) || /(a|b|rc|dev)\d*/i.test(spec));
  return spec ? (pep440.maxSatisfying(stable, spec) ?? undefined) : stable.sort(pep440.compare).pop();
}

function sameVersion(a: string, b: string): boolean {
  return a === b || (pep440.valid(a) !== null && pep440.valid(b) !== null && pep440.eq(a, b));
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

async function mapLimited<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
