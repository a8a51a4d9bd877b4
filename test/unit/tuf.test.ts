// Refreshing the trusted root through TUF, against a real TUF repository on 127.0.0.1.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { embeddedTrust, refreshTrustFromTuf, trustFromJson } from '../../server/src/core/trust/trustedRoot';
import { FIXTURES } from '../support/fixtureRegistry';
import { TufRepository } from '../support/tufRepository';

// A real trusted root of another deployment, so a successful refresh is visible as a change.
const PUBLISHED = fs.readFileSync(path.join(FIXTURES, 'sigstore/trusted_root.scaffolding.json'), 'utf8');

describe('trusted root refresh through TUF', function () {
  this.timeout(20000);
  const repos: TufRepository[] = [];

  async function repository(options: Partial<ConstructorParameters<typeof TufRepository>[0]> = {}) {
    const repo = new TufRepository({ trustedRoot: PUBLISHED, ...options });
    await repo.start();
    repos.push(repo);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-tuf-'));
    const rootPath = path.join(work, 'root.json');
    fs.writeFileSync(rootPath, repo.initialRoot);
    return { repo, options: { cacheDir: path.join(work, 'cache'), mirrorURL: repo.url, rootPath, timeoutMs: 3000 } };
  }

  after(() => Promise.all(repos.map((r) => r.stop())));

  it('fetches the trusted root a TUF repository publishes', async () => {
    const { options } = await repository();
    const trust = await refreshTrustFromTuf(options);
    assert.equal(trust.source, 'TUF');
    assert.equal(trust.digest, trustFromJson(JSON.parse(PUBLISHED), 'TUF').digest);
    assert.notEqual(trust.digest, embeddedTrust().digest);
  });

  it('starts from an expired root by fetching the rotated one', async () => {
    const { repo, options } = await repository({ rotateFromExpiredRoot: true });
    const trust = await refreshTrustFromTuf(options);
    assert.equal(trust.digest, trustFromJson(JSON.parse(PUBLISHED), 'TUF').digest);
    assert.ok(repo.requests.includes('2.root.json'));
  });

  it('rejects a target whose bytes differ from the signed metadata', async () => {
    const tampered = PUBLISHED.replace('"mediaType"', ' "mediaType"');
    const { options } = await repository({ tamperedTarget: tampered });
    await assert.rejects(refreshTrustFromTuf(options));
  });

  it('fails (for the caller to fall back to the snapshot) when the repository is unreachable', async () => {
    const { repo, options } = await repository();
    await repo.stop();
    await assert.rejects(refreshTrustFromTuf({ ...options, timeoutMs: 500 }));
  });
});
