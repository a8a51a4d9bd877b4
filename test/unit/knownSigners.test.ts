// The catalog of known signers: it validates against its JSON Schema and every entry cites its
// source; a signature by the documented identity is attributed to the publisher, and a valid
// signature by another identity is a policy violation naming both — on real recorded npm
// provenance (sigstore-js's release workflow), and on images signed keylessly by a local Sigstore
// and served by the real local registry. A policy extends, overrides or sets the catalog aside.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Checker } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import { BUNDLED_KNOWN_SIGNERS, repositoryPath } from '../../server/src/core/trust/knownSigners';
import { type TrustContext, embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { COSIGN_SIGN_PREDICATE } from '../../server/src/core/verify/oci/imageBundle';
import { cleanEnv } from '../support/env';
import { recordedScenario } from '../support/fixtureRegistry';
import { LocalSigstore } from '../support/localSigstore';
import { OciRegistry, registryAvailable } from '../support/ociRegistry';
import { REPO_ROOT } from '../support/paths';
import { TestRegistry } from '../support/registryServer';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pl-known-'));

describe('known signers', function () {
  this.timeout(30_000);
  const checkers: Checker[] = [];
  after(() => Promise.all(checkers.map((c) => c.dispose())));

  /** The one result of checking `file` (written with `text`) in `dir`, with `policy` beside it. */
  async function checkOne(dir: string, file: string, text: string, trust: TrustContext, policy?: object) {
    if (policy) fs.writeFileSync(path.join(dir, 'provenance-policy.json'), JSON.stringify(policy));
    fs.writeFileSync(path.join(dir, file), text);
    const home = tempDir();
    const checker = new Checker({ trust: () => trust, offline: false, requireProvenance: false, allowProcessExecution: false, env: cleanEnv({ HOME: home }), homeDir: home, timeoutMs: 3000 });
    checkers.push(checker);
    const [r] = await checker.verify(path.join(dir, file), parseFile(path.join(dir, file), text)!);
    return r.result;
  }

  it('validates against its JSON Schema; every entry cites an https source and names no registry host', () => {
    const ajv = new Ajv({ allErrors: true });
    addFormats(ajv);
    const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'known-signers.schema.json'), 'utf8'));
    const validate = ajv.compile(schema);
    assert.ok(validate(BUNDLED_KNOWN_SIGNERS), JSON.stringify(validate.errors));
    assert.ok(BUNDLED_KNOWN_SIGNERS.publishers.length >= 4);
    for (const entry of BUNDLED_KNOWN_SIGNERS.publishers) {
      assert.match(entry.source ?? '', /^https:\/\/\S+$/, entry.publisher);
      for (const pattern of entry.match) assert.equal(repositoryPath(pattern), pattern, `${entry.publisher}: "${pattern}" names a registry host`);
    }
    // The policy schema accepts the same entries.
    const policySchema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'provenance-policy.schema.json'), 'utf8'));
    assert.ok(ajv.validate(policySchema, { knownSigners: BUNDLED_KNOWN_SIGNERS.publishers }), JSON.stringify(ajv.errors));
    assert.ok(ajv.validate(policySchema, { knownSigners: false }));
  });

  describe('npm provenance (recorded: sigstore@1.0.0, built by sigstore-js\'s publish workflow)', () => {
    const registry = new TestRegistry();
    before(() => registry.start());
    after(() => registry.stop());
    const checkSigstore = (policy?: object) => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.set(`known${Math.random().toString(36).slice(2)}`, recordedScenario())}\n`);
      return checkOne(dir, 'package.json', JSON.stringify({ name: 'app', dependencies: { sigstore: '1.0.0' } }, null, 2), embeddedTrust(), policy);
    };

    it('attributes provenance by the documented identity to the publisher', async () => {
      const r = await checkSigstore();
      assert.deepEqual([r.verdict, r.publisher], ['verified', 'Sigstore'], r.reason);
      assert.match(r.reason, /^Signed by Sigstore \(https:\/\/github\.com\/sigstore\/sigstore-js\/\.github\/workflows\/publish\.yml@refs\/tags\/v1\.0\.0\)/);
    });

    it('finds provenance by another identity than the documented one a policy violation that names both', async () => {
      const r = await checkSigstore({ knownSigners: [{ publisher: 'Impostor check', ecosystem: 'npm', match: 'sigstore', signers: [{ issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/sigstore/sigstore-js/.github/workflows/other.yml@refs/heads/main' }] }] });
      assert.deepEqual([r.verdict, r.code], ['policy-violation', 'signer-not-allowed']);
      assert.match(r.reason, /Signed by https:\/\/github\.com\/sigstore\/sigstore-js\/\.github\/workflows\/publish\.yml@refs\/tags\/v1\.0\.0 \(https:\/\/token\.actions\.githubusercontent\.com\), but Impostor check signs sigstore as https:\/\/github\.com\/sigstore\/sigstore-js\/\.github\/workflows\/other\.yml/);
    });

    it('leaves it to a policy rule that names signers, and to a policy that sets the catalog aside', async () => {
      const byRule = await checkSigstore({ packages: [{ match: 'sigstore', signers: [{ issuer: 'https://token.actions.githubusercontent.com', subjectPattern: 'https://github\\.com/sigstore/.+' }] }] });
      assert.deepEqual([byRule.verdict, byRule.publisher], ['verified', undefined]);
      const off = await checkSigstore({ knownSigners: false });
      assert.deepEqual([off.verdict, off.publisher], ['verified', undefined]);
    });
  });

  describe('images (keyless, a local Sigstore, the real local registry)', () => {
    const registry = new OciRegistry();
    const sigstore = new LocalSigstore();

    before(async function () {
      if (!registryAvailable()) {
        console.warn('SKIPPED: /usr/bin/docker-registry is not installed (apt-get install -y docker-registry)');
        this.skip();
      }
      await Promise.all([registry.start(), sigstore.start()]);
      // An image at a path the catalog knows (distroless), signed by someone other than its publisher.
      const lookalike = await registry.pushImage('distroless/static', 'nonroot');
      await registry.attachBundle('distroless/static', lookalike.digest, await sigstore.signImage(lookalike.digest, COSIGN_SIGN_PREDICATE, 'mallory@evil.example'));
      const acme = await registry.pushImage('acme/api', '2.0');
      await registry.attachBundle('acme/api', acme.digest, await sigstore.signImage(acme.digest, COSIGN_SIGN_PREDICATE, 'release@acme.example'));
    });
    after(() => Promise.all([registry.stop(), sigstore.stop()]));

    it('finds an image at a known publisher\'s path signed by another identity a policy violation naming both, on any registry', async () => {
      const r = await checkOne(tempDir(), 'Dockerfile', `FROM ${registry.host}/distroless/static:nonroot\n`, sigstore.trust);
      assert.deepEqual([r.verdict, r.code], ['policy-violation', 'signer-not-allowed'], r.reason);
      assert.match(r.reason, /Signed by mallory@evil\.example \(https:\/\/issuer\.local\), but Google distroless signs .* as keyless@distroless\.iam\.gserviceaccount\.com \(https:\/\/accounts\.google\.com\) \(documented at https:\/\/github\.com\/GoogleContainerTools\/distroless/);
    });

    it('attributes an image to a publisher a policy adds, and lets a policy override the catalog', async () => {
      const acme = { publisher: 'Acme Corp', ecosystem: 'oci', match: ['acme/*'], signers: [{ issuer: 'https://issuer.local', subject: 'release@acme.example' }] };
      const r = await checkOne(tempDir(), 'Dockerfile', `FROM ${registry.host}/acme/api:2.0\n`, sigstore.trust, { knownSigners: [acme] });
      assert.deepEqual([r.verdict, r.publisher], ['verified', 'Acme Corp'], r.reason);
      const overridden = await checkOne(tempDir(), 'Dockerfile', `FROM ${registry.host}/distroless/static:nonroot\n`, sigstore.trust, { knownSigners: [{ ...acme, publisher: 'Our mirror', match: ['distroless/*'], signers: [{ issuer: 'https://issuer.local', subject: 'mallory@evil.example' }] }] });
      assert.deepEqual([overridden.verdict, overridden.publisher], ['verified', 'Our mirror']);
    });
  });
});
