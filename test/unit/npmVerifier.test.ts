// The npm verifier against a real HTTP registry on 127.0.0.1 replaying recorded data:
// every positive case must verify, every tampered variant must be rejected as invalid,
// and registry faults must end unverifiable (never verified, never invalid).

import * as assert from 'node:assert/strict';
import { TieredCache } from '../../server/src/core/cache/tieredCache';
import { HttpClient } from '../../server/src/core/http/http';
import type { NpmConfig } from '../../server/src/core/ecosystems/npm/npmConfig';
import { NpmRegistryClient } from '../../server/src/core/ecosystems/npm/npmRegistry';
import type { PackageResult } from '../../server/src/core/result';
import { embeddedTrust, trustFromJson } from '../../server/src/core/trust/trustedRoot';
import { type NpmTarget, NpmVerifier } from '../../server/src/core/ecosystems/npm/npmVerifier';
import {
  KEYS,
  PACOTE_VARIANTS,
  SIGNED,
  SIGSTORE_040_INTEGRITY,
  breakSignature,
  flipBase64,
  manifestOf,
  pacoteScenario,
  readFixture,
  recordedScenario,
  tampered,
} from '../support/fixtureRegistry';
import { type Scenario, TestRegistry } from '../support/registryServer';

const registry = new TestRegistry();
const clients: HttpClient[] = [];

function verifierFor(scenario: Scenario, opts: { trust?: ReturnType<typeof embeddedTrust>; timeoutMs?: number } = {}) {
  const name = `s${Math.random().toString(36).slice(2, 10)}`;
  const base = registry.set(name, scenario);
  const config: NpmConfig = { values: new Map([['registry', base]]), files: [] };
  const http = new HttpClient({
    timeoutMs: opts.timeoutMs ?? 5000,
    maxBodyBytes: 8 * 1024 * 1024,
    retries: 1,
    backoffMs: 10,
    offline: false,
    userAgent: 'test',
    authFor: () => undefined,
  });
  clients.push(http);
  const trust = opts.trust ?? embeddedTrust();
  return new NpmVerifier({
    registry: new NpmRegistryClient(http),
    config,
    trust: () => trust,
    cache: new TieredCache<PackageResult>(100, undefined),
  });
}

/** The recorded registry, but publishing no signing keys (404 on -/npm/v1/keys). */
const withoutKeys = () =>
  tampered((s) => {
    delete s.keys;
  });

const check = (scenario: Scenario, target: NpmTarget, opts?: Parameters<typeof verifierFor>[1]) => verifierFor(scenario, opts).verify(target);

