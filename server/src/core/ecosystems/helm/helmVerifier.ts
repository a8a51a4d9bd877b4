// Charts from classic chart repositories, checked as `helm pull --verify` checks them: the
// repository's index.yaml names the version's archive and its sha256; the archive must have that
// digest; its provenance file (`.prov` beside it) must be signed by a key of the user's keyring and
// name the archive's digest. No provenance file: `unsigned`. A signature by a key the keyring does
// not hold: `policy-violation` (the keyring is the user's list of accepted signers).

import * as crypto from 'node:crypto';
import type { PublicKey } from 'openpgp';
import type { TieredCache } from '../../cache/tieredCache';
import type { HttpClient } from '../../http/http';
import type { HelmIndexClient, HelmRepository } from './helmRepositories';
import { type PackageResult, decided, unverifiableResult } from '../../result';
import type { UnverifiableCode } from '../../reasons';
import { cachedVerdict, faultResult } from '../../cache/cachedVerdict';
import { checkChartProvenance } from './chartProvenance';

const RESULT_SCHEMA = 'helm-result-v1';

export interface Keyring {
  keys: PublicKey[];
  /** Where it came from, for messages; its digest is part of every cache key. */
  file: string;
  digest: string;
}

export interface HelmTarget {
  name: string;
  version?: string;
  spec: string;
}

export class HelmVerifier {
  constructor(
    private readonly options: {
      http: HttpClient;
      index: HelmIndexClient;
      cache: TieredCache<PackageResult>;
      /** The keyring, or why there is none. */
      keyring: () => Promise<Keyring | { error: string }>;
    },
  ) {}

  async verify(target: HelmTarget, repository: HelmRepository | { error: string }, signal?: AbortSignal, fresh = false): Promise<PackageResult> {
    const fail = (code: UnverifiableCode, reason: string) => unverifiableResult(target.name, code, reason, target.version, 'helm');
    if ('error' in repository) return fail('registry-error', `${target.name}: ${repository.error}.`);
    if (!target.version) {
      return fail(
        'spec-unsupported',
        `${target.name} ${target.spec || '(no version)'} is a range helm resolves when it updates dependencies; Chart.lock pins the version that is checked.`,
      );
    }
    try {
      const keyring = await this.options.keyring();
      const key = [RESULT_SCHEMA, repository.url, target.name, target.version, 'digest' in keyring ? keyring.digest : ''].join('\n');
      return await cachedVerdict(this.options.cache, key, fresh, () => this.judge(target as Required<HelmTarget>, repository, keyring, signal));
    } catch (error) {
      return faultResult(error, fail, 'chart');
    }
  }

  private async judge(
    target: Required<HelmTarget>,
    repository: HelmRepository,
    keyring: Keyring | { error: string },
    signal?: AbortSignal,
  ): Promise<PackageResult> {
    const host = new URL(repository.url).host;
    const entry = (await this.options.index.versions(repository.url, target.name, signal)).find((v) => v.version === target.version);
    if (!entry || entry.urls.length === 0)
      return unverifiableResult(
        target.name,
        'version-not-found',
        `The chart repository at ${host} lists no ${target.name} ${target.version}.`,
        target.version,
        'helm',
      );
    const archiveUrl = entry.urls[0];
    const archiveName = decodeURIComponent(new URL(archiveUrl).pathname.split('/').pop() ?? '');
    const archive = (await this.options.http.get(archiveUrl, { accept: 'application/gzip, application/octet-stream, application/x-tar', pass: [], signal }))
      .body;
    const digest = crypto.createHash('sha256').update(archive).digest('hex');
    const base = {
      ecosystem: 'helm' as const,
      name: target.name,
      version: target.version,
      purl: `pkg:helm/${target.name}@${target.version}?repository_url=${encodeURIComponent(repository.url)}`,
      registry: host,
      integrity: `sha256:${digest}`,
      findings: [],
    };
    if (entry.digest && entry.digest.toLowerCase() !== digest) {
      return decided(base, 'integrity-mismatch', `The archive ${archiveName} has sha256 ${digest}, but the index at ${host} lists ${entry.digest}.`);
    }
    const prov = await this.options.http.get(`${archiveUrl}.prov`, {
      accept: 'application/vnd.cncf.helm.chart.provenance.v1.prov, text/plain, application/octet-stream',
      signal,
    });
    if (prov.status === 404)
      return decided(base, 'signature-missing', `${target.name} ${target.version} has no provenance file (${archiveName}.prov) at ${host}.`);
    if ('error' in keyring) {
      return decided(base, 'trust-material-missing', `${target.name} ${target.version} is signed (${archiveName}.prov), but ${keyring.error}.`);
    }
    const check = await checkChartProvenance(archive, archiveName, target, prov.body.toString('utf8'), keyring.keys);
    if (check.ok)
      return decided(
        { ...base, signatureKeyId: check.fingerprint },
        'verified',
        `Signed by ${check.signer} (key ${check.fingerprint}), and the signed digest is the archive's.`,
      );
    // A key outside the keyring: the reason names the keyring. (Until issue 17 this result said its
    // signature and provenance were `invalid`; like an image's unaccepted key, they are unverifiable.)
    if (check.code === 'signer-not-allowed')
      return { ...decided(base, check.code, `${capitalise(check.message)} (${keyring.file}).`), signatureReason: check.message };
    return decided(base, check.code, `${capitalise(check.message)}.`);
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
