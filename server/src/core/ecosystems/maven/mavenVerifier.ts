// Maven artifacts signed with Sigstore: the `.sigstore.json` bundle published next to the artifact
// (what sigstore-maven-plugin and Maven Central's Sigstore support publish), verified against the
// artifact's own bytes and the trusted root. No bundle is `unsigned`; a bundle over other bytes is
// `invalid`. The repository is the user's (settings.xml mirror, or the pom's repositories).

import * as crypto from 'node:crypto';
import type { TieredCache } from '../../cache/tieredCache';
import type { HttpClient } from '../../http/http';
import { type PackageResult, decided, unverifiableResult } from '../../result';
import type { TrustContext } from '../../trust/trustedRoot';
import type { UnverifiableCode } from '../../reasons';
import { cachedVerdict, faultResult } from '../../cache/cachedVerdict';
import { checkBundle, logEntryFacts, parseBundle, signerIdentity } from '../../sigstore/bundleCheck';

const RESULT_SCHEMA = 'maven-result-v1';

export interface MavenTarget {
  /** `groupId:artifactId`. */
  name: string;
  version?: string;
  /** The dependency's type (pom, war…) and why its version is unknown, if it is. */
  note?: string;
}

export class MavenVerifier {
  constructor(private readonly options: { http: HttpClient; trust: () => TrustContext; cache: TieredCache<PackageResult> }) {}

  async verify(target: MavenTarget, repositories: string[], signal?: AbortSignal, fresh = false): Promise<PackageResult> {
    const fail = (code: UnverifiableCode, reason: string) => unverifiableResult(target.name, code, reason, target.version, 'maven');
    if (!target.version) return fail('spec-unsupported', `The version of ${target.name} is not known here${target.note ? `: ${target.note}` : ''}.`);
    if (repositories.length === 0)
      return fail(
        'registry-error',
        'No Maven repository is configured (a mirror in ~/.m2/settings.xml, <repositories> in the pom, or the provenanceLens.maven.repositoryUrl setting).',
      );
    const extension = /(?:^|; )(pom|war|aar|zip)\b/.exec(target.note ?? '')?.[1] ?? 'jar';
    try {
      const key = [RESULT_SCHEMA, repositories.join(' '), target.name, target.version, extension, this.options.trust().digest].join('\n');
      return await cachedVerdict(this.options.cache, key, fresh, () => this.judge(target.name, target.version!, extension, repositories, signal));
    } catch (error) {
      return faultResult(error, fail, 'artifact');
    }
  }

  private async judge(name: string, version: string, extension: string, repositories: string[], signal?: AbortSignal): Promise<PackageResult> {
    const [group, artifact] = name.split(':');
    const file = `${artifact}-${version}.${extension}`;
    const relative = `${group.replace(/\./g, '/')}/${artifact}/${version}/${file}`;
    for (const repository of repositories) {
      const url = `${repository.replace(/\/+$/, '')}/${relative}`;
      const bytes = await this.options.http.get(url, { accept: 'application/octet-stream', signal });
      if (bytes.status === 404) continue;
      const base = {
        ecosystem: 'maven' as const,
        name,
        version,
        purl: `pkg:maven/${group}/${artifact}@${version}${extension !== 'jar' ? `?type=${extension}` : ''}`,
        registry: new URL(repository).host,
        findings: [],
      };
      const bundle = await this.options.http.get(`${url}.sigstore.json`, { accept: 'application/json', signal });
      if (bundle.status === 404)
        return decided(base, 'signature-missing', `${file} on ${base.registry} has no Sigstore bundle (${file}.sigstore.json) beside it.`);
      return this.judgeBundle(base, file, bytes.body, bundle.body);
    }
    return unverifiableResult(
      name,
      'version-not-found',
      `No configured repository (${repositories.map((r) => new URL(r).host).join(', ')}) has ${file}.`,
      version,
      'maven',
    );
  }

  private judgeBundle(base: Parameters<typeof decided>[0], file: string, artifact: Buffer, bundleBytes: Buffer): PackageResult {
    let json: unknown;
    try {
      json = JSON.parse(bundleBytes.toString('utf8'));
    } catch {
      return decided(base, 'bundle-malformed', `The Sigstore bundle of ${file} is not JSON.`);
    }
    const parsed = parseBundle(json);
    if (!parsed.ok) return decided(base, parsed.code, `The Sigstore bundle of ${file}: ${parsed.message}.`);
    const bundle = parsed.bundle;
    if (bundle.content.$case === 'dsseEnvelope') {
      const sha256 = crypto.createHash('sha256').update(artifact).digest('hex');
      let statement: { subject?: Array<{ digest?: Record<string, string> }> } = {};
      try {
        statement = JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8'));
      } catch {
        // not JSON: no subject matches below
      }
      if (!statement.subject?.some((s) => s.digest?.sha256 === sha256))
        return decided(base, 'artifact-mismatch', `The Sigstore bundle beside ${file} is about other content.`);
    }
    const material = bundle.verificationMaterial.content;
    if (material.$case === 'publicKey') return decided(base, 'trust-material-missing', `${file} is signed with a key, not a Sigstore certificate.`);
    const checked = checkBundle(bundle, this.options.trust(), undefined, true, bundle.content.$case === 'messageSignature' ? artifact : undefined);
    // The check's own code: signature-invalid or bundle-malformed; trust-material-missing, or bundle-unsupported
    // (which until issue 17 was labelled trust-material-missing here).
    if (!checked.ok) return decided(base, checked.code, `The Sigstore bundle of ${file} does not hold: ${checked.message}.`);
    const identity = signerIdentity(bundle) ?? {};
    const reason = `${file} is signed by ${identity.subjectAlternativeName ?? 'an unknown identity'} (${identity.issuer ?? 'unknown issuer'}), logged.`;
    return { ...decided(base, 'verified', reason), provenanceDetails: { ...identity, predicateTypes: [], ...logEntryFacts(bundle, this.options.trust()) } };
  }
}