describe('npm verifier on recorded registry data', function () {
  before(() => registry.start());
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await registry.stop();
  });

  describe('registry signatures', () => {
    for (const s of SIGNED) {
      it(`verifies the recorded signature of ${s.name}@${s.version}`, async () => {
        const r = await check(recordedScenario(), { name: s.name, spec: s.version });
        assert.equal(r.signature, 'verified', r.signatureReason);
        assert.equal(r.signatureKeyId, s.signatures[0].keyid);
      });
    }

    it('rejects a signature with one bit flipped', async () => {
      const scenario = tampered((s) => {
        breakSignature(s, 'kms-demo', '1.0.0', 20);
      });
      const r = await check(scenario, { name: 'kms-demo', spec: '1.0.0' });
      assert.equal(r.signature, 'invalid');
      assert.equal(r.verdict, 'invalid');
      assert.equal(r.code, 'signature-invalid');
    });

    it('rejects a signature when the integrity was changed', async () => {
      const scenario = tampered((s) => {
        const dist = manifestOf(s, 'async', '2.5.0').dist as { integrity: string };
        dist.integrity = 'sha512-' + flipBase64(dist.integrity.slice(7));
      });
      const r = await check(scenario, { name: 'async', spec: '2.5.0' });
      assert.equal(r.verdict, 'invalid');
    });

    it('rejects a signature by a key that had expired before the version was published', async () => {
      const scenario = tampered((s) => {
        s.packages['node-fetch']['1.7.1'].publishedAt = '2025-06-01T00:00:00.000Z';
      });
      const r = await check(scenario, { name: 'node-fetch', spec: '1.7.1' });
      assert.equal(r.verdict, 'invalid');
      assert.equal(r.code, 'signature-key-expired');
    });

    it('fetches the full packument for the publish time when the key expires', async () => {
      const before = registry.requests.length;
      const r = await check(recordedScenario(), { name: 'light-cycle', spec: '1.4.2' });
      assert.equal(r.signature, 'verified');
      const accepts = registry.requests
        .slice(before)
        .filter((q) => q.path === 'light-cycle')
        .map((q) => q.accept ?? '');
      assert.ok(
        accepts.some((a) => a.includes('install-v1')),
        'asks for the abbreviated packument first',
      );
      assert.ok(
        accepts.some((a) => a === 'application/json'),
        'then the full one, for `time`',
      );
    });

    it('rejects a signature by a key the registry does not publish', async () => {
      const scenario = tampered((s) => {
        s.keys = { keys: KEYS.keys.filter((k) => k.keyid.startsWith('SHA256:DhQ8')) };
      });
      const r = await check(scenario, { name: 'kms-demo', spec: '1.0.0' });
      assert.equal(r.verdict, 'invalid');
      assert.equal(r.code, 'signature-key-unknown');
    });

    it('calls a version without signatures unsigned', async () => {
      const scenario = tampered((s) => {
        delete manifestOf(s, 'kms-demo', '1.0.0').dist.signatures;
      });
      const r = await check(scenario, { name: 'kms-demo', spec: '1.0.0' });
      assert.equal(r.signature, 'unsigned');
      assert.equal(r.verdict, 'unsigned');
    });

    it('calls a registry that publishes no keys unverifiable, not verified', async () => {
      const r = await check(withoutKeys(), { name: 'kms-demo', spec: '1.0.0' });
      assert.equal(r.verdict, 'unverifiable');
      assert.equal(r.code, 'registry-no-keys');
    });

    it('rejects a lockfile integrity that differs from the registry', async () => {
      const s = SIGNED[0];
      const r = await check(recordedScenario(), { name: s.name, spec: s.version, version: s.version, integrity: 'sha512-' + flipBase64(s.integrity.slice(7)) });
      assert.equal(r.verdict, 'invalid');
      assert.equal(r.code, 'integrity-mismatch');
    });

    it('resolves a range to the newest matching version', async () => {
      const r = await check(recordedScenario(), { name: 'sigstore', spec: '^1.0.0' });
      assert.equal(r.version, '1.3.0');
    });
  });

  describe('provenance', () => {
    it('verifies sigstore@1.0.0: signature, SLSA provenance and publish attestation', async () => {
      const r = await check(recordedScenario(), { name: 'sigstore', spec: '1.0.0' });
      assert.equal(r.signature, 'verified', r.signatureReason);
      assert.equal(r.provenance, 'verified', r.provenanceReason);
      assert.equal(r.verdict, 'verified');
      const d = r.provenanceDetails!;
      assert.equal(d.sourceRepository, 'https://github.com/sigstore/sigstore-js');
      assert.match(d.sourceCommit ?? '', /^[0-9a-f]{40}$/);
      assert.equal(d.issuer, 'https://token.actions.githubusercontent.com');
      assert.match(d.subjectAlternativeName ?? '', /publish\.yml@refs\/tags\/v1\.0\.0$/);
      assert.equal(d.logIndex, '12988397');
      assert.equal(d.publishKeyId, 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA');
      assert.ok(d.builderId, 'builder id read from the SLSA predicate');
    });

    it('verifies sigstore@1.3.0 provenance (and reports the missing registry signature)', async () => {
      const r = await check(recordedScenario(), { name: 'sigstore', spec: '1.3.0' });
      assert.equal(r.provenance, 'verified', r.provenanceReason);
      assert.equal(r.signature, 'unsigned');
      assert.deepEqual(r.findings, []);
    });

    it("verifies pacote's valid sigstore@0.4.0 attestations", async () => {
      const r = await check(pacoteScenario('valid'), { name: 'sigstore', spec: '0.4.0' });
      assert.equal(r.provenance, 'verified', r.provenanceReason);
    });

    for (const variant of PACOTE_VARIANTS) {
      it(`rejects pacote's ${variant} attestations as invalid`, async () => {
        const r = await check(pacoteScenario(variant), { name: 'sigstore', spec: '0.4.0' });
        assert.equal(r.provenance, 'invalid', `${variant}: ${r.provenanceReason}`);
        assert.equal(r.verdict, 'invalid');
      });
    }

    it('rejects a provenance whose subject digest differs from the tarball', async () => {
      const scenario = tampered((s) => {
        manifestOf(s, 'sigstore', '1.3.0').dist.integrity = 'sha512-' + flipBase64(SIGSTORE_040_INTEGRITY.slice(7));
      });
      const r = await check(scenario, { name: 'sigstore', spec: '1.3.0' });
      assert.equal(r.provenance, 'invalid');
      assert.equal(r.code, 'provenance-subject-mismatch');
    });

    it("rejects a provenance whose certificate was swapped for another signer's", async () => {
      const other = readFixture<{ attestations: Array<{ bundle: any }> }>('npm/attestations/sigstore@1.3.0.attestations.assembled.json');
      const scenario = tampered((s) => {
        const doc = s.packages.sigstore['1.0.0'].attestations as { attestations: Array<{ bundle: any }> };
        const otherCert = other.attestations[0].bundle.verificationMaterial;
        const chain = doc.attestations[0].bundle.verificationMaterial.x509CertificateChain;
        chain.certificates[0] = otherCert.certificate ?? otherCert.x509CertificateChain.certificates[0];
      });
      const r = await check(scenario, { name: 'sigstore', spec: '1.0.0' });
      assert.equal(r.provenance, 'invalid', r.provenanceReason);
    });

    it('rejects a provenance whose Rekor entry was altered', async () => {
      const scenario = tampered((s) => {
        const doc = s.packages.sigstore['1.0.0'].attestations as { attestations: Array<{ bundle: any }> };
        const entry = doc.attestations[0].bundle.verificationMaterial.tlogEntries[0];
        entry.integratedTime = String(Number(entry.integratedTime) + 1); // the signed entry timestamp covers it
      });
      const r = await check(scenario, { name: 'sigstore', spec: '1.0.0' });
      assert.equal(r.provenance, 'invalid', r.provenanceReason);
    });

    it('rejects a provenance whose DSSE signature was altered', async () => {
      const scenario = tampered((s) => {
        const doc = s.packages.sigstore['1.0.0'].attestations as { attestations: Array<{ bundle: any }> };
        const sig = doc.attestations[0].bundle.dsseEnvelope.signatures[0];
        sig.sig = flipBase64(sig.sig, 30);
      });
      const r = await check(scenario, { name: 'sigstore', spec: '1.0.0' });
      assert.equal(r.provenance, 'invalid', r.provenanceReason);
    });

    it("rejects provenance logged where the user's own (current) root of another Sigstore deployment knows no log: another instance", async () => {
      const foreign = trustFromJson(readFixture('sigstore/trusted_root.scaffolding.json'), 'custom file');
      const r = await check(recordedScenario(), { name: 'sigstore', spec: '1.0.0' }, { trust: foreign });
      assert.equal(r.provenance, 'invalid', r.provenanceReason);
      assert.match(r.provenanceReason, /another Sigstore instance/);
    });

    it('cannot decide provenance logged where a snapshot root that could not be refreshed knows no log, and says so', async () => {
      const stale = trustFromJson(readFixture('sigstore/trusted_root.scaffolding.json'), 'embedded snapshot');
      const r = await check(recordedScenario(), { name: 'sigstore', spec: '1.0.0' }, { trust: stale });
      assert.equal(r.provenance, 'unverifiable', r.provenanceReason);
      assert.equal(r.code, 'trust-material-missing');
      assert.match(r.provenanceReason, /could not be refreshed/);
    });

    it('rejects a certificate from a CA the trusted root does not hold, in a log it knows', async () => {
      const root = readFixture<{ certificateAuthorities: unknown[] }>('sigstore/trusted_root.public-good.json');
      // The scaffolding deployment's CAs instead of the public-good ones: the signing certificate chains to neither.
      root.certificateAuthorities = readFixture<{ certificateAuthorities: unknown[] }>('sigstore/trusted_root.scaffolding.json').certificateAuthorities;
      const r = await check(recordedScenario(), { name: 'sigstore', spec: '1.0.0' }, { trust: trustFromJson(root, 'custom file') });
      assert.equal(r.provenance, 'invalid', r.provenanceReason);
      assert.match(r.provenanceReason, /does not chain to the trusted root/);
    });

    it('calls a publish attestation unverifiable, not invalid, when the registry publishes no keys', async () => {
      const r = await check(withoutKeys(), { name: 'sigstore', spec: '1.0.0' });
      assert.equal(r.provenance, 'unverifiable', r.provenanceReason);
      assert.equal(r.verdict, 'unverifiable');
    });

    it('keeps an invalid signature invalid when the attestations cannot be fetched', async () => {
      const scenario = tampered((s) => {
        breakSignature(s, 'sigstore', '1.0.0', 12);
        delete s.packages.sigstore['1.0.0'].attestations; // still advertised below, but no longer served
        manifestOf(s, 'sigstore', '1.0.0').dist.attestations = { url: 'http://127.0.0.1/-/npm/v1/attestations/sigstore@1.0.0' };
      });
      const r = await check(scenario, { name: 'sigstore', spec: '1.0.0' });
      assert.equal(r.provenance, 'unverifiable', r.provenanceReason);
      assert.equal(r.verdict, 'invalid');
    });

    it('does not let an undecidable attestation hide a later one that fails', async () => {
      const scenario = tampered((s) => {
        delete s.keys; // the publish attestation cannot be decided without registry keys…
        const doc = s.packages.sigstore['1.0.0'].attestations as { attestations: Array<{ predicateType: string; bundle: any }> };
        doc.attestations.reverse(); // …and comes first,
        const provenance = doc.attestations[1].bundle.dsseEnvelope.signatures[0];
        provenance.sig = flipBase64(provenance.sig, 30); // while the provenance after it is tampered with.
      });
      const r = await check(scenario, { name: 'sigstore', spec: '1.0.0' });
      assert.equal(r.provenance, 'invalid', r.provenanceReason);
      assert.equal(r.verdict, 'invalid');
    });

    it('warns about a provenance downgrade', async () => {
      const scenario = tampered((s) => {
        s.packages.sigstore['1.4.0'] = {
          manifest: { name: 'sigstore', version: '1.4.0', dist: { integrity: SIGSTORE_040_INTEGRITY } },
          publishedAt: '2023-05-01T00:00:00.000Z',
        };
      });
      const r = await check(scenario, { name: 'sigstore', spec: '1.4.0' });
      assert.equal(r.provenance, 'absent');
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ['provenance-downgrade'],
      );
    });

    it('warns when the provenance source repository differs from the declared repository', async () => {
      const scenario = tampered((s) => {
        manifestOf(s, 'sigstore', '1.3.0').repository = 'github:someone-else/sigstore-js';
      });
      const r = await check(scenario, { name: 'sigstore', spec: '1.3.0' });
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ['provenance-repository-mismatch'],
      );
    });
  });

  describe('registry faults end unverifiable', () => {
    for (const fault of ['http500', 'reset', 'not-json'] as const) {
      it(`${fault}`, async () => {
        const r = await check({ ...recordedScenario(), fault }, { name: 'kms-demo', spec: '1.0.0' });
        assert.equal(r.verdict, 'unverifiable', r.reason);
      });
    }

    it('a registry that never answers, within the deadline', async () => {
      const started = Date.now();
      const r = await check({ ...recordedScenario(), fault: 'hang' }, { name: 'kms-demo', spec: '1.0.0' }, { timeoutMs: 300 });
      assert.equal(r.verdict, 'unverifiable');
      assert.equal(r.code, 'network-error');
      assert.ok(Date.now() - started < 5000);
    });

    it('retries after 429 and then verifies', async () => {
      const r = await check({ ...recordedScenario(), fault: 'http429-then-ok' }, { name: 'kms-demo', spec: '1.0.0' });
      assert.equal(r.verdict, 'verified', r.reason);
    });

    it('an unknown package', async () => {
      const r = await check(recordedScenario(), { name: 'no-such-package', spec: '^1.0.0' });
      assert.equal(r.verdict, 'unverifiable');
      assert.equal(r.code, 'version-not-found');
    });

    it('a git dependency is not a registry package', async () => {
      const r = await check(recordedScenario(), { name: 'x', spec: 'github:owner/repo#main' });
      assert.equal(r.verdict, 'unverifiable');
      assert.equal(r.code, 'spec-unsupported');
    });
  });
});
