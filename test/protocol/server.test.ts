// Protocol-level tests: the built server, spawned over stdio, a real registry on 127.0.0.1.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { breakSignature, recordedScenario, tampered } from '../support/fixtureRegistry';
import { GenerateSbomRequest } from '../../server/src/shared/protocol';
import { LspClient, cleanEnv } from '../support/lspClient';
import { TestRegistry } from '../support/registryServer';

const PACKAGE_JSON = `{
  "name": "demo",
  "version": "1.0.0",
  "dependencies": {
    "sigstore": "1.0.0",
    "kms-demo": "^1.0.0",
    "async": "2.5.0"
  },
  "workspaces": ["tools"]
}
`;

describe('language server over stdio', function () {
  this.timeout(30000);
  const registry = new TestRegistry();
  let workspace: string;
  let client: LspClient;
  let uri: string;

  before(async () => {
    await registry.start();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-lsp-'));
    const base = registry.set(
      'lsp',
      tampered((s) => {
        // async@2.5.0's signature is tampered with: it must show as an error.
        breakSignature(s, 'async', '2.5.0', 12);
      }),
    );
    fs.writeFileSync(path.join(workspace, '.npmrc'), `registry=${base}\n`);
    fs.writeFileSync(path.join(workspace, 'package.json'), PACKAGE_JSON);
    // Never opened in the editor: found by the workspace scan.
    fs.mkdirSync(path.join(workspace, 'tools'));
    fs.writeFileSync(path.join(workspace, 'tools', 'package.json'), JSON.stringify({ devDependencies: { async: '2.5.0' } }, null, 2));
    // Never read: dependencies' own manifests.
    fs.mkdirSync(path.join(workspace, 'node_modules', 'x'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'node_modules', 'x', 'package.json'), JSON.stringify({ dependencies: { async: '2.5.0' } }));
    uri = pathToFileURL(path.join(workspace, 'package.json')).toString();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    client = new LspClient(cleanEnv({ HOME: home }), { refreshTrustedRoot: false, showVerified: true, cache: { enabled: false } });
    await client.initialize({ workspaceTrusted: true, storagePath: path.join(home, 'storage') }, pathToFileURL(workspace).toString());
  });

  after(async () => {
    await client.shutdown();
    await registry.stop();
  });

  it('publishes a verdict per dependency on its version string', async () => {
    await client.open(uri, PACKAGE_JSON);
    const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length >= 3);
    const byLine = new Map(published.diagnostics.map((d) => [d.range.start.line, d]));
    assert.equal(byLine.get(4)?.code, 'verified');
    assert.equal(byLine.get(4)?.severity, 3);
    assert.deepEqual(byLine.get(4)?.range, { start: { line: 4, character: 16 }, end: { line: 4, character: 23 } });
    assert.equal(byLine.get(5)?.code, 'verified');
    assert.equal(byLine.get(6)?.code, 'signature-invalid');
    assert.equal(byLine.get(6)?.severity, 1);
    assert.match(byLine.get(6)!.message, /async@2\.5\.0/);
  });

  it('answers a hover with the signature and provenance summary', async () => {
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 8 } })) as {
      contents: { value: string };
    };
    assert.match(hover.contents.value, /\*\*`sigstore@1\.0\.0`\*\* — verified/);
    assert.match(hover.contents.value, /Registry signature: \*\*verified\*\* \(key `SHA256:jl3b/);
    assert.match(hover.contents.value, /github\.com\/sigstore\/sigstore-js/);
    assert.match(hover.contents.value, /Transparency log: entry \[12988397\]/);
  });

  it('gives an inlay hint where something needs attention', async () => {
    const hints = (await client.connection.sendRequest('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    })) as Array<{ position: { line: number; character: number }; label: string }>;
    assert.deepEqual(
      hints.map((h) => [h.position.line, h.position.character, h.label]),
      [[6, 20, '✗ signature invalid']],
    );
  });

  it('re-parses at once on an edit and keeps unchanged verdicts', async () => {
    const edited = PACKAGE_JSON.replace('"kms-demo": "^1.0.0",', '"kms-demo": "^1.0.0",\n    "node-fetch": "1.7.1",');
    const before = registry.requests.length;
    await client.change(uri, 2, edited);
    const published = await client.waitForDiagnostics(uri, (p) => p.version === 2 && p.diagnostics.length >= 4);
    const lines = published.diagnostics.map((d) => `${d.range.start.line}:${d.code}`).sort();
    assert.deepEqual(lines, ['4:verified', '5:verified', '6:verified', '7:signature-invalid']);
    const fetched = registry.requests.slice(before).map((r) => r.path);
    assert.ok(
      fetched.every((p) => p.includes('node-fetch') || p.includes('keys')),
      `only the new dependency is fetched: ${fetched}`,
    );
  });

  it('reports a malformed file as one diagnostic without crashing', async () => {
    const brokenUri = pathToFileURL(path.join(workspace, 'sub', 'package.json')).toString();
    await client.open(brokenUri, '{ "dependencies": { "kms-demo": "1.0.0", ');
    const published = await client.waitForDiagnostics(brokenUri, (p) => p.diagnostics.some((d) => d.code === 'parse-error'));
    assert.equal(published.diagnostics.filter((d) => d.code === 'parse-error').length, 1);
  });

  it('verifies workspace files that are not open, and skips node_modules', async () => {
    const tools = pathToFileURL(path.join(workspace, 'tools', 'package.json')).toString();
    const published = await client.waitForDiagnostics(tools, (p) => p.diagnostics.length > 0);
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      ['signature-invalid'],
    );
    assert.equal(client.diagnostics.has(pathToFileURL(path.join(workspace, 'node_modules', 'x', 'package.json')).toString()), false);
  });

  it('goes back to the saved content when an edited file is closed', async () => {
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    const published = await client.waitForDiagnostics(uri, (p) => p.version === undefined || p.version === null);
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.length === 3);
    assert.ok(published);
    await client.open(uri, PACKAGE_JSON);
  });

  it('generates a CycloneDX SBOM of the workspace with the verdicts it holds', async () => {
    await client.waitForNotification<{ pending: number }>('provenanceLens/status', (s) => s.pending === 0);
    const text = await client.connection.sendRequest<string>(GenerateSbomRequest, { folder: pathToFileURL(workspace).toString() });
    const bom = JSON.parse(text);
    const verdict = (name: string) =>
      bom.components.find((c: { name: string }) => c.name === name)?.properties?.find((p: { name: string }) => p.name === 'provenance-lens:verdict')?.value;
    assert.deepEqual([verdict('sigstore'), verdict('async')], ['verified', 'invalid']);
    assert.ok(
      bom.components.every((c: { purl: string }) => /^pkg:npm\/[^@]+@\d/.test(c.purl)),
      'each manifest range as the version it resolved to',
    );
  });

  it('sends status counts', async () => {
    const last = await client.waitForNotification<{ verified: number; invalid: number; pending: number }>('provenanceLens/status', (s) => s.pending === 0);
    // package.json as saved (2 verified, 1 invalid), tools/package.json (1 invalid), kms-demo in the broken one (1 verified).
    assert.deepEqual([last.verified, last.invalid], [3, 2], JSON.stringify(last));
  });
});

describe('language server in an untrusted workspace', function () {
  this.timeout(30000);

  it('makes no network request and says why', async () => {
    const registry = new TestRegistry();
    await registry.start();
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-untrusted-'));
    fs.writeFileSync(path.join(workspace, '.npmrc'), `registry=${registry.set('untrusted', recordedScenario())}\n`);
    fs.writeFileSync(path.join(workspace, 'package.json'), PACKAGE_JSON);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    const client = new LspClient(cleanEnv({ HOME: home }), { refreshTrustedRoot: false });
    try {
      await client.initialize({ workspaceTrusted: false, storagePath: home }, pathToFileURL(workspace).toString());
      const uri = pathToFileURL(path.join(workspace, 'package.json')).toString();
      await client.open(uri, PACKAGE_JSON);
      await client.waitForDiagnostics(uri, () => true);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(registry.requests.length, 0);
      const status = client.notifications.filter((n) => n.method === 'provenanceLens/status').at(-1)?.params as { disabledReason?: string };
      assert.match(status?.disabledReason ?? '', /Restricted mode/);
    } finally {
      await client.shutdown();
      await registry.stop();
    }
  });
});
