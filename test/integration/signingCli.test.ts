// `provenance-lens sign`, `verify` and `generate-key-pair` as users run them (the built CLI),
// against the local Sigstore on 127.0.0.1: exit codes, what is printed, and that neither the
// identity token nor the key's passphrase is ever printed.

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import { identityHttpClient, interactiveIdentityToken } from '../../server/src/core/signing/identityToken';
import { cleanEnv } from '../support/env';
import { LocalSigstore } from '../support/localSigstore';
import { closeServer, listenOnLoopback } from '../support/loopback';
import { OidcIssuer } from '../support/oidcIssuer';
import { REPO_ROOT } from '../support/paths';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const PASSPHRASE = 'tr0ub4dor&3';

describe('provenance-lens sign / verify / generate-key-pair', function () {
  this.timeout(30000);
  const sigstore = new LocalSigstore();
  const issuer = new OidcIssuer('release@example.test');
  let dir: string;
  let token: string;
  let trustedRoot: string;

  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: cleanEnv(env) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  const services = () => ['--fulcio-url', sigstore.fulcioUrl, '--rekor-url', sigstore.rekorUrl, '--tsa-url', sigstore.tsaUrl];
  const expecting = (identity: string) => [
    '--certificate-identity',
    identity,
    '--certificate-oidc-issuer',
    issuer.url,
    '--trusted-root',
    trustedRoot,
    '--no-tuf-refresh',
  ];

  before(async () => {
    await Promise.all([sigstore.start(), issuer.start()]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-sign-cli-'));
    trustedRoot = sigstore.writeTrustedRoot(path.join(dir, 'trusted_root.json'));
    token = await interactiveIdentityToken({
      issuer: issuer.url,
      clientId: 'sigstore',
      http: identityHttpClient(cleanEnv({})),
      openBrowser: OidcIssuer.followInBrowser,
    });
    fs.writeFileSync(path.join(dir, 'app.tgz'), 'an artifact');
  });
  after(async () => Promise.all([sigstore.stop(), issuer.stop()]));

  it('signs keyless with a given token and says as whom, never printing the token', async () => {
    const signed = await cli(['sign', 'app.tgz', '--identity-token', token, ...services()]);
    assert.equal(signed.status, 0, signed.stderr);
    assert.match(
      signed.stdout,
      new RegExp(
        `app\\.tgz: signed as release@example\\.test \\(issuer ${issuer.url.replace(/[.]/g, '\\.')}\\) → app\\.tgz\\.sigstore\\.json; transparency log entry \\d+`,
      ),
    );
    assert.ok(!`${signed.stdout}${signed.stderr}`.includes(token.split('.')[1]), 'the token is not printed');
    assert.ok(fs.existsSync(path.join(dir, 'app.tgz.sigstore.json')));
  });

  it("signs with the token the environment provides: SIGSTORE_ID_TOKEN, or GitHub Actions' OIDC endpoint", async () => {
    fs.writeFileSync(path.join(dir, 'ci.txt'), 'built in CI');
    const fromEnv = await cli(['sign', 'ci.txt', ...services()], { SIGSTORE_ID_TOKEN: token });
    assert.equal(fromEnv.status, 0, fromEnv.stderr);
    assert.match(fromEnv.stdout, /signed as release@example\.test/);
    // GitHub Actions: a bearer-protected endpoint that hands out a token for the audience asked for.
    const audiences: string[] = [];
    const actions = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      audiences.push(url.searchParams.get('audience') ?? '');
      if (req.headers.authorization !== 'Bearer runner-secret') return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: token }));
    });
    const port = await listenOnLoopback(actions);
    try {
      const url = `http://127.0.0.1:${port}/token?api-version=2.0`;
      const fromActions = await cli(['sign', 'ci.txt', ...services()], { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-secret' });
      assert.equal(fromActions.status, 0, fromActions.stderr);
      assert.deepEqual(audiences, ['sigstore']);
    } finally {
      await closeServer(actions);
    }
    const none = await cli(['sign', 'ci.txt', ...services()]);
    assert.equal(none.status, 2, 'no token anywhere and no terminal: a usage error, not a hang');
    assert.match(none.stderr, /No identity/);
  });

  it('verifies like cosign verify-blob: exit 0 for the exact signer, 1 for anyone else, 2 without an expectation', async () => {
    const ok = await cli(['verify', 'app.tgz', ...expecting('release@example.test')]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^app\.tgz: verified — Signed by release@example\.test/);
    assert.equal((await cli(['verify', 'app.tgz', ...expecting('release')])).status, 1, 'a prefix is not the identity');
    const json = await cli(['verify', 'app.tgz', ...expecting('someone@example.test'), '--format', 'json']);
    assert.deepEqual([json.status, JSON.parse(json.stdout).verdict, JSON.parse(json.stdout).signer.subject], [1, 'policy-violation', 'release@example.test']);
    const usage = await cli(['verify', 'app.tgz', '--trusted-root', trustedRoot]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /Say whom you expect/);
    fs.writeFileSync(path.join(dir, 'unsigned.txt'), 'x');
    assert.equal((await cli(['verify', 'unsigned.txt', ...expecting('release@example.test')])).status, 1);
  });

  it("takes the expected signer from the policy's artifacts rule when no flag names one", async () => {
    const policy = (subject: string) =>
      fs.writeFileSync(
        path.join(dir, 'provenance-policy.json'),
        JSON.stringify({ artifacts: [{ match: '*.tgz', signers: [{ issuer: issuer.url, subject }] }] }),
      );
    const run = () => cli(['verify', 'app.tgz', '--trusted-root', trustedRoot, '--no-tuf-refresh']);
    try {
      policy('release@example.test');
      assert.equal((await run()).status, 0);
      policy('someone@example.test');
      assert.equal((await run()).status, 1);
      fs.writeFileSync(
        path.join(dir, 'provenance-policy.json'),
        JSON.stringify({ artifacts: [{ match: 'other/*', signers: [{ issuer: issuer.url, subject: 'x' }] }] }),
      );
      assert.equal((await run()).status, 2, 'no rule for this file: say whom you expect');
    } finally {
      fs.rmSync(path.join(dir, 'provenance-policy.json'));
    }
  });

  it('generates an encrypted key, signs offline with it, and verifies with the public key', async () => {
    const env = { COSIGN_PASSWORD: PASSPHRASE };
    const made = await cli(['generate-key-pair', '--output-key-prefix', 'release'], env);
    assert.equal(made.status, 0, made.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'release.key'), 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.equal((await cli(['generate-key-pair', '--output-key-prefix', 'release'], env)).status, 2, 'never overwrites a key');
    fs.writeFileSync(path.join(dir, 'offline.bin'), 'offline artifact');
    const signed = await cli(['sign', 'offline.bin', '--key', 'release.key', '--no-tlog-upload', '--fulcio-url', sigstore.fulcioUrl], env);
    assert.equal(signed.status, 0, signed.stderr);
    assert.match(signed.stdout, /signed as key [0-9a-f]{64} .*no transparency-log entry/);
    const wrong = await cli(['sign', 'offline.bin', '--key', 'release.key', '--no-tlog-upload'], { COSIGN_PASSWORD: 'nope' });
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /wrong passphrase/);
    const verify = (extra: string[]) => cli(['verify', 'offline.bin', '--key', 'release.pub', '--no-tuf-refresh', ...extra]);
    assert.equal((await verify(['--insecure-ignore-tlog'])).status, 0);
    assert.equal((await verify([])).status, 1, 'no log entry: accepted only with --insecure-ignore-tlog');
    for (const r of [made, signed, wrong]) assert.ok(!`${r.stdout}${r.stderr}`.includes(PASSPHRASE), 'the passphrase is not printed');
  });
});
