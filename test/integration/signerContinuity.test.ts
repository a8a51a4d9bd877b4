// Signer continuity through the CLI, on real recorded npm provenance: sigstore 0.4.0 and 1.0.0
// were built by sigstore-js's publish workflow, 1.3.0 by its release workflow. The first signer
// seen in a folder is remembered (with the cache); a later version by the same workflow at another
// tag is the same signer; one by another workflow is flagged with both signers in the JSON, until a
// policy rule accepts it. Images: a moved tag signed by another identity (local Sigstore, real
// registry), through the checker.

import { testChecker } from '../support/testChecker';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Checker } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import { COSIGN_SIGN_PREDICATE } from '../../server/src/core/ecosystems/oci/imageBundle';
import { runCli } from '../support/cli';
import { cleanEnv } from '../support/env';
import { pacoteScenario, recordedScenario } from '../support/fixtureRegistry';
import { LocalSigstore } from '../support/localSigstore';
import { OciRegistry, skipWithoutRegistry } from '../support/ociRegistry';
import { TestRegistry } from '../support/registryServer';

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const PUBLISH = 'https://github.com/sigstore/sigstore-js/.github/workflows/publish.yml (https://token.actions.githubusercontent.com)';
const RELEASE = 'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml (https://token.actions.githubusercontent.com)';

interface Row {
  name: string;
  version: string;
  verdict: string;
  signer?: string;
  previousSigner?: string;
  findings: Array<{ code: string; message: string }>;
}

describe('signer continuity', function () {
  this.timeout(60_000);

  describe('npm provenance across versions, through the CLI', () => {
    const registry = new TestRegistry();
    let dir: string;
    let cache: string;
    before(async () => {
      await registry.start();
      const scenario = recordedScenario();
      scenario.packages.sigstore['0.4.0'] = pacoteScenario('valid').packages.sigstore['0.4.0'];
      dir = tempDir('pl-continuity-');
      cache = path.join(tempDir('pl-continuity-cache-'), 'cache');
      fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.set('continuity', scenario)}\n`);
      // The catalog of known signers documents both workflows: set it aside, so continuity speaks.
      fs.writeFileSync(path.join(dir, 'provenance-policy.json'), JSON.stringify({ knownSigners: false }));
    });
    after(() => registry.stop());

    const checkVersion = async (version: string): Promise<Row> => {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', dependencies: { sigstore: version } }));
      const r = await runCli(['check', '--format', 'json', '--no-tuf-refresh', '--cache-dir', cache], dir);
      return JSON.parse(r.stdout).results[0];
    };

    it('remembers the first signer, keeps quiet while it signs, and names both when another signs', async () => {
      const first = await checkVersion('0.4.0');
      assert.deepEqual([first.signer, first.previousSigner, first.findings.map((f) => f.code)], [PUBLISH, undefined, []]);
      const same = await checkVersion('1.0.0');
      assert.deepEqual(
        [same.signer, same.previousSigner, same.findings.map((f) => f.code)],
        [PUBLISH, undefined, []],
        'another tag of the same workflow is the same signer',
      );
      const changed = await checkVersion('1.3.0');
      assert.deepEqual([changed.signer, changed.previousSigner], [RELEASE, PUBLISH]);
      const finding = changed.findings.find((f) => f.code === 'signer-changed');
      assert.match(finding?.message ?? '', /The signer changed from .*publish\.yml .* \(sigstore 0\.4\.0\) to .*release\.yml/);
      // Still flagged next time: a changed signer is not learnt, it is accepted in the policy.
      assert.equal((await checkVersion('1.3.0')).previousSigner, PUBLISH);
    });

    it('stops flagging once a policy rule accepts the new signer', async () => {
      fs.writeFileSync(
        path.join(dir, 'provenance-policy.json'),
        JSON.stringify({
          knownSigners: false,
          packages: [
            {
              match: 'sigstore',
              signers: [
                {
                  issuer: 'https://token.actions.githubusercontent.com',
                  subjectPattern: 'https://github\\.com/sigstore/sigstore-js/\\.github/workflows/(publish|release)\\.yml@.+',
                },
              ],
            },
          ],
        }),
      );
      const accepted = await checkVersion('1.3.0');
      assert.deepEqual([accepted.previousSigner, accepted.findings.map((f) => f.code)], [undefined, []]);
    });
  });

  describe('images: a moved tag signed by another identity', () => {
    const registry = new OciRegistry();
    const sigstore = new LocalSigstore();
    const checkers: Checker[] = [];

    before(async function () {
      skipWithoutRegistry(this);
      await Promise.all([registry.start(), sigstore.start()]);
    });
    after(async () => {
      await Promise.all(checkers.map((c) => c.dispose()));
      await Promise.all([registry.stop(), sigstore.stop()]);
    });

    it('flags the moved tag whose new image another identity signed', async () => {
      const memory = path.join(tempDir('pl-signers-'), 'signers.json');
      const dir = tempDir('pl-continuity-');
      const file = path.join(dir, 'Dockerfile');
      const text = `FROM ${registry.host}/acme/web:1.0\n`;
      fs.writeFileSync(file, text);
      const check = async () => {
        const home = tempDir('pl-home-');
        const checker = testChecker(home, { trust: () => sigstore.trust, timeoutMs: 3000, signerMemoryFile: memory });
        checkers.push(checker);
        const [r] = await checker.verify(file, parseFile(file, text)!);
        await checker.flush();
        return r.result;
      };
      const first = await registry.pushImage('acme/web', '1.0', 'first build');
      await registry.attachBundle('acme/web', first.digest, await sigstore.signImage(first.digest, COSIGN_SIGN_PREDICATE, 'release@acme.example'));
      assert.deepEqual([(await check()).signer, (await check()).previousSigner], ['release@acme.example (https://issuer.local)', undefined]);
      const moved = await registry.pushImage('acme/web', '1.0', 'second build');
      await registry.attachBundle('acme/web', moved.digest, await sigstore.signImage(moved.digest, COSIGN_SIGN_PREDICATE, 'intern@acme.example'));
      const r = await check();
      assert.equal(r.verdict, 'verified', r.reason);
      assert.deepEqual([r.signer, r.previousSigner], ['intern@acme.example (https://issuer.local)', 'release@acme.example (https://issuer.local)']);
      assert.deepEqual(r.findings.map((f) => f.code).sort(), ['image-not-pinned', 'signer-changed']);
    });
  });
});
