// The CLI as users run it: the built bundle, a project with its own .npmrc, and the JSON contract.

import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES, SIGNED, addSigstoreWithoutProvenance, breakSignature, recordedScenario, tampered } from '../support/fixtureRegistry';
import { cleanEnv } from '../support/lspClient';
import { TestRegistry } from '../support/registryServer';
import { TestPypiIndex, provenanceObject } from '../support/pypiIndex';
import { REPO_ROOT } from '../support/paths';
import { TufRepository } from '../support/tufRepository';
import { cycloneDxJson, integrityToHex } from '../support/sbomFactory';
import { laterProblems, parseFile } from '../../server/src/core/fileKinds';
import { REASONS, type ReasonCode } from '../../server/src/core/reasons';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

describe('provenance-lens CLI', function () {
  this.timeout(30000);
  const registry = new TestRegistry();
  let home: string;

  // The test registry runs in this process, so the CLI must run asynchronously (spawnSync would block it).
  // Tests reach only 127.0.0.1: no TUF refresh from the public repository unless a test names a local one.
  const cli = (args: string[], cwd: string) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const tuf = args[0] === 'check' && !args.includes('--tuf-mirror') ? ['--no-tuf-refresh'] : [];
      const child = spawn(process.execPath, [CLI, ...args, ...tuf], { cwd, env: cleanEnv({ HOME: home }) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => {
        try {
          agreesWithCodes(stdout);
          resolve({ status, stdout, stderr });
        } catch (error) {
          reject(error as Error);
        }
      });
    });

  /** Every result the CLI prints as JSON has the verdict its reason code stands for (core/reasons.ts). */
  const agreesWithCodes = (stdout: string) => {
    let results: Array<{ name: string; verdict: string; code: string }> | undefined;
    try {
      results = (JSON.parse(stdout) as { results?: typeof results }).results;
    } catch {
      return; // not JSON output
    }
    for (const r of results ?? [])
      assert.equal((REASONS[r.code as ReasonCode] as { verdict?: string } | undefined)?.verdict, r.verdict, `${r.name}: ${r.verdict} with code ${r.code}`);
  };

  function project(name: string, scenario = recordedScenario(), deps: Record<string, string> = { 'kms-demo': '1.0.0', sigstore: '1.0.0' }): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pl-cli-${name}-`));
    fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.set(name, scenario)}\n`);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, dependencies: deps }, null, 2));
    return dir;
  }

  before(async () => {
    await registry.start();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
  });
  after(() => registry.stop());

  it('prints the JSON contract and exits 0 when everything verifies', async () => {
    const dir = project('ok');
    const r = await cli(['check', '--format', 'json', '--no-cache'], dir);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout);
    assert.equal(out.results.length, 2);
    const sigstore = out.results.find((x: { name: string }) => x.name === 'sigstore');
    assert.deepEqual(
      {
        file: sigstore.file,
        line: sigstore.line,
        ecosystem: sigstore.ecosystem,
        version: sigstore.version,
        purl: sigstore.purl,
        signature: sigstore.signature,
        provenance: sigstore.provenance,
        verdict: sigstore.verdict,
      },
      {
        file: 'package.json',
        line: 5,
        ecosystem: 'npm',
        version: '1.0.0',
        purl: 'pkg:npm/sigstore@1.0.0',
        signature: 'verified',
        provenance: 'verified',
        verdict: 'verified',
      },
    );
    assert.equal(typeof sigstore.reason, 'string');
  });

  it('exits 1 and says why when a signature is invalid', async () => {
    const dir = project(
      'bad',
      tampered((s) => {
        breakSignature(s, 'kms-demo', '1.0.0');
      }),
    );
    const r = await cli(['check', '--no-cache'], dir);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /FAIL package\.json:4 kms-demo@1\.0\.0 — invalid/);
    assert.match(r.stdout, /2 packages: 1 verified, 0 unsigned, 0 unverifiable, 0 policy-violation, 1 invalid/);
  });

  it('exits 0 for unverifiable (registry without keys), said once', async () => {
    const dir = project(
      'nokeys',
      tampered((s) => {
        delete s.keys;
      }),
    );
    const r = await cli(['check', '--no-cache'], dir);
    assert.equal(r.status, 0, r.stdout);
    assert.equal(r.stdout.match(/publishes no signing keys/g)?.length, 1, r.stdout);
  });

  it('writes SARIF', async () => {
    const dir = project('sarif', recordedScenario(), { 'kms-demo': '1.0.0', 'no-such-package': '1.0.0' });
    const r = await cli(['check', '--format', 'sarif', '--no-cache'], dir);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(
      sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId),
      ['version-not-found'],
    );
  });

  it('uses a custom trusted root, and refuses a broken one with exit 2', async () => {
    const dir = project('root');
    const foreign = path.join(FIXTURES, 'sigstore/trusted_root.scaffolding.json');
    const r = await cli(['check', '--format', 'json', '--no-cache', '--trusted-root', foreign], dir);
    const sigstore = JSON.parse(r.stdout).results.find((x: { name: string }) => x.name === 'sigstore');
    assert.notEqual(sigstore.provenance, 'verified');
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"not": "a root"}');
    const broken = await cli(['check', '--trusted-root', 'broken.json'], dir);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /broken\.json/);
  });

  it('refreshes the trusted root from a private TUF repository, and falls back to the snapshot when it is down', async () => {
    const dir = project('tuf');
    // The repository publishes another deployment's root: sigstore's provenance no longer verifies against it.
    const repo = new TufRepository({ trustedRoot: fs.readFileSync(path.join(FIXTURES, 'sigstore/trusted_root.scaffolding.json'), 'utf8') });
    await repo.start();
    fs.writeFileSync(path.join(dir, 'tuf-root.json'), repo.initialRoot);
    const args = ['check', '--format', 'json', '--no-cache', '--tuf-mirror', repo.url, '--tuf-root', 'tuf-root.json'];
    const refreshed = await cli(args, dir);
    const provenance = (r: { stdout: string }) => JSON.parse(r.stdout).results.find((x: { name: string }) => x.name === 'sigstore').provenance;
    assert.notEqual(provenance(refreshed), 'verified', refreshed.stderr);
    await repo.stop();
    const fallback = await cli(args, dir);
    assert.match(fallback.stderr, /could not refresh the trusted root through TUF/);
    assert.equal(provenance(fallback), 'verified');
  });

  it("applies the project's provenance-policy.json and reports its problems", async () => {
    const dir = project('policy');
    fs.writeFileSync(
      path.join(dir, 'provenance-policy.json'),
      JSON.stringify({
        packages: [
          { match: 'sigstore', signers: [{ issuer: 'https://token.actions.githubusercontent.com', subjectPattern: 'https://github\\.com/someone-else/.*' }] },
          { match: 'kms-*', requireProvenance: true },
        ],
      }),
    );
    const r = await cli(['check', '--format', 'json', '--no-cache'], dir);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    const byName = Object.fromEntries(out.results.map((x: { name: string; verdict: string; code: string }) => [x.name, [x.verdict, x.code]]));
    assert.deepEqual(byName, { 'kms-demo': ['policy-violation', 'provenance-required'], sigstore: ['policy-violation', 'signer-not-allowed'] });
    // --policy names another file, which wins over the project's.
    fs.writeFileSync(path.join(dir, 'lenient.json'), '{"packages": []}');
    const lenient = await cli(['check', '--format', 'json', '--no-cache', '--policy', 'lenient.json'], dir);
    assert.equal(lenient.status, 0, lenient.stdout);
    assert.equal((await cli(['check', '--policy', 'missing.json'], dir)).status, 2);
    fs.writeFileSync(path.join(dir, 'provenance-policy.json'), '{"packages": [{"signers": []}]}');
    const broken = await cli(['check', '--format', 'json', '--no-cache'], dir);
    assert.match(JSON.stringify(JSON.parse(broken.stdout).problems), /provenance-policy\.json.*needs \\"match\\"/);
  });

  it('works offline from the cache of an earlier run', async () => {
    const dir = project('offline');
    const cacheDir = path.join(dir, '.cache');
    fs.writeFileSync(
      path.join(dir, 'package-lock.json'),
      JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/kms-demo': { version: '1.0.0', integrity: SIGNED[0].integrity } } }),
    );
    assert.equal((await cli(['check', 'package-lock.json', '--cache-dir', cacheDir], dir)).status, 0);
    const before = registry.requests.length;
    const r = await cli(['check', 'package-lock.json', '--offline', '--cache-dir', cacheDir, '--format', 'json'], dir);
    assert.equal(JSON.parse(r.stdout).results[0].verdict, 'verified');
    assert.equal(registry.requests.length, before);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await cli(['frobnicate'], os.tmpdir())).status, 2);
    assert.equal((await cli(['check', '--format', 'xml'], os.tmpdir())).status, 2);
    assert.equal((await cli(['check', '/no/such/path'], os.tmpdir())).status, 2);
    assert.equal((await cli(['check', CLI], os.tmpdir())).status, 2, 'a file of a kind it does not read');
    assert.equal(spawnSync(process.execPath, [CLI, '--help']).status, 0);
  });

  it('checks every component of an SBOM with the same JSON contract: verified, tampered hash, other ecosystems', async () => {
    const dir = project('sbom');
    fs.rmSync(path.join(dir, 'package.json'));
    const sigstore = SIGNED.find((s) => s.name === 'sigstore' && s.version === '1.0.0')!;
    const kms = SIGNED.find((s) => s.name === 'kms-demo')!;
    const bom = JSON.parse(
      cycloneDxJson([
        { name: 'sigstore', version: '1.0.0', sha512Hex: integrityToHex(sigstore.integrity) },
        // The SBOM's hash is not the tarball the registry signed.
        { name: 'kms-demo', version: kms.version, sha512Hex: 'ff'.repeat(64) },
      ]),
    );
    bom.components.push({ type: 'library', name: 'requests', version: '2.31.0', purl: 'pkg:pypi/requests@2.31.0' });
    // Named by content, not by convention.
    fs.writeFileSync(path.join(dir, 'inventory.json'), JSON.stringify(bom, null, 2));
    const r = await cli(['check', 'inventory.json', '--format', 'json', '--no-cache'], dir);
    assert.equal(r.status, 1, r.stderr + r.stdout);
    const results = JSON.parse(r.stdout).results as Array<{ file: string; name: string; ecosystem: string; purl: string; verdict: string; code: string }>;
    assert.deepEqual(
      results.map((x) => [x.file, x.ecosystem, x.name, x.verdict, x.code]),
      [
        ['inventory.json', 'npm', 'sigstore', 'verified', 'verified'],
        ['inventory.json', 'npm', 'kms-demo', 'invalid', 'integrity-mismatch'],
        // Python components go to the index the environment names (here a closed loopback port).
        ['inventory.json', 'pypi', 'requests', 'unverifiable', 'network-error'],
      ],
    );
  });

  it("checks Python requirements with the same JSON contract (PEP 740 provenance from the file's index)", async () => {
    const index = new TestPypiIndex();
    await index.start();
    try {
      const attestation = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pypi', 'gitlab_oidc_project-0.0.3.tar.gz.publish.attestation'), 'utf8'));
      const sha = crypto
        .createHash('sha256')
        .update(fs.readFileSync(path.join(FIXTURES, 'pypi', 'gitlab_oidc_project-0.0.3.tar.gz')))
        .digest('hex');
      index.projects.set('gitlab-oidc-project', [
        {
          filename: 'gitlab_oidc_project-0.0.3.tar.gz',
          sha256: sha,
          provenance: provenanceObject(attestation, { kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml' }),
        },
      ]);
      index.projects.set('plain', [{ filename: 'plain-1.0.tar.gz', sha256: 'a'.repeat(64), provenance: null }]);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-cli-python-'));
      fs.writeFileSync(path.join(dir, 'requirements.txt'), `--index-url ${index.url}\ngitlab-oidc-project==0.0.3 --hash=sha256:${sha}\nplain==1.0\n`);
      const r = await cli(['check', '--format', 'json', '--no-cache'], dir);
      assert.equal(r.status, 1, r.stderr + r.stdout);
      const results = JSON.parse(r.stdout).results as Array<{
        file: string;
        line: number;
        ecosystem: string;
        name: string;
        purl: string;
        verdict: string;
        code: string;
      }>;
      assert.deepEqual(
        results.map((x) => [x.file, x.line, x.ecosystem, x.name, x.purl, x.verdict, x.code]),
        [
          ['requirements.txt', 2, 'pypi', 'gitlab-oidc-project', 'pkg:pypi/gitlab-oidc-project@0.0.3', 'verified', 'verified'],
          ['requirements.txt', 3, 'pypi', 'plain', 'pkg:pypi/plain@1.0', 'unsigned', 'signature-missing'],
        ],
      );
    } finally {
      await index.stop();
    }
  });

  it('diffs two SBOMs: a component that lost provenance and one whose content changed fail the diff', async () => {
    const dir = project(
      'sbom-diff',
      tampered((s) => addSigstoreWithoutProvenance(s)),
    );
    const kms = SIGNED.find((s) => s.name === 'kms-demo')!;
    fs.writeFileSync(
      path.join(dir, 'before.cdx.json'),
      cycloneDxJson([
        { name: 'sigstore', version: '1.0.0' },
        { name: 'kms-demo', version: kms.version, sha512Hex: integrityToHex(kms.integrity) },
      ]),
    );
    fs.writeFileSync(
      path.join(dir, 'after.cdx.json'),
      cycloneDxJson([
        { name: 'sigstore', version: '0.9.0' },
        { name: 'kms-demo', version: kms.version, sha512Hex: 'ee'.repeat(64) },
      ]),
    );
    const r = await cli(['sbom', 'diff', 'before.cdx.json', 'after.cdx.json', '--format', 'json', '--no-tuf-refresh'], dir);
    assert.equal(r.status, 1, r.stderr + r.stdout);
    const changed = JSON.parse(r.stdout).changed as Array<{
      name: string;
      from: string;
      to: string;
      hashChanged: boolean;
      provenance?: { from: string; to: string; lost: boolean };
    }>;
    const sig = changed.find((c) => c.name === 'sigstore')!;
    assert.deepEqual([sig.from, sig.to, sig.provenance], ['1.0.0', '0.9.0', { from: 'verified', to: 'absent', lost: true }]);
    assert.equal(changed.find((c) => c.name === 'kms-demo')!.hashChanged, true);
    const text = await cli(['sbom', 'diff', 'before.cdx.json', 'after.cdx.json', '--no-verify'], dir);
    assert.match(text.stdout, /~ kms-demo 1\.0\.0: SAME VERSION, DIFFERENT CONTENT/);
    assert.match(text.stdout, /0 added, 0 removed, 2 changed, 0 unchanged/);
    assert.equal((await cli(['sbom', 'diff', 'before.cdx.json'], dir)).status, 2);
  });

  it('generates a valid CycloneDX SBOM of the lockfile with the verification results, which checks again as verified', async () => {
    const dir = project('sbom-generate');
    const sigstore = SIGNED.find((s) => s.name === 'sigstore' && s.version === '1.0.0')!;
    const kms = SIGNED.find((s) => s.name === 'kms-demo')!;
    fs.writeFileSync(
      path.join(dir, 'package-lock.json'),
      JSON.stringify({
        name: 'sbom-generate',
        lockfileVersion: 3,
        packages: {
          '': { name: 'sbom-generate', dependencies: { sigstore: '1.0.0', 'kms-demo': kms.version } },
          'node_modules/sigstore': { version: '1.0.0', integrity: sigstore.integrity },
          'node_modules/kms-demo': { version: kms.version, integrity: kms.integrity },
        },
      }),
    );
    const r = await cli(['sbom', 'generate', '--output', 'sbom.cdx.json', '--no-tuf-refresh'], dir);
    assert.equal(r.status, 0, r.stderr);
    const text = fs.readFileSync(path.join(dir, 'sbom.cdx.json'), 'utf8');
    const parsed = parseFile(path.join(dir, 'sbom.cdx.json'), text)!;
    assert.deepEqual(await laterProblems(text, parsed), [], 'valid against the CycloneDX 1.6 schema');
    assert.deepEqual(parsed.dependencies.map((d) => `${d.name}@${d.version}`).sort(), ['kms-demo@1.0.0', 'sigstore@1.0.0']);
    const bom = JSON.parse(text);
    const sig = bom.components.find((c: { name: string }) => c.name === 'sigstore');
    const property = (name: string) => sig.properties.find((p: { name: string }) => p.name === name)?.value;
    assert.deepEqual([property('provenance-lens:verdict'), property('provenance-lens:provenance')], ['verified', 'verified']);
    assert.match(property('provenance-lens:source-repository') ?? '', /^https:\/\/github\.com\//);
    assert.equal(sig.hashes[0].alg, 'SHA-512');
    assert.equal(bom.dependencies.find((d: { ref: string }) => d.ref.endsWith('#root'))?.dependsOn.length, 2, 'the root depends on both');
    const again = await cli(['check', 'sbom.cdx.json', '--format', 'json', '--no-cache'], dir);
    assert.deepEqual(
      JSON.parse(again.stdout).results.map((x: { verdict: string }) => x.verdict),
      ['verified', 'verified'],
    );
  });
});
