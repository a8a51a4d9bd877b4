// GitHub artifact attestations with gh's semantics, on real attestations: public-good Sigstore (a
// reusable workflow signing for another owner; a tenant's issuer) and GitHub's own instance (no
// log, timestamps only). Wrong owners, signers, predicates, content and broken bundles must fail;
// the CLI fetches them from a GitHub API on 127.0.0.1 with the token sent there only.

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bundleFileFormat,
  bundlesFromText,
  fetchAttestations,
  githubApiClient,
  readBundleFile,
} from '../../server/src/core/attestations/githubAttestationsApi';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { type AttestationPolicy, digestFile, verifyGithubAttestations } from '../../server/src/core/attestations/githubAttestations';
import { cleanEnv } from '../support/env';
import { FIXTURES } from '../support/fixtureRegistry';
import { closeServer, listenOnLoopback } from '../support/loopback';
import { REPO_ROOT } from '../support/paths';
import { LspClient } from '../support/lspClient';
import { type GithubAttestationReport, VerifyGithubAttestationRequest } from '../../server/src/shared/protocol';
import { pathToFileURL } from 'node:url';

const read = (name: string) => fs.readFileSync(path.join(FIXTURES, 'github', name));
const sha = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const REUSABLE = { file: read('reusable-workflow-artifact'), bundles: bundlesFromText(read('reusable-workflow-attestation.sigstore.json').toString()) };
const DEMO = {
  file: read('github_provenance_demo-0.0.12-py3-none-any.whl'),
  bundles: bundlesFromText(read('github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl').toString()),
};

