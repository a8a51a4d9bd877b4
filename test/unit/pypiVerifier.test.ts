// Python packages end to end: files → the index the user's configuration names (a test index on
// 127.0.0.1 serving the simple API and PEP 740 provenance) → real attestations (GitLab and GitHub
// Trusted Publishers, public-good Sigstore) verified offline against the bundled trusted root.
// Tampered statements, other publishers, other files, unpinned content, missing provenance and
// faulty indexes must never come out verified.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Checker } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import type { PackageResult } from '../../server/src/core/result';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { cleanEnv } from '../support/env';
import { FIXTURES } from '../support/fixtureRegistry';
import { type IndexedFile, TestPypiIndex, provenanceObject } from '../support/pypiIndex';

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, 'pypi', name));
const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const GITLAB = { kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml', environment: null };
const GITHUB = { kind: 'GitHub', repository: 'trailofbits/pypi-attestation-models', workflow: 'release.yml', environment: null };
const GITLAB_FILE = 'gitlab_oidc_project-0.0.3.tar.gz';
const GITHUB_FILE = 'pypi_attestation_models-0.0.4a2.tar.gz';

describe('PyPI: PEP 740 provenance', function () {
  this.timeout(20000);
  const index = new TestPypiIndex();
  const other = new TestPypiIndex();
  const checkers: Checker[] = [];
  let home: string;
  const gitlabAttestation = JSON.parse(fixture(`${GITLAB_FILE}.publish.attestation`).toString());
  const githubAttestation = JSON.parse(fixture(`${GITHUB_FILE}.attestation`).toString());
  const gitlabSha = sha256(fixture(GITLAB_FILE));
  const githubSha = sha256(fixture(GITHUB_FILE));

  /** Python's own configuration stays out of the test: only what a test sets applies. */
  const env = (extra: Record<string, string> = {}) => {
    const e = cleanEnv({ HOME: home, XDG_CONFIG_DIRS: path.join(home, 'xdg'), XDG_CONFIG_HOME: path.join(home, 'config'), ...extra });
    // cleanEnv points Python at a closed port; these tests want to see the configuration chain itself.
    for (const key of Object.keys(e)) if (/^(PIP_|UV_|VIRTUAL_ENV$)/.test(key) && !(key in extra)) delete e[key];
    return e;
  };
  const check = async (
    requirements: string,
    options: { env?: Record<string, string>; settings?: Record<string, string>; name?: string; beside?: Record<string, string> } = {},
  ): Promise<PackageResult[]> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-pypi-'));
    const file = path.join(dir, options.name ?? 'requirements.txt');
    fs.writeFileSync(file, requirements);
    for (const [name, text] of Object.entries(options.beside ?? {})) fs.writeFileSync(path.join(dir, name), text);
    const trust = embeddedTrust();
    const checker = new Checker({
      trust: () => trust,
      offline: false,
      requireProvenance: false,
      allowProcessExecution: false,
      env: env(options.env),
      homeDir: home,
      timeoutMs: 3000,
      ecosystemSettings: options.settings,
    });
    checkers.push(checker);
    return (await checker.verify(file, parseFile(file, requirements)!)).map((c) => c.result);
  };
  const serve = (files: Record<string, IndexedFile[]>) => {
    index.projects.clear();
    for (const [name, list] of Object.entries(files)) index.projects.set(name, list);
  };
  const good = () => ({
    'gitlab-oidc-project': [{ filename: GITLAB_FILE, sha256: gitlabSha, provenance: provenanceObject(gitlabAttestation, GITLAB) }],
    'pypi-attestation-models': [{ filename: GITHUB_FILE, sha256: githubSha, provenance: provenanceObject(githubAttestation, GITHUB) }],
  });
  const pinned = () => `-i ${index.url}\ngitlab-oidc-project==0.0.3 --hash=sha256:${gitlabSha}\npypi-attestation-models==0.0.4a2\n`;

  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    await Promise.all([index.start(), other.start()]);
  });
  beforeEach(() => {
    index.fault = 'none';
    serve(good());
  });
  after(async () => {
    await Promise.all(checkers.map((c) => c.dispose()));
    await Promise.all([index.stop(), other.stop()]);
  });

  it('verifies real attestations of a GitLab and a GitHub Trusted Publisher, and says who published', async () => {
    const [gitlab, github] = await check(pinned());
    assert.deepEqual(
      [gitlab.verdict, gitlab.code, gitlab.version, gitlab.purl],
      ['verified', 'verified', '0.0.3', 'pkg:pypi/gitlab-oidc-project@0.0.3'],
      gitlab.reason,
    );
    assert.equal(gitlab.provenanceDetails?.sourceRepository, 'https://gitlab.com/facutuesca/gitlab-oidc-project');
    assert.equal(gitlab.provenanceDetails?.issuer, 'https://gitlab.com');
    assert.match(gitlab.reason, /published by GitLab facutuesca\/gitlab-oidc-project \(\.gitlab-ci\.yml\)/);
    assert.deepEqual(
      [github.verdict, github.provenanceDetails?.sourceRepository],
      ['verified', 'https://github.com/trailofbits/pypi-attestation-models'],
      github.reason,
    );
    assert.equal(github.provenanceDetails?.predicateTypes[0], 'https://docs.pypi.org/attestations/publish/v1');
  });

  it('reads the HTML simple index (PEP 503 with data-provenance) and the Integrity API when the index does not link provenance', async () => {
    index.fault = 'html';
    assert.deepEqual(
      (await check(pinned())).map((r) => r.verdict),
      ['verified', 'verified'],
    );
    index.fault = 'none';
    serve({ 'gitlab-oidc-project': [{ filename: GITLAB_FILE, sha256: gitlabSha, integrity: provenanceObject(gitlabAttestation, GITLAB) }] });
    const [viaIntegrity] = await check(`-i ${index.url}\ngitlab-oidc-project==0.0.3\n`);
    assert.equal(viaIntegrity.verdict, 'verified', viaIntegrity.reason);
    assert.ok(index.requests.some((r) => r.path === `/integrity/gitlab-oidc-project/0.0.3/${GITLAB_FILE}/provenance`));
  });

  it('resolves a range to the newest release the index has', async () => {
    const [resolved] = await check(`-i ${index.url}\ngitlab-oidc-project>=0.0.1,<1\n`);
    assert.deepEqual([resolved.verdict, resolved.version], ['verified', '0.0.3']);
  });

  it('verifies a pyproject dependency at the version and files its uv.lock pins, from the index the lock names', async () => {
    const pyproject = `[project]\nname = "app"\nversion = "1.0"\ndependencies = ["gitlab-oidc-project>=0.0.1"]\n`;
    const lock = (hash: string) =>
      `version = 1\n\n[[package]]\nname = "gitlab-oidc-project"\nversion = "0.0.3"\nsource = { registry = "${index.url}" }\nsdist = { url = "${index.url}../files/${GITLAB_FILE}", hash = "sha256:${hash}", size = 1 }\n`;
    const [locked] = await check(pyproject, { name: 'pyproject.toml', beside: { 'uv.lock': lock(gitlabSha) } });
    assert.deepEqual([locked.verdict, locked.version], ['verified', '0.0.3'], locked.reason);
    const [otherContent] = await check(pyproject, { name: 'pyproject.toml', beside: { 'uv.lock': lock('2'.repeat(64)) } });
    assert.deepEqual([otherContent.verdict, otherContent.code], ['invalid', 'integrity-mismatch'], "the lock's hashes are the ones compared");
  });

  it('pins a requirement by the -c constraints file it includes (version and hashes), as pip does', async () => {
    const requirements = `-i ${index.url}\n-c constraints.txt\ngitlab-oidc-project\n`;
    const [pinnedByConstraint] = await check(requirements, { beside: { 'constraints.txt': `gitlab-oidc-project==0.0.3 --hash=sha256:${gitlabSha}\n` } });
    assert.deepEqual([pinnedByConstraint.verdict, pinnedByConstraint.version], ['verified', '0.0.3'], pinnedByConstraint.reason);
    const [otherHash] = await check(requirements, { beside: { 'constraints.txt': `gitlab-oidc-project==0.0.3 --hash=sha256:${'3'.repeat(64)}\n` } });
    assert.deepEqual([otherHash.verdict, otherHash.code], ['invalid', 'integrity-mismatch'], "the constraint's hashes are the ones compared");
  });

  for (const [label, mutate, expected] of [
    [
      'a publisher in another repository',
      () => ({ provenance: provenanceObject(gitlabAttestation, { ...GITLAB, repository: 'facutuesca/other' }) }),
      /built from https:\/\/gitlab.com\/facutuesca\/gitlab-oidc-project, but the publisher is/,
    ],
    [
      'a publisher with another workflow',
      () => ({ provenance: provenanceObject(gitlabAttestation, { ...GITLAB, workflow_filepath: 'release.yml' }) }),
      /not the publisher's release\.yml/,
    ],
    [
      'a GitHub publisher for a GitLab certificate',
      () => ({ provenance: provenanceObject(gitlabAttestation, GITHUB) }),
      /signed through https:\/\/gitlab\.com, but the publisher is GitHub/,
    ],
    [
      'an attestation of another file',
      () => ({ provenance: provenanceObject(githubAttestation, GITHUB) }),
      /is about pypi_attestation_models-0\.0\.4a2\.tar\.gz, not gitlab_oidc_project/,
    ],
    [
      'a statement naming other content',
      () => ({
        provenance: provenanceObject(
          withStatement(gitlabAttestation, (s) => ({ ...s, subject: [{ name: GITLAB_FILE, digest: { sha256: '0'.repeat(64) } }] })),
          GITLAB,
        ),
      }),
      /is for other content/,
    ],
    [
      'a re-signed statement (same subject, altered predicate)',
      () => ({
        provenance: provenanceObject(
          withStatement(gitlabAttestation, (s) => ({ ...s, predicate: { injected: true } })),
          GITLAB,
        ),
      }),
      /signature/,
    ],
    [
      'a flipped signature bit',
      () => ({
        provenance: provenanceObject(
          { ...gitlabAttestation, envelope: { ...gitlabAttestation.envelope, signature: flip(gitlabAttestation.envelope.signature) } },
          GITLAB,
        ),
      }),
      /signature/,
    ],
    [
      'a transparency entry for another envelope',
      () => ({
        provenance: provenanceObject(
          {
            ...gitlabAttestation,
            verification_material: {
              ...gitlabAttestation.verification_material,
              transparency_entries: githubAttestation.verification_material.transparency_entries,
            },
          },
          GITLAB,
        ),
      }),
      /./,
    ],
    [
      'no transparency entry',
      () => ({
        provenance: provenanceObject(
          { ...gitlabAttestation, verification_material: { ...gitlabAttestation.verification_material, transparency_entries: [] } },
          GITLAB,
        ),
      }),
      /./,
    ],
    ['a provenance object without attestations', () => ({ provenance: { version: 1, attestation_bundles: [] } }), /no attestation bundles/],
  ] as const) {
    it(`finds ${label} invalid`, async () => {
      serve({ 'gitlab-oidc-project': [{ filename: GITLAB_FILE, sha256: gitlabSha, ...mutate() }] });
      const [r] = await check(`-i ${index.url}\ngitlab-oidc-project==0.0.3\n`);
      assert.notEqual(r.verdict, 'verified');
      assert.equal(r.verdict, 'invalid', r.reason);
      assert.match(r.reason, expected);
    });
  }

  it('cannot decide an attestation of a format version PEP 740 does not define: provenance-unsupported, not trust-material-missing', async () => {
    serve({
      'gitlab-oidc-project': [{ filename: GITLAB_FILE, sha256: gitlabSha, provenance: provenanceObject({ ...gitlabAttestation, version: 2 }, GITLAB) }],
    });
    const [r] = await check(`-i ${index.url}\ngitlab-oidc-project==0.0.3\n`);
    assert.deepEqual([r.verdict, r.code], ['unverifiable', 'provenance-unsupported'], r.reason);
    assert.match(r.reason, /format version 2; only version 1 is known/);
  });

  it('finds served content the lock does not pin invalid, a file without provenance unsigned, a broken index undecided', async () => {
    const [unpinned] = await check(`-i ${index.url}\ngitlab-oidc-project==0.0.3 --hash=sha256:${'1'.repeat(64)}\n`);
    assert.deepEqual([unpinned.verdict, unpinned.code], ['invalid', 'integrity-mismatch']);
    serve({ 'gitlab-oidc-project': [{ filename: GITLAB_FILE, sha256: gitlabSha, provenance: null }] });
    const [bare] = await check(`-i ${index.url}\ngitlab-oidc-project==0.0.3\n`);
    assert.deepEqual([bare.verdict, bare.code, bare.provenance], ['unsigned', 'signature-missing', 'absent']);
    serve(good());
    index.fault = 'http500';
    assert.deepEqual(
      (await check(pinned())).map((r) => r.verdict),
      ['unverifiable', 'unverifiable'],
    );
    index.fault = 'provenance500';
    assert.deepEqual(
      (await check(pinned())).map((r) => r.verdict),
      ['unverifiable', 'unverifiable'],
    );
    index.fault = 'none';
    const [missing] = await check(`-i ${index.url}\nno-such-project==1.0\n`);
    assert.deepEqual([missing.verdict, missing.code], ['unverifiable', 'version-not-found']);
    const [fromUrl] = await check('my-lib @ https://files.example/my_lib-1.0.tar.gz\n');
    assert.deepEqual([fromUrl.verdict, fromUrl.code], ['unverifiable', 'spec-unsupported']);
  });

  it("takes the index from pip's configuration, the environment or the setting, and says when there is none", async () => {
    const [none] = await check('gitlab-oidc-project==0.0.3\n');
    assert.deepEqual([none.verdict, none.code], ['unverifiable', 'registry-error']);
    assert.match(none.reason, /No Python package index is configured/);
    const conf = path.join(home, 'pip.conf');
    fs.writeFileSync(conf, `[global]\ntimeout = 60\n\n[install]\nindex-url = ${index.url}\n`);
    assert.equal((await check('gitlab-oidc-project==0.0.3\n', { env: { PIP_CONFIG_FILE: conf } }))[0].verdict, 'verified');
    assert.equal((await check('gitlab-oidc-project==0.0.3\n', { env: { PIP_INDEX_URL: index.url } }))[0].verdict, 'verified');
    assert.equal((await check('gitlab-oidc-project==0.0.3\n', { settings: { 'python.indexUrl': index.url } }))[0].verdict, 'verified');
    fs.mkdirSync(path.join(home, 'config', 'pip'), { recursive: true });
    fs.writeFileSync(path.join(home, 'config', 'pip', 'pip.conf'), `[global]\nindex_url = ${index.url}\n`);
    assert.equal((await check('gitlab-oidc-project==0.0.3\n'))[0].verdict, 'verified', "the user's pip.conf (XDG location)");
    fs.rmSync(path.join(home, 'config'), { recursive: true });
  });

  it('sends credentials written in an index URL to that index only, and logs none', async () => {
    other.projects.clear();
    const logged: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-pypi-'));
    const file = path.join(dir, 'requirements.txt');
    const secret = 's3cr3t-token';
    const withCredentials = index.url.replace('http://', `http://ci:${secret}@`);
    const text = `--index-url ${other.url}\n--extra-index-url ${withCredentials}\ngitlab-oidc-project==0.0.3\n`;
    fs.writeFileSync(file, text);
    const trust = embeddedTrust();
    const checker = new Checker({
      trust: () => trust,
      offline: false,
      requireProvenance: false,
      allowProcessExecution: false,
      env: env(),
      homeDir: home,
      timeoutMs: 3000,
      log: (m) => logged.push(m),
    });
    checkers.push(checker);
    index.requests.length = 0;
    other.requests.length = 0;
    const [r] = (await checker.verify(file, parseFile(file, text)!)).map((c) => c.result);
    assert.equal(r.verdict, 'verified', r.reason);
    const expected = `Basic ${Buffer.from(`ci:${secret}`).toString('base64')}`;
    assert.ok(index.requests.length > 0 && index.requests.every((q) => q.authorization === expected), 'the index with credentials gets them');
    assert.ok(other.requests.length > 0 && other.requests.every((q) => q.authorization === undefined), 'the other index does not');
    assert.ok(!JSON.stringify(r).includes(secret) && !logged.join('\n').includes(secret));
  });
});

function withStatement(attestation: { envelope: { statement: string } }, change: (s: Record<string, unknown>) => object): object {
  const statement = JSON.parse(Buffer.from(attestation.envelope.statement, 'base64').toString());
  return { ...attestation, envelope: { ...attestation.envelope, statement: Buffer.from(JSON.stringify(change(statement))).toString('base64') } };
}

function flip(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[bytes.length - 5] ^= 0x01;
  return bytes.toString('base64');
}
