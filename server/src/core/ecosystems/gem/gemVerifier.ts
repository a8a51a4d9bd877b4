// The RubyGems verifier: a locked gem (name, version, platform) → its sha256 (the lock's CHECKSUMS,
// checked against the server's compact index) → the Sigstore bundles the server keeps for that
// version. Each bundle must verify against the trusted root and be about this gem's bytes: a
// message signature over the `.gem` (what `gem push --attestation` sends), or an in-toto statement
// whose subject is its sha256. No attestation is `unsigned`; content other than locked is `invalid`.

import * as crypto from 'node:crypto';
import type { TieredCache } from '../../cache/tieredCache';
import type { GemRegistryClient } from './gemRegistry';
import { type PackageResult, decided, unverifiableResult } from '../../result';
import { cachedVerdict, faultResult } from '../../cache/cachedVerdict';
import type { TrustContext } from '../../trust/trustedRoot';
import { type CodeOf, type Failure, type UnverifiableCode, hasVerdict } from '../../reasons';
import { type LogEntryFacts, checkBundle, logEntryFacts, logFacts, parseBundle, signerIdentity } from '../../sigstore/bundleCheck';
import type { BuildIdentity } from '../../sigstore/certificate';

const RESULT_SCHEMA = 'gem-result-v1';

export interface GemTarget {
  name: string;
  version: string;
  platform?: string;
  /** `sha256:<hex>` from the lock's CHECKSUMS. */
  hashes?: string[];
  url?: string;
}

export class GemVerifier {
  constructor(private readonly options: { registry: GemRegistryClient; trust: () => TrustContext; cache: TieredCache<PackageResult> }) {}

  /** `remote`: the server the lock names (after Bundler's mirror), undefined for gems from git or a path. */
  async verify(target: GemTarget, remote: string | undefined, signal?: AbortSignal, fresh = false): Promise<PackageResult> {
    const full = `${target.name}-${target.version}${target.platform && target.platform !== 'ruby' ? `-${target.platform}` : ''}`;
    const fail = (code: UnverifiableCode, reason: string) => unverifiableResult(target.name, code, reason, target.version, 'gem');
    if (target.url || !remote)
      return fail(
        'spec-unsupported',
        `${target.name} comes from ${target.url ?? 'no gem server'}, not from a gem server: there is nothing to verify it against.`,
      );
    try {
      const key = [RESULT_SCHEMA, remote, full, (target.hashes ?? []).join(','), this.options.trust().digest].join('\n');
      return await cachedVerdict(this.options.cache, key, fresh, () => this.judge(target, full, remote, signal));
    } catch (error) {
      return faultResult(error, fail, 'gem');
    }
  }

  private async judge(target: GemTarget, full: string, remote: string, signal?: AbortSignal): Promise<PackageResult> {
    const { registry } = this.options;
    const host = new URL(remote).host;
    const base = {
      ecosystem: 'gem' as const,
      name: target.name,
      version: target.version,
      purl: `pkg:gem/${target.name}@${target.version}${target.platform && target.platform !== 'ruby' ? `?platform=${encodeURIComponent(target.platform)}` : ''}`,
      registry: host,
      findings: [],
    };
    const locked = target.hashes?.find((h) => h.startsWith('sha256:'))?.slice('sha256:'.length);
    const served = (await registry.checksums(remote, target.name, signal))?.get(full.slice(target.name.length + 1));
    if (locked && served && locked !== served)
      return decided(base, 'integrity-mismatch', `${host} lists sha256 ${served} for ${full}, but the lock pins ${locked}.`);
    const bundles = await registry.attestations(remote, full, signal);
    if (bundles.length === 0) {
      const reason = `${full} on ${host} has no Sigstore attestation.`;
      return decided(base, 'signature-missing', reason);
    }
    const expected = locked ?? served;
    // The signatures are over the gem's bytes: verify them against the file itself.
    const gem = await registry.gem(remote, full, signal);
    // The server contradicts itself, as an npm registry that advertises attestations it does not
    // serve: a registry fault, undecided. (Until issue 17 this was `invalid` with version-not-found,
    // an unverifiable code: the one code used with two verdicts here. No evidence was shown wrong.)
    if (!gem) return decided(base, 'registry-error', `${host} lists attestations for ${full} but does not serve the gem.`);
    const digest = crypto.createHash('sha256').update(gem).digest('hex');
    if (expected && digest !== expected) return decided(base, 'integrity-mismatch', `The ${full}.gem ${host} serves has sha256 ${digest}, not ${expected}.`);
    const checks = bundles.map((b) => checkGemBundle(b, gem, digest, this.options.trust()));
    const failures = checks.filter((c): c is GemBundleFailure => !c.ok);
    const failed = failures.find((c) => hasVerdict(c.code, 'invalid')) ?? failures[0];
    if (failed) {
      // An attestation that is wrong, whatever is wrong with it, is provenance-invalid; one that
      // cannot be decided says why (until issue 17, always trust-material-missing).
      const reason = `An attestation of ${full} does not hold: ${failed.message}.`;
      return decided(base, hasVerdict(failed.code, 'invalid') ? 'provenance-invalid' : failed.code, reason);
    }
    const first = checks[0] as Extract<GemBundleCheck, { ok: true }>;
    const reason = `${full} is signed by ${first.identity.subjectAlternativeName ?? 'an unknown identity'} (${bundles.length} Sigstore attestation${bundles.length > 1 ? 's' : ''}, logged).`;
    return {
      ...decided(base, 'verified', reason),
      provenanceDetails: { ...first.identity, predicateTypes: checks.flatMap((c) => (c.ok && c.predicateType ? [c.predicateType] : [])), ...logFacts(first) },
    };
  }
}

type GemBundleFailure = Failure<CodeOf<'invalid' | 'unverifiable'>>;
type GemBundleCheck = ({ ok: true; identity: BuildIdentity; predicateType?: string } & LogEntryFacts) | GemBundleFailure;

function checkGemBundle(json: unknown, gem: Buffer, digest: string, trust: TrustContext): GemBundleCheck {
  const parsed = parseBundle(json);
  if (!parsed.ok) return parsed;
  const bundle = parsed.bundle;
  let predicateType: string | undefined;
  if (bundle.content.$case === 'dsseEnvelope') {
    // An in-toto statement must name this gem's bytes.
    try {
      const statement = JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8')) as {
        predicateType?: string;
        subject?: Array<{ digest?: Record<string, string> }>;
      };
      predicateType = statement.predicateType;
      if (!statement.subject?.some((s) => s.digest?.sha256 === digest))
        return { ok: false, code: 'provenance-subject-mismatch', message: 'its statement is about other content' };
    } catch {
      return { ok: false, code: 'provenance-invalid', message: 'its statement is not JSON' };
    }
  }
  const content = bundle.verificationMaterial.content;
  if (content.$case === 'publicKey') return { ok: false, code: 'trust-material-missing', message: 'it is signed with a key, not a Sigstore certificate' };
  const checked = checkBundle(bundle, trust, undefined, true, bundle.content.$case === 'messageSignature' ? gem : undefined);
  if (!checked.ok) return checked;
  return { ok: true, identity: signerIdentity(bundle) ?? {}, predicateType, ...logEntryFacts(bundle, trust) };
}