describe('GitHub artifact attestations', function () {
  this.timeout(30000);
  const trust = embeddedTrust();
  const verify = (subject: { file: Buffer; bundles: readonly unknown[] }, policy: AttestationPolicy) =>
    verifyGithubAttestations(digestFile(subject.file), [...subject.bundles], policy, trust);

  it('verifies a public-good attestation signed by a reusable workflow, when that signer is named', () => {
    const r = verify(REUSABLE, { owner: 'malancas', signerRepo: 'github/artifact-attestations-workflows' });
    assert.deepEqual([r.verdict, r.identity?.sourceRepository], ['verified', 'https://github.com/malancas/attest-demo'], r.reason);
    assert.equal(
      verify(REUSABLE, {
        owner: 'malancas',
        repo: 'malancas/attest-demo',
        signerWorkflow: 'github/artifact-attestations-workflows/.github/workflows/attest.yml',
      }).verdict,
      'verified',
    );
  });

  it("verifies an attestation of GitHub's own Sigstore instance (timestamps, no log) with GitHub's trusted root", () => {
    const r = verify(DEMO, { owner: 'actions', repo: 'actions/attest-demo' });
    assert.equal(r.verdict, 'verified', r.reason);
  });

  it("accepts an enterprise's own issuer only when it is named, and then exactly that one (as gh)", () => {
    const tenant = { file: read('custom-issuer-artifact'), bundles: bundlesFromText(read('custom-issuer.sigstore.json').toString()) };
    const byDefault = verify(tenant, { owner: 'too-legit' });
    assert.equal(byDefault.verdict, 'policy-violation');
    assert.match(byDefault.reason, /hammer-time, not https:\/\/token\.actions\.githubusercontent\.com \(an enterprise issuer is accepted only when named/);
    assert.equal(verify(tenant, { owner: 'too-legit', issuer: 'https://token.actions.githubusercontent.com/hammer-time' }).verdict, 'verified');
    assert.equal(verify(tenant, { owner: 'too-legit', issuer: 'https://token.actions.githubusercontent.com/other' }).verdict, 'policy-violation');
  });

  for (const [label, subject, policy, verdict, pattern] of [
    [
      "a signer of another owner (the default expects the owner's own workflows)",
      REUSABLE,
      { owner: 'malancas' },
      'policy-violation',
      /not by a workflow of github\.com\/malancas/,
    ],
    [
      'another owner',
      REUSABLE,
      { owner: 'someone-else', signerRepo: 'github/artifact-attestations-workflows' },
      'policy-violation',
      /not https:\/\/github.com\/someone-else/,
    ],
    ['another repository', DEMO, { owner: 'actions', repo: 'actions/other' }, 'policy-violation', /not by a workflow of github\.com\/actions\/other/],
    [
      'another predicate type',
      DEMO,
      { owner: 'actions', predicateType: 'https://spdx.dev/Document/v2.3' },
      'policy-violation',
      /found: https:\/\/slsa\.dev\/provenance\/v1/,
    ],
    ['other content', { file: Buffer.concat([DEMO.file, Buffer.from('x')]), bundles: DEMO.bundles }, { owner: 'actions' }, 'invalid', /about other content/],
    [
      'a bundle without its certificate',
      { file: DEMO.file, bundles: bundlesFromText(read('github_provenance_demo-0.0.12-py3-none-any-bundle-missing-cert.jsonl').toString()) },
      { owner: 'actions' },
      'invalid',
      /./,
    ],
    [
      'a bundle without verification material',
      { file: DEMO.file, bundles: bundlesFromText(read('github_provenance_demo-0.0.12-py3-none-any-bundle-missing-verification-material.jsonl').toString()) },
      { owner: 'actions' },
      'invalid',
      /./,
    ],
    [
      'a statement altered after signing',
      { file: DEMO.file, bundles: DEMO.bundles.map((b) => alterPayload(b)) },
      { owner: 'actions' },
      'invalid',
      /does not verify/,
    ],
    ['no attestation', { file: DEMO.file, bundles: [] }, { owner: 'actions' }, 'unsigned', /No attestation/],
  ] as const) {
    it(`refuses ${label}`, () => {
      const r = verify(subject, policy);
      assert.equal(r.verdict, verdict, r.reason);
      assert.match(r.reason, pattern);
    });
  }

  it('fetches attestations from the GitHub API through the CLI, sending the token to that host only', async () => {
    const seen: Array<{ url?: string; authorization?: string }> = [];
    const api = http.createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      // gh's default --limit: 30 a page.
      if (req.url === `/repos/actions/attest-demo/attestations/sha256:${sha(DEMO.file)}?per_page=30`) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ attestations: DEMO.bundles.map((bundle) => ({ bundle, repository_id: 1 })) }));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"Not Found"}');
    });
    const port = await listenOnLoopback(api);
    try {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-gh-'));
      fs.writeFileSync(path.join(dir, 'demo.whl'), DEMO.file);
      const run = (args: string[]) =>
        cli(['attestation', 'verify', 'demo.whl', ...args, '--no-tuf-refresh', '--format', 'json'], dir, {
          GITHUB_API_URL: `http://127.0.0.1:${port}`,
          GITHUB_TOKEN: 'ghs_secret',
        });
      const ok = await run(['--repo', 'actions/attest-demo']);
      assert.equal(ok.status, 0, ok.stderr + ok.stdout);
      assert.equal(JSON.parse(ok.stdout).verdict, 'verified');
      assert.ok(seen.every((r) => r.authorization === 'Bearer ghs_secret'));
      const wrong = await run(['--repo', 'actions/other']);
      assert.equal(wrong.status, 1);
      assert.equal(JSON.parse(wrong.stdout).verdict, 'unsigned');
      assert.ok(!ok.stdout.includes('ghs_secret') && !ok.stderr.includes('ghs_secret'));
      assert.equal((await cli(['attestation', 'verify', 'demo.whl'], dir, {})).status, 2, 'no --owner/--repo: a usage error');
    } finally {
      await closeServer(api);
    }
  });
});

