// Quick fixes over LSP: upgrade to the nearest version with provenance, and trust a signer in the
// workspace policy (editing it, or creating it).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parsePolicy } from '../../server/src/core/trust/policy';
import { addSigstoreWithoutProvenance, tampered } from '../support/fixtureRegistry';
import { LspClient, cleanEnv } from '../support/lspClient';
import { TestRegistry } from '../support/registryServer';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SIGSTORE_SIGNER = 'https://github.com/sigstore/sigstore-js/.github/workflows/publish.yml@refs/tags/v1.0.0';

interface Action {
  title: string;
  isPreferred?: boolean;
  edit: { changes?: Record<string, Array<{ range: never; newText: string }>>; documentChanges?: Array<Record<string, unknown>> };
}

describe('quick fixes over LSP', function () {
  this.timeout(30000);
  const registry = new TestRegistry();
  let workspace: string;
  let client: LspClient;

  const uriOf = (rel: string) => pathToFileURL(path.join(workspace, rel)).toString();
  async function actionsAt(rel: string, line: number, character: number): Promise<Action[]> {
    const uri = uriOf(rel);
    const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0 || true);
    const diagnostics = published.diagnostics.filter((d) => d.range.start.line === line);
    return (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character }, end: { line, character } },
      context: { diagnostics },
    })) as Action[];
  }

  before(async () => {
    await registry.start();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-fix-'));
    // sigstore@0.9.0: published without provenance, a later version (1.0.0) has it.
    const base = registry.set(
      'fix',
      tampered((s) => {
        addSigstoreWithoutProvenance(s);
      }),
    );
    fs.writeFileSync(path.join(workspace, '.npmrc'), `registry=${base}\n`);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    client = new LspClient(cleanEnv({ HOME: home }), { refreshTrustedRoot: false, cache: { enabled: false }, requireProvenance: true });
    await client.initialize({ workspaceTrusted: true, storagePath: home }, pathToFileURL(workspace).toString());
  });

  after(async () => {
    await client.shutdown();
    await registry.stop();
  });

  it('upgrades to the nearest version with provenance, keeping the range operator', async () => {
    const text = '{\n  "dependencies": {\n    "sigstore": "^0.9.0"\n  }\n}\n';
    fs.writeFileSync(path.join(workspace, 'package.json'), text);
    await client.open(uriOf('package.json'), text);
    await client.waitForDiagnostics(uriOf('package.json'), (p) => p.diagnostics.some((d) => d.code === 'provenance-required'));
    const actions = await actionsAt('package.json', 2, 18);
    const upgrade = actions.find((a) => a.title.startsWith('Upgrade'))!;
    assert.equal(upgrade.title, 'Upgrade sigstore to ^1.0.0, the nearest version with provenance');
    assert.equal(upgrade.isPreferred, true);
    const edits = upgrade.edit.changes![uriOf('package.json')];
    const after = TextDocument.applyEdits(TextDocument.create('x', 'json', 1, text), edits as never);
    assert.equal(after, text.replace('^0.9.0', '^1.0.0'));
  });

  it('creates the policy file to accept only the current signer (trust on first use)', async () => {
    const text = '{\n  "dependencies": {\n    "sigstore": "1.0.0"\n  }\n}\n';
    fs.mkdirSync(path.join(workspace, 'app'));
    fs.copyFileSync(path.join(workspace, '.npmrc'), path.join(workspace, 'app', '.npmrc'));
    fs.writeFileSync(path.join(workspace, 'app', 'package.json'), text);
    await client.open(uriOf('app/package.json'), text);
    // Verified, and quiet: the only diagnostic is none.
    await client.waitForNotification<{ pending: number }>('provenanceLens/status', (s) => s.pending === 0);
    const actions = await actionsAt('app/package.json', 2, 18);
    const trust = actions.find((a) => a.title.startsWith('Accept only this signer'))!;
    assert.ok(trust, actions.map((a) => a.title).join(' | '));
    const [create, change] = trust.edit.documentChanges!;
    assert.deepEqual(create, { kind: 'create', uri: uriOf('provenance-policy.json'), options: { ignoreIfExists: true } });
    const written = (change.edits as Array<{ newText: string }>)[0].newText;
    assert.deepEqual(parsePolicy(written).policy.packages, [{ match: 'sigstore', signers: [{ issuer: ISSUER, subject: SIGSTORE_SIGNER }] }]);
  });

  it('offers to accept a changed signer into the policy, where the warning names both signers', async () => {
    const dir = path.join(workspace, 'continuity');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(workspace, '.npmrc'), path.join(dir, '.npmrc'));
    // The catalog of known signers documents both sigstore-js workflows: set it aside, so continuity speaks.
    const policyText = JSON.stringify({ knownSigners: false }, null, 2);
    fs.writeFileSync(path.join(dir, 'provenance-policy.json'), policyText);
    const text = (version: string) => `{\n  "dependencies": {\n    "sigstore": "${version}"\n  }\n}\n`;
    const uri = uriOf('continuity/package.json');
    fs.writeFileSync(path.join(dir, 'package.json'), text('1.0.0'));
    await client.open(uri, text('1.0.0'));
    // The first signer must be seen before the version changes: wait for 1.0.0's verdict in the hover.
    for (let tries = 0; ; tries++) {
      const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 18 } })) as {
        contents: { value: string };
      } | null;
      if (hover?.contents.value.includes('sigstore@1.0.0`** — verified')) break;
      assert.ok(tries < 100, hover?.contents.value);
      await new Promise((r) => setTimeout(r, 100));
    }
    await client.change(uri, 2, text('1.3.0'));
    const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'signer-changed'));
    const warning = published.diagnostics.find((d) => d.code === 'signer-changed')!;
    assert.match(
      warning.message,
      /signer changed from https:\/\/github\.com\/sigstore\/sigstore-js\/\.github\/workflows\/publish\.yml .* to https:\/\/github\.com\/sigstore\/sigstore-js\/\.github\/workflows\/release\.yml/,
    );
    const accept = (await actionsAt('continuity/package.json', 2, 18)).find((a) => a.title.startsWith('Accept the new signer'))!;
    const released = 'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main';
    assert.equal(accept?.title, `Accept the new signer ${released} for sigstore in provenance-policy.json`);
    const [change] = accept.edit.documentChanges!;
    const after = TextDocument.applyEdits(TextDocument.create('p', 'json', 1, policyText), change.edits as never);
    assert.deepEqual(parsePolicy(after).policy.packages, [{ match: 'sigstore', signers: [{ issuer: ISSUER, subject: released }] }]);
  });

  const strictRule = { match: 'sigstore', signers: [{ issuer: ISSUER, subject: 'https://github.com/else/where/.github/workflows/x.yml@refs/heads/main' }] };
  const policies: Array<[string, string]> = [
    ['provenance-policy.json', JSON.stringify({ packages: [strictRule] }, null, 2)],
    [
      'provenance-policy.yaml',
      `# release identities only\npackages:\n  - match: sigstore\n    signers:\n      - issuer: ${ISSUER}\n        subject: ${strictRule.signers[0].subject}\n`,
    ],
  ];
  for (const [policyFile, policyText] of policies) {
    it(`adds a rejected signer to the policy rule that rejected it (${policyFile})`, async () => {
      const dir = path.join(workspace, `strict-${path.extname(policyFile).slice(1)}`);
      fs.mkdirSync(dir);
      fs.copyFileSync(path.join(workspace, '.npmrc'), path.join(dir, '.npmrc'));
      fs.writeFileSync(path.join(dir, policyFile), policyText);
      const text = '{\n  "dependencies": {\n    "sigstore": "1.0.0"\n  }\n}\n';
      fs.writeFileSync(path.join(dir, 'package.json'), text);
      const uri = uriOf(`${path.basename(dir)}/package.json`);
      await client.open(uri, text);
      await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'signer-not-allowed'));
      const trust = (await actionsAt(`${path.basename(dir)}/package.json`, 2, 18)).find((a) => a.title.startsWith('Trust'))!;
      assert.equal(trust.title, `Trust ${SIGSTORE_SIGNER} for sigstore in ${policyFile}`);
      assert.equal(trust.isPreferred, true);
      const [change] = trust.edit.documentChanges!;
      const after = TextDocument.applyEdits(TextDocument.create('p', 'plaintext', 1, policyText), change.edits as never);
      const signers = parsePolicy(after, policyFile).policy.packages[0].signers!;
      assert.deepEqual(
        signers.map((s) => s.subject),
        [strictRule.signers[0].subject, SIGSTORE_SIGNER],
      );
      if (policyFile.endsWith('.yaml')) assert.ok(after.startsWith('# release identities only\n'), after);
    });
  }
});
