// A private registry behind HTTPS with its own CA: npm's `cafile` and `strict-ssl` are honoured.

import { testChecker } from '../support/testChecker';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Checker } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { cleanEnv } from '../support/env';
import { FIXTURES, recordedScenario } from '../support/fixtureRegistry';
import { TestRegistry } from '../support/registryServer';

const CERT = path.join(FIXTURES, 'tls/registry-cert.pem');

describe('registry over HTTPS with a private CA', function () {
  this.timeout(20000);
  const registry = new TestRegistry();
  let work: string;
  let base: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-tls-'));
    await registry.start({ key: fs.readFileSync(path.join(FIXTURES, 'tls/registry-key.pem'), 'utf8'), cert: fs.readFileSync(CERT, 'utf8') });
    base = registry.set('tls', recordedScenario());
  });
  after(() => registry.stop());

  async function verdictWith(npmrc: string): Promise<string> {
    const project = fs.mkdtempSync(path.join(work, 'p-'));
    fs.writeFileSync(path.join(project, '.npmrc'), npmrc);
    const file = path.join(project, 'package.json');
    fs.writeFileSync(file, '{"dependencies": {"kms-demo": "1.0.0"}}');
    const trust = embeddedTrust();
    const checker = testChecker(work, { trust: () => trust, timeoutMs: 3000 });
    try {
      const [r] = await checker.verify(file, parseFile(file, fs.readFileSync(file, 'utf8'))!);
      return r.result.verdict;
    } finally {
      await checker.dispose();
    }
  }

  it('trusts the CA named by cafile', async () => {
    assert.equal(await verdictWith(`registry=${base}\ncafile=${CERT}\n`), 'verified');
  });

  it('refuses an unknown CA (unverifiable, not verified)', async () => {
    assert.equal(await verdictWith(`registry=${base}\n`), 'unverifiable');
  });

  it('follows strict-ssl=false like npm', async () => {
    assert.equal(await verdictWith(`registry=${base}\nstrict-ssl=false\n`), 'verified');
  });
});
