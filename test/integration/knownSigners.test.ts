// The catalog of known signers: it validates against its JSON Schema, every entry and identity
// cites its page, and image entries say on which registries they apply. A signature by a
// documented identity is attributed to the publisher and a valid signature by another identity is
// a policy violation naming both — on real recorded npm provenance (sigstore-js's publish and
// release workflows), on npm provenance made by a local Sigstore where none is recorded (each
// @sigstore package under the workflow that really publishes it), and on images signed keylessly
// by a local Sigstore and served by the real local registry: on another registry the catalog does
// not apply, on a mirror (the policy's, the docker daemon's) it does. A policy extends, overrides
// or sets the catalog aside. Real recorded image signatures: knownSignersRecorded.test.ts.

import { testChecker } from '../support/testChecker';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { type Checker } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import { DEFAULT_DOMAIN } from '../../server/src/core/formats/imageReference';
import { BUNDLED_KNOWN_SIGNERS, type KnownPublisher, repositoryPath } from '../../server/src/core/trust/knownSigners';
import { parsePolicy } from '../../server/src/core/trust/policy';
import { type TrustContext, embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { COSIGN_SIGN_PREDICATE } from '../../server/src/core/ecosystems/oci/imageBundle';
import { npmPurl } from '../../server/src/core/ecosystems/npm/purl';
import { cleanEnv } from '../support/env';
import { KEYS, SIGSTORE_040_INTEGRITY, SIGSTORE_130, SIGSTORE_130_INTEGRITY, readFixture, recordedScenario } from '../support/fixtureRegistry';
import { LocalSigstore } from '../support/localSigstore';
import { OciRegistry, skipWithoutRegistry } from '../support/ociRegistry';
import { REPO_ROOT } from '../support/paths';
import type { Scenario, ServedVersion } from '../support/registryServer';
import { TestRegistry } from '../support/registryServer';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pl-known-'));
const catalogEntry = (publisher: string, match: string) => BUNDLED_KNOWN_SIGNERS.publishers.find((p) => p.publisher === publisher && p.match.includes(match))!;
const SIGSTORE_JS = catalogEntry('Sigstore', '@sigstore/tuf');
const PROTOBUF_SPECS = catalogEntry('Sigstore', '@sigstore/protobuf-specs');
const KUBERNETES = catalogEntry('Kubernetes', 'coredns/coredns');
const DISTROLESS = catalogEntry('Google distroless', 'distroless/*');
/** The release workflow identity sigstore-js documents (an exact subject). */
const SIGSTORE_JS_RELEASE = SIGSTORE_JS.signers[0] as { issuer: string; subject: string };

describe('known signers', function () {
  this.timeout(30_000);
  const checkers: Checker[] = [];
  after(() => Promise.all(checkers.map((c) => c.dispose())));

  /** The one result of checking `file` (written with `text`) in `dir`, with `policy` beside it and `env` added to a clean environment. */
  async function checkOne(dir: string, file: string, text: string, trust: TrustContext, policy?: object, env: Record<string, string> = {}) {
    if (policy) fs.writeFileSync(path.join(dir, 'provenance-policy.json'), JSON.stringify(policy));
    fs.writeFileSync(path.join(dir, file), text);
    const home = tempDir();
    const checker = testChecker(home, { trust: () => trust, env: cleanEnv({ HOME: home, ...env }), timeoutMs: 3000 });
    checkers.push(checker);
    const [r] = await checker.verify(path.join(dir, file), parseFile(path.join(dir, file), text)!);
    return r.result;
  }

  describe('the catalog', () => {
    const ajv = new Ajv({ allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'known-signers.schema.json'), 'utf8')));

    it('validates against its JSON Schema; it is dated, and every entry and identity cites an https page', () => {
      assert.ok(validate(BUNDLED_KNOWN_SIGNERS), JSON.stringify(validate.errors));
      assert.match(BUNDLED_KNOWN_SIGNERS.version, /^\d{4}-\d{2}-\d{2}$/);
      for (const entry of BUNDLED_KNOWN_SIGNERS.publishers) {
        assert.match(entry.source ?? '', /^https:\/\/\S+$/, entry.publisher);
        for (const signer of entry.signers) if (signer.source) assert.match(signer.source, /^https:\/\/\S+$/, entry.publisher);
      }
    });

    it('says for every image entry on which registries it applies, and matches repository paths there, never a registry', () => {
      for (const entry of BUNDLED_KNOWN_SIGNERS.publishers.filter((e) => e.ecosystem === 'oci')) {
        assert.ok(entry.registries && entry.registries.length > 0, entry.publisher);
        for (const pattern of entry.match) assert.equal(repositoryPath(pattern), pattern, `${entry.publisher}: "${pattern}" names a registry`);
      }
      // The schema holds the catalog to it: an image entry without registries, or a package entry with them, is refused.
      const copy = structuredClone(BUNDLED_KNOWN_SIGNERS) as { publishers: Array<Partial<KnownPublisher>> };
      delete copy.publishers.find((e) => e.ecosystem === 'oci')!.registries;
      assert.equal(validate(copy), false);
      const withRegistries = structuredClone(BUNDLED_KNOWN_SIGNERS);
      withRegistries.publishers.find((e) => e.ecosystem === 'npm')!.registries = [KUBERNETES.registries![0]];
      assert.equal(validate(withRegistries), false);
    });

    it('names each @sigstore package under one entry only, so the repository that publishes it decides', () => {
      const npmNames = BUNDLED_KNOWN_SIGNERS.publishers.filter((e) => e.ecosystem === 'npm').flatMap((e) => e.match);
      assert.equal(new Set(npmNames).size, npmNames.length);
      assert.ok(
        npmNames.every((name) => !name.includes('*')),
        'package entries name packages, not a whole scope',
      );
    });

    it("is accepted by the policy schema as a policy's own entries, as are mirrors; the policy reads registries and mirrors", () => {
      const policySchema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'provenance-policy.schema.json'), 'utf8'));
      const mirrors = [{ mirror: '127.0.0.1:5000/k8s', of: KUBERNETES.registries![0] }];
      assert.ok(ajv.validate(policySchema, { knownSigners: BUNDLED_KNOWN_SIGNERS.publishers, mirrors }), JSON.stringify(ajv.errors));
      assert.ok(ajv.validate(policySchema, { knownSigners: false }));
      const { policy, problems } = parsePolicy(JSON.stringify({ knownSigners: [KUBERNETES, SIGSTORE_JS], mirrors }));
      assert.deepEqual(problems, []);
      assert.deepEqual(policy.mirrors, mirrors);
      assert.deepEqual(policy.knownSigners && policy.knownSigners.map((e) => e.registries), [KUBERNETES.registries, undefined]);
      const bad = parsePolicy(
        JSON.stringify({ knownSigners: [{ ...SIGSTORE_JS, registries: ['127.0.0.1:5000'] }], mirrors: [{ mirror: '127.0.0.1:5000' }] }),
      ).problems;
      assert.deepEqual(
        bad.map((p) => p.message.split(':')[0]),
        ['"registries" is for images', 'A mirror needs "mirror" (the registry, host or host/path, that serves the copies) and "of" (the registry it mirrors).'],
      );
    });
  });

  describe('npm provenance', () => {
    const registry = new TestRegistry();
    const sigstore = new LocalSigstore();
    // The registry's signature is made here with a test key wherever a recorded one is missing;
    // the key is served beside the recorded npm keys.
    const registryKey = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const TEST_KEY = {
      keyid: 'SHA256:provenance-lens-test',
      keytype: 'ecdsa-sha2-nistp256',
      scheme: 'ecdsa-sha2-nistp256',
      key: registryKey.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      expires: null,
    };
    before(() => Promise.all([registry.start(), sigstore.start()]));
    after(() => Promise.all([registry.stop(), sigstore.stop()]));

    const signedByRegistry = (name: string, version: string, integrity: string, extra: Partial<ServedVersion>): ServedVersion => ({
      manifest: {
        name,
        version,
        dist: {
          integrity,
          signatures: [
            { keyid: TEST_KEY.keyid, sig: crypto.sign('sha256', Buffer.from(`${name}@${version}:${integrity}`), registryKey.privateKey).toString('base64') },
          ],
        },
      },
      publishedAt: '2026-12-01T00:00:00.000Z',
      ...extra,
    });

    /** Checks a package.json that depends on `name@version`, served by `scenario`. */
    const checkPackage = (scenario: Scenario, name: string, version: string, trust: TrustContext, policy?: object) => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.set(`known${Math.random().toString(36).slice(2)}`, scenario)}\n`);
      return checkOne(dir, 'package.json', JSON.stringify({ name: 'app', dependencies: { [name]: version } }, null, 2), trust, policy);
    };
    const checkSigstore = (policy?: object) => checkPackage(recordedScenario(), 'sigstore', '1.0.0', embeddedTrust(), policy);

    /** `name@version` with provenance a local Sigstore signed as `subject` (GitHub Actions' issuer), and a registry signature. */
    async function locallyProvenanced(name: string, version: string, subject: string): Promise<Scenario> {
      const tarball = crypto.createHash('sha512').update(`${name}@${version}`).digest();
      const statement = {
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: npmPurl(name, version), digest: { sha512: tarball.toString('hex') } }],
        predicateType: 'https://slsa.dev/provenance/v1',
        predicate: {},
      };
      const bundle = await sigstore.signStatement(Buffer.from(JSON.stringify(statement)), subject, SIGSTORE_JS_RELEASE.issuer);
      const served = signedByRegistry(name, version, `sha512-${tarball.toString('base64')}`, {
        attestations: { attestations: [{ predicateType: statement.predicateType, bundle }] },
      });
      return { keys: { keys: [TEST_KEY] }, packages: { [name]: { [version]: served } } };
    }

    it("attributes recorded provenance by sigstore-js's earlier publish workflow (sigstore@1.0.0, 0.4.0) to Sigstore", async () => {
      const r = await checkSigstore();
      assert.deepEqual([r.verdict, r.publisher], ['verified', 'Sigstore'], r.reason);
      assert.match(r.reason, /^Signed by Sigstore \(https:\/\/github\.com\/sigstore\/sigstore-js\/\.github\/workflows\/publish\.yml@refs\/tags\/v1\.0\.0\)/);
      // pacote's recording of 0.4.0's provenance, with a registry signature made here (none was recorded).
      const attestations = readFixture('npm/attestations/pacote/valid-attestations.json');
      const scenario: Scenario = {
        keys: { keys: [...KEYS.keys, TEST_KEY] },
        packages: { sigstore: { '0.4.0': signedByRegistry('sigstore', '0.4.0', SIGSTORE_040_INTEGRITY, { attestations }) } },
      };
      const earlier = await checkPackage(scenario, 'sigstore', '0.4.0', embeddedTrust());
      assert.deepEqual([earlier.verdict, earlier.publisher], ['verified', 'Sigstore'], earlier.reason);
      assert.match(
        earlier.reason,
        /^Signed by Sigstore \(https:\/\/github\.com\/sigstore\/sigstore-js\/\.github\/workflows\/publish\.yml@refs\/tags\/v0\.4\.0\)/,
      );
    });

    it("attributes recorded provenance by sigstore-js's release workflow (sigstore@1.3.0) to Sigstore", async () => {
      // The recorded provenance with a registry signature made here (none was recorded for this version).
      const scenario: Scenario = {
        keys: { keys: [...KEYS.keys, TEST_KEY] },
        packages: { sigstore: { '1.3.0': signedByRegistry('sigstore', '1.3.0', SIGSTORE_130_INTEGRITY, { attestations: SIGSTORE_130 }) } },
      };
      const r = await checkPackage(scenario, 'sigstore', '1.3.0', embeddedTrust());
      assert.deepEqual([r.verdict, r.publisher], ['verified', 'Sigstore'], r.reason);
      assert.ok(r.reason.startsWith(`Signed by Sigstore (${SIGSTORE_JS_RELEASE.subject})`), r.reason);
    });

    it("attributes @sigstore/protobuf-specs published by sigstore/protobuf-specs's own workflow to Sigstore, not a violation", async () => {
      const subject = 'https://github.com/sigstore/protobuf-specs/.github/workflows/typescript-publish.yml@refs/tags/release/typescript/v0.5.2';
      const r = await checkPackage(await locallyProvenanced('@sigstore/protobuf-specs', '0.5.2', subject), '@sigstore/protobuf-specs', '0.5.2', sigstore.trust);
      assert.deepEqual([r.verdict, r.publisher, r.code], ['verified', 'Sigstore', 'verified'], r.reason);
      assert.ok(r.reason.startsWith(`Signed by Sigstore (${subject})`), r.reason);
    });

    it('attributes a sigstore-js package published by its release workflow to Sigstore', async () => {
      const r = await checkPackage(await locallyProvenanced('@sigstore/tuf', '5.0.1', SIGSTORE_JS_RELEASE.subject), '@sigstore/tuf', '5.0.1', sigstore.trust);
      assert.deepEqual([r.verdict, r.publisher], ['verified', 'Sigstore'], r.reason);
    });

    it("finds each @sigstore package signed by the other repository's workflow a policy violation naming both", async () => {
      const fromSigstoreJs = await checkPackage(
        await locallyProvenanced('@sigstore/protobuf-specs', '0.5.2', SIGSTORE_JS_RELEASE.subject),
        '@sigstore/protobuf-specs',
        '0.5.2',
        sigstore.trust,
      );
      assert.deepEqual([fromSigstoreJs.verdict, fromSigstoreJs.code], ['policy-violation', 'signer-not-allowed']);
      assert.ok(
        fromSigstoreJs.reason.includes(`but Sigstore signs @sigstore/protobuf-specs as /${PROTOBUF_SPECS.signers[0].subjectPattern}/`),
        fromSigstoreJs.reason,
      );
      const subject = 'https://github.com/sigstore/protobuf-specs/.github/workflows/typescript-publish.yml@refs/tags/release/typescript/v0.5.2';
      const fromProtobufSpecs = await checkPackage(await locallyProvenanced('@sigstore/tuf', '5.0.1', subject), '@sigstore/tuf', '5.0.1', sigstore.trust);
      assert.deepEqual([fromProtobufSpecs.verdict, fromProtobufSpecs.code], ['policy-violation', 'signer-not-allowed']);
    });

    it('finds provenance by another identity than the documented one a policy violation that names both', async () => {
      const r = await checkSigstore({
        knownSigners: [
          {
            publisher: 'Impostor check',
            ecosystem: 'npm',
            match: 'sigstore',
            signers: [
              {
                issuer: 'https://token.actions.githubusercontent.com',
                subject: 'https://github.com/sigstore/sigstore-js/.github/workflows/other.yml@refs/heads/main',
              },
            ],
          },
        ],
      });
      assert.deepEqual([r.verdict, r.code], ['policy-violation', 'signer-not-allowed']);
      assert.match(
        r.reason,
        /Signed by https:\/\/github\.com\/sigstore\/sigstore-js\/\.github\/workflows\/publish\.yml@refs\/tags\/v1\.0\.0 \(https:\/\/token\.actions\.githubusercontent\.com\), but Impostor check signs sigstore as https:\/\/github\.com\/sigstore\/sigstore-js\/\.github\/workflows\/other\.yml/,
      );
    });

    it('leaves it to a policy rule that names signers, and to a policy that sets the catalog aside', async () => {
      const byRule = await checkSigstore({
        packages: [
          { match: 'sigstore', signers: [{ issuer: 'https://token.actions.githubusercontent.com', subjectPattern: 'https://github\\.com/sigstore/.+' }] },
        ],
      });
      assert.deepEqual([byRule.verdict, byRule.publisher], ['verified', undefined]);
      const off = await checkSigstore({ knownSigners: false });
      assert.deepEqual([off.verdict, off.publisher], ['verified', undefined]);
    });
  });

  describe('images (keyless, a local Sigstore, the real local registry)', () => {
    const registry = new OciRegistry();
    const sigstore = new LocalSigstore();
    const kubernetesSigner = KUBERNETES.signers[0] as { issuer: string; subject: string };
    const dockerfile = (repository: string, tag: string) => `FROM ${registry.host}/${repository}:${tag}\n`;

    before(async function () {
      skipWithoutRegistry(this);
      await Promise.all([registry.start(), sigstore.start()]);
      const sign = async (repository: string, tag: string, subject: string, issuer?: string) => {
        const image = await registry.pushImage(repository, tag);
        await registry.attachBundle(repository, image.digest, await sigstore.signImage(image.digest, COSIGN_SIGN_PREDICATE, subject, issuer));
      };
      // Images at paths the catalog knows, on a registry that is not their publisher's: one signed
      // by the identity Kubernetes documents, one by someone else.
      await sign('coredns/coredns', 'v1.12.0', kubernetesSigner.subject, kubernetesSigner.issuer);
      await sign('distroless/static', 'nonroot', 'mallory@evil.example');
      // The same, where a policy says this registry path mirrors the publishers' registries.
      await sign('k8s/coredns/coredns', 'v1.12.0', kubernetesSigner.subject, kubernetesSigner.issuer);
      await sign('k8s/pause', '3.10', 'mallory@evil.example');
      await sign('gcr/distroless/static', 'nonroot', 'mallory@evil.example');
      await sign('acme/api', '2.0', 'release@acme.example');
    });
    after(() => Promise.all([registry.stop(), sigstore.stop()]));

    const mirrors = () => ({
      mirrors: [
        { mirror: `${registry.host}/k8s`, of: KUBERNETES.registries![0] },
        { mirror: `${registry.host}/gcr`, of: DISTROLESS.registries![0] },
      ],
    });

    it("does not attribute coredns/coredns on another registry to Kubernetes, even signed by Kubernetes' identity", async () => {
      const r = await checkOne(tempDir(), 'Dockerfile', dockerfile('coredns/coredns', 'v1.12.0'), sigstore.trust);
      assert.deepEqual([r.verdict, r.publisher, r.code], ['verified', undefined, 'verified'], r.reason);
    });

    it("leaves an image at a publisher's path on another registry, signed by someone else, verified: it is another publisher's image", async () => {
      const r = await checkOne(tempDir(), 'Dockerfile', dockerfile('distroless/static', 'nonroot'), sigstore.trust);
      assert.deepEqual([r.verdict, r.publisher, r.code], ['verified', undefined, 'verified'], r.reason);
    });

    it('applies the catalog on a mirror the policy names: attributed when signed by the documented identity, a violation naming both otherwise', async () => {
      const attributed = await checkOne(tempDir(), 'Dockerfile', dockerfile('k8s/coredns/coredns', 'v1.12.0'), sigstore.trust, mirrors());
      assert.deepEqual([attributed.verdict, attributed.publisher], ['verified', 'Kubernetes'], attributed.reason);
      assert.ok(attributed.reason.includes(`a mirror of ${KUBERNETES.registries![0]}`), attributed.reason);
      const lookalike = await checkOne(tempDir(), 'Dockerfile', dockerfile('k8s/pause', '3.10'), sigstore.trust, mirrors());
      assert.deepEqual([lookalike.verdict, lookalike.code], ['policy-violation', 'signer-not-allowed'], lookalike.reason);
      assert.ok(
        lookalike.reason.startsWith(
          `Signed by mallory@evil.example (https://issuer.local), but Kubernetes signs ${registry.host}/k8s/pause (served by ${registry.host}/k8s, a mirror of ${KUBERNETES.registries![0]}) as ${kubernetesSigner.subject} (${kubernetesSigner.issuer})`,
        ),
        lookalike.reason,
      );
      assert.ok(lookalike.reason.endsWith(`(documented at ${KUBERNETES.source}).`), lookalike.reason);
    });

    it("applies a policy's own entry for the default domain on a docker daemon mirror, and not without it", async () => {
      const daemonJson = path.join(tempDir(), 'daemon.json');
      fs.writeFileSync(daemonJson, JSON.stringify({ 'registry-mirrors': [`http://${registry.host}`] }));
      const policy = {
        knownSigners: [
          {
            publisher: 'Acme Corp',
            ecosystem: 'oci',
            registries: [DEFAULT_DOMAIN],
            match: ['acme/*'],
            signers: [{ issuer: 'https://issuer.local', subject: 'release@acme.example' }],
          },
        ],
      };
      const mirrored = await checkOne(tempDir(), 'Dockerfile', dockerfile('acme/api', '2.0'), sigstore.trust, policy, { DOCKER_DAEMON_CONFIG: daemonJson });
      assert.deepEqual([mirrored.verdict, mirrored.publisher], ['verified', 'Acme Corp'], mirrored.reason);
      const notMirrored = await checkOne(tempDir(), 'Dockerfile', dockerfile('acme/api', '2.0'), sigstore.trust, policy);
      assert.deepEqual([notMirrored.verdict, notMirrored.publisher], ['verified', undefined], notMirrored.reason);
    });

    it('attributes an image to a publisher a policy adds (on any registry when its entry names none), and lets a policy override the catalog', async () => {
      const acme = {
        publisher: 'Acme Corp',
        ecosystem: 'oci',
        match: ['acme/*'],
        signers: [{ issuer: 'https://issuer.local', subject: 'release@acme.example' }],
      };
      const r = await checkOne(tempDir(), 'Dockerfile', dockerfile('acme/api', '2.0'), sigstore.trust, { knownSigners: [acme] });
      assert.deepEqual([r.verdict, r.publisher], ['verified', 'Acme Corp'], r.reason);
      const catalog = await checkOne(tempDir(), 'Dockerfile', dockerfile('gcr/distroless/static', 'nonroot'), sigstore.trust, mirrors());
      assert.deepEqual([catalog.verdict, catalog.code], ['policy-violation', 'signer-not-allowed'], catalog.reason);
      const rebuild = {
        ...acme,
        publisher: 'Our rebuild',
        registries: DISTROLESS.registries,
        match: ['distroless/*'],
        signers: [{ issuer: 'https://issuer.local', subject: 'mallory@evil.example' }],
      };
      const overridden = await checkOne(tempDir(), 'Dockerfile', dockerfile('gcr/distroless/static', 'nonroot'), sigstore.trust, {
        ...mirrors(),
        knownSigners: [rebuild],
      });
      assert.deepEqual([overridden.verdict, overridden.publisher], ['verified', 'Our rebuild'], overridden.reason);
    });
  });
});