describe('GitHub attestations API', function () {
  this.timeout(30000);

  it("follows next pages up to the limit, on the API's own origin only", async () => {
    const seen: string[] = [];
    const api = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      const page = Number(/[?&]page=(\d+)/.exec(req.url ?? '')?.[1] ?? '1');
      const next =
        page === 1
          ? `<http://${req.headers.host}/orgs/o/attestations/sha256:ab?per_page=2&page=2>; rel="next"`
          : '<http://elsewhere.invalid/orgs/o/attestations/sha256:ab?page=3>; rel="next"';
      res.writeHead(200, { 'content-type': 'application/json', link: next });
      res.end(JSON.stringify({ attestations: [{ bundle: { page, n: 1 } }, { bundle: { page, n: 2 } }] }));
    });
    const port = await listenOnLoopback(api);
    const client = githubApiClient({}, `http://127.0.0.1:${port}`, { timeoutMs: 5000, offline: false });
    try {
      const three = await fetchAttestations(client, `http://127.0.0.1:${port}`, { owner: 'o' }, 'sha256:ab', undefined, 3);
      assert.deepEqual(three, [
        { page: 1, n: 1 },
        { page: 1, n: 2 },
        { page: 2, n: 1 },
      ]);
      assert.deepEqual(seen, ['/orgs/o/attestations/sha256:ab?per_page=3', '/orgs/o/attestations/sha256:ab?per_page=2&page=2']);
      seen.length = 0;
      const all = await fetchAttestations(client, `http://127.0.0.1:${port}`, { owner: 'o' }, 'sha256:ab', undefined, 10);
      assert.equal(all.length, 4, 'the link to another origin is not followed');
      assert.equal(seen.length, 2);
    } finally {
      await client.close();
      await closeServer(api);
    }
  });

  it('reads --bundle files as gh does: .json one bundle, .jsonl a stream of them', () => {
    const bundle = read('reusable-workflow-attestation.sigstore.json').toString();
    assert.equal(bundleFileFormat('x.sigstore'), undefined);
    assert.deepEqual(readBundleFile('b.json', bundle), { bundles: [JSON.parse(bundle)] });
    const pretty = `${bundle}\n\n${bundle}`; // multi-line values, as Go's json.Decoder reads them
    assert.equal((readBundleFile('b.jsonl', pretty) as { bundles: unknown[] }).bundles.length, 2);
    assert.match((readBundleFile('b.json', pretty) as { malformed: string }).malformed, /more than one/);
    assert.deepEqual(readBundleFile('b.jsonl', ' \n'), { bundles: [] });
    assert.ok('malformed' in readBundleFile('b.json', ''));
    assert.ok('malformed' in readBundleFile('b.jsonl', `${bundle}\n{"broken":`));
    assert.ok('malformed' in readBundleFile('b.jsonl', '[1]'));
  });
});

describe('GitHub artifact attestations in the editor', function () {
  this.timeout(30000);

  it('answers "Verify GitHub Artifact Attestation" over LSP through the configured API, and fetches nothing when untrusted', async () => {
    const api = http.createServer((req, res) => {
      const ok = req.url === `/repos/actions/attest-demo/attestations/sha256:${sha(DEMO.file)}?per_page=100`;
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end(ok ? JSON.stringify({ attestations: DEMO.bundles.map((bundle) => ({ bundle })) }) : '{}');
    });
    const port = await listenOnLoopback(api);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-gh-lsp-'));
    const file = path.join(workspace, 'demo.whl');
    fs.writeFileSync(file, DEMO.file);
    const uri = pathToFileURL(file).toString();
    const ask = async (trusted: boolean) => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
      const client = new LspClient(cleanEnv({ HOME: home, GITHUB_API_URL: `http://127.0.0.1:${port}` }), { refreshTrustedRoot: false });
      try {
        await client.initialize({ workspaceTrusted: trusted, storagePath: home }, pathToFileURL(workspace).toString());
        return await client.connection.sendRequest<GithubAttestationReport>(VerifyGithubAttestationRequest, { uri, repo: 'actions/attest-demo' });
      } finally {
        await client.shutdown();
      }
    };
    try {
      const report = await ask(true);
      assert.deepEqual([report.verdict, report.sourceRepository], ['verified', 'https://github.com/actions/attest-demo'], report.reason);
      const untrusted = await ask(false);
      assert.deepEqual([untrusted.verdict, untrusted.reason], ['unverifiable', 'This workspace is not trusted, so nothing is fetched.']);
    } finally {
      await closeServer(api);
    }
  });
});

function alterPayload(bundle: unknown): unknown {
  const b = JSON.parse(JSON.stringify(bundle));
  const statement = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString());
  statement.predicate = { ...statement.predicate, injected: true };
  b.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
  return b;
}

function cli(args: string[], cwd: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], { cwd, env: cleanEnv({ HOME: os.tmpdir(), ...env }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
