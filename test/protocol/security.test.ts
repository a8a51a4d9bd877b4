// Security: credentials go only to their own host, secrets never reach output or logs, an
// untrusted workspace makes no request and runs no program in any ecosystem, and a disk cache
// edited behind our back is not believed. Real registries on 127.0.0.1 (two host names), the
// built CLI, and the language server over stdio.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../support/cli';
import { cleanEnv } from '../support/env';
import { breakSignature, recordedScenario, tampered } from '../support/fixtureRegistry';
import { closeServer, listenOnLoopback } from '../support/loopback';
import { LspClient } from '../support/lspClient';
import { TestRegistry } from '../support/registryServer';

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Secrets as a user's files and environment hold them; none may ever be printed. */
const SECRETS = { npm: 'npm_SeCrEt_0001', pip: 'pip-SeCrEt-0002', gem: 'gem-SeCrEt-0003', github: 'ghp_SeCrEt0004', docker: 'docker-SeCrEt-0005' };

/** A server that records every request and answers 500: where secrets would be sent and echoed in errors. */
async function recordingServer(): Promise<{ server: http.Server; origin: string; requests: Array<{ url: string; authorization?: string }> }> {
  const requests: Array<{ url: string; authorization?: string }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal"}');
  });
  await listenOnLoopback(server);
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** Programs named like the ones we may run (npm, go, python3, a docker credential helper) that only note that they ran. */
function spyPrograms(): { path: string; ran: () => string[] } {
  const bin = tempDir('pl-bin-');
  const log = path.join(tempDir('pl-ran-'), 'ran');
  for (const name of ['npm', 'go', 'python3', 'docker-credential-spy'])
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho ${name} >> "${log}"\nexit 1\n`, { mode: 0o755 });
  return {
    path: `${bin}${path.delimiter}${process.env.PATH}`,
    ran: () => (fs.existsSync(log) ? [...new Set(fs.readFileSync(log, 'utf8').trim().split('\n'))].sort() : []),
  };
}

/** A workspace in every ecosystem whose registries are `origin` (or whatever the tools would say), with credentials for each. */
function workspaceWithSecrets(origin: string, withConfig: boolean): { dir: string; home: string } {
  const dir = tempDir('pl-sec-');
  const home = tempDir('pl-home-');
  const host = new URL(origin).host;
  if (withConfig) fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${origin}/npm/\n//${host}/npm/:_authToken=${SECRETS.npm}\n`);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'sec', dependencies: { sigstore: '1.0.0' } }));
  fs.writeFileSync(path.join(dir, 'requirements.txt'), `${withConfig ? `-i http://alice:${SECRETS.pip}@${host}/simple/\n` : ''}gitlab-oidc-project==0.0.3\n`);
  fs.writeFileSync(
    path.join(dir, 'Gemfile.lock'),
    `GEM\n  remote: http://bob:${SECRETS.gem}@${host}/gems/\n  specs:\n    rake (13.0.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rake\n`,
  );
  fs.writeFileSync(path.join(dir, 'go.sum'), `example.test/lib v1.2.3 h1:${Buffer.alloc(32, 1).toString('base64')}\n`);
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${host}/acme/app:1.0\n`);
  fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.github', 'workflows', 'ci.yml'),
    'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
  );
  fs.mkdirSync(path.join(home, '.docker'), { recursive: true });
  fs.writeFileSync(
    path.join(home, '.docker', 'config.json'),
    JSON.stringify({ auths: { [host]: { auth: Buffer.from(`carol:${SECRETS.docker}`).toString('base64') } }, credHelpers: { 'helper.test': 'spy' } }),
  );
  return { dir, home };
}

function assertNoSecret(text: string, where: string): void {
  for (const [kind, secret] of Object.entries(SECRETS)) {
    assert.ok(!text.includes(secret), `the ${kind} secret appears in ${where}`);
    assert.ok(!text.includes(Buffer.from(`carol:${secret}`).toString('base64')), `the encoded ${kind} secret appears in ${where}`);
  }
}

describe('security', function () {
  this.timeout(60_000);

  it('sends each registry token only to its own host (two local hosts, one .npmrc)', async () => {
    const a = new TestRegistry();
    const b = new TestRegistry();
    await Promise.all([a.start(), b.start()]);
    try {
      const baseA = a.set('a', { ...recordedScenario(), requireToken: 'token-for-a' });
      const baseB = b.set('b', { ...recordedScenario(), requireToken: 'token-for-b' }).replace('127.0.0.1', 'localhost');
      const dir = tempDir('pl-hosts-');
      fs.writeFileSync(
        path.join(dir, '.npmrc'),
        `registry=${baseA}\n@isaacs:registry=${baseB}\n${baseA.replace(/^http:/, '')}:_authToken=token-for-a\n${baseB.replace(/^http:/, '')}:_authToken=token-for-b\n`,
      );
      fs.writeFileSync(
        path.join(dir, 'package.json'),
        JSON.stringify({ name: 'hosts', dependencies: { sigstore: '1.0.0', '@isaacs/namespace-test': '1.0.0' } }),
      );
      const r = await runCli(['check', '--format', 'json', '--no-cache', '--no-tuf-refresh'], dir);
      const verdicts = JSON.parse(r.stdout)
        .results.map((x: { name: string; verdict: string }) => `${x.name} ${x.verdict}`)
        .sort();
      assert.deepEqual(verdicts, ['@isaacs/namespace-test verified', 'sigstore verified'], r.stdout);
      assert.deepEqual([...new Set(a.requests.map((q) => q.authorization))], ['Bearer token-for-a']);
      assert.deepEqual([...new Set(b.requests.map((q) => q.authorization))], ['Bearer token-for-b']);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('prints no secret in text, JSON or SARIF, even when every registry fails', async () => {
    const recorder = await recordingServer();
    try {
      const { dir, home } = workspaceWithSecrets(recorder.origin, true);
      const env = { HOME: home, GITHUB_TOKEN: SECRETS.github, GITHUB_API_URL: recorder.origin, GOPROXY: recorder.origin, GOSUMDB: 'sum.golang.org' };
      for (const format of ['text', 'json', 'sarif']) {
        const r = await runCli(['check', '--format', format, '--no-cache', '--no-tuf-refresh', '--timeout', '2000'], dir, env);
        assert.match(r.stdout, /unverifiable|Could not verify/i, `${format}: the failures are reported`);
        assertNoSecret(r.stdout + r.stderr, `the ${format} output`);
      }
      // The secrets were used (so the test could have caught a leak): each went to its own host only.
      const sent = recorder.requests.map((q) => q.authorization ?? '').join('\n');
      assert.match(sent, new RegExp(SECRETS.npm));
      assert.match(sent, new RegExp(SECRETS.github));
    } finally {
      await closeServer(recorder.server);
    }
  });

  it("puts no secret in the server's diagnostics, hovers, tree, notifications or logs", async () => {
    const recorder = await recordingServer();
    const { dir, home } = workspaceWithSecrets(recorder.origin, true);
    const client = new LspClient(cleanEnv({ HOME: home, GITHUB_TOKEN: SECRETS.github, GITHUB_API_URL: recorder.origin, GOPROXY: recorder.origin }), {
      refreshTrustedRoot: false,
      cache: { enabled: false },
      timeoutMs: 2000,
    });
    try {
      await client.initialize({ workspaceTrusted: true, storagePath: path.join(home, 'storage') }, pathToFileURL(dir).toString());
      const seen: unknown[] = [];
      for (const file of ['package.json', 'requirements.txt', 'Gemfile.lock', 'go.sum', 'Dockerfile', '.github/workflows/ci.yml']) {
        const uri = pathToFileURL(path.join(dir, file)).toString();
        await client.open(uri, fs.readFileSync(path.join(dir, file), 'utf8'), file.endsWith('.json') ? 'json' : 'plaintext');
        const diagnostics = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 30_000);
        const { line, character } = diagnostics.diagnostics[0].range.start;
        seen.push(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }));
      }
      seen.push(await client.connection.sendRequest('provenanceLens/treeChildren', { problemsOnly: false }));
      assertNoSecret(JSON.stringify([seen, client.notifications, client.logs, [...client.diagnostics.values()]]), 'what the server sent');
      assertNoSecret(client.stderr.join(''), "the server's log");
    } finally {
      await client.shutdown();
      await closeServer(recorder.server);
    }
  });

  for (const trusted of [false, true]) {
    it(
      trusted
        ? 'a trusted workspace does ask the tools (so the spies would see a run)'
        : 'an untrusted workspace makes no request and runs no program, in any ecosystem',
      async () => {
        const recorder = await recordingServer();
        const spies = spyPrograms();
        // No registry is configured anywhere: a trusted server would ask npm, pip and go for their defaults.
        const { dir, home } = workspaceWithSecrets(recorder.origin, false);
        fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM helper.test/acme/app:1.0\nFROM ${new URL(recorder.origin).host}/acme/app:1.0\n`);
        const env = cleanEnv({ HOME: home, PATH: spies.path, GITHUB_API_URL: recorder.origin });
        for (const name of ['PIP_INDEX_URL', 'PIP_CONFIG_FILE', 'GOSUMDB', 'GOPROXY']) delete env[name];
        const client = new LspClient(env, { refreshTrustedRoot: false, cache: { enabled: false }, timeoutMs: 2000 });
        try {
          await client.initialize({ workspaceTrusted: trusted, storagePath: path.join(home, 'storage') }, pathToFileURL(dir).toString());
          for (const file of ['package.json', 'requirements.txt', 'Gemfile.lock', 'go.sum', 'Dockerfile', '.github/workflows/ci.yml']) {
            const uri = pathToFileURL(path.join(dir, file)).toString();
            await client.open(uri, fs.readFileSync(path.join(dir, file), 'utf8'), file.endsWith('.json') ? 'json' : 'plaintext');
            await client.waitForDiagnostics(uri, () => true, 30_000);
          }
          await new Promise((r) => setTimeout(r, 1500));
          if (trusted) {
            assert.deepEqual(
              spies.ran().filter((p) => p !== 'docker-credential-spy'),
              ['go', 'npm', 'python3'],
            );
            assert.ok(recorder.requests.length > 0);
          } else {
            assert.deepEqual(spies.ran(), [], 'no program ran');
            assert.deepEqual(recorder.requests, [], 'no request was made');
          }
        } finally {
          await client.shutdown();
          await closeServer(recorder.server);
        }
      },
    );
  }

  it('does not believe a disk cache edited to say "verified"', async () => {
    const registry = new TestRegistry();
    await registry.start();
    try {
      const dir = tempDir('pl-cache-');
      const cacheDir = path.join(tempDir('pl-cachedir-'), 'cache');
      fs.writeFileSync(
        path.join(dir, '.npmrc'),
        `registry=${registry.set(
          'broken',
          tampered((s) => breakSignature(s, 'kms-demo', '1.0.0')),
        )}\n`,
      );
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'c', dependencies: { 'kms-demo': '1.0.0' } }));
      const args = ['check', '--format', 'json', '--cache-dir', cacheDir, '--no-tuf-refresh'];
      const first = JSON.parse((await runCli(args, dir)).stdout).results[0];
      assert.equal(first.verdict, 'invalid');
      let edited = 0;
      for (const f of fs.readdirSync(path.join(cacheDir, 'verdicts'))) {
        const file = path.join(cacheDir, 'verdicts', f);
        const text = fs.readFileSync(file, 'utf8');
        const forged = text.replaceAll('"invalid"', '"verified"');
        if (forged !== text) edited++;
        fs.writeFileSync(file, forged);
      }
      assert.ok(edited > 0, 'the cached verdict was on disk to edit');
      const before = registry.requests.length;
      const second = JSON.parse((await runCli(args, dir)).stdout).results[0];
      assert.equal(second.verdict, 'invalid', 'the edited entry is not believed');
      assert.ok(registry.requests.length > before, 'the package was verified again');
    } finally {
      await registry.stop();
    }
  });
});
