// Extension-host tests: the real `vscode` API, the built extension and server, the fixture
// workspace in test/e2e/workspace served by the local replay registry (see test/e2e/run.ts,
// where async@2.5.0's registry signature is tampered with).

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ProvenanceLensApi } from '../../../client/src/extension';
import type { TreeNode } from '../../../server/src/shared/protocol';

const folder = () => vscode.workspace.workspaceFolders![0].uri;
const manifest = () => vscode.Uri.joinPath(folder(), 'package.json');
const lockfile = () => vscode.Uri.joinPath(folder(), 'package-lock.json');

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function codesByLine(uri: vscode.Uri): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const d of vscode.languages.getDiagnostics(uri)) out.set(d.range.start.line, [...(out.get(d.range.start.line) ?? []), String(d.code)]);
  return out;
}

describe('Provenance Lens in VS Code', () => {
  let api: ProvenanceLensApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<ProvenanceLensApi>('provenance-lens.provenance-lens');
    assert.ok(extension, 'the extension is installed');
    api = await extension.activate();
    await waitFor('all verdicts', () => {
      const s = api.status();
      return s && s.pending === 0 && s.verified + s.invalid > 0 ? s : undefined;
    });
  });

  it('publishes diagnostics on the right lines', async () => {
    await vscode.window.showTextDocument(manifest());
    const lines = await waitFor('diagnostics for package.json', () => {
      const byLine = codesByLine(manifest());
      return byLine.get(7) ? byLine : undefined;
    });
    assert.deepEqual(lines.get(7), ['signature-invalid'], 'async@2.5.0 has a tampered signature');
    assert.equal(lines.get(5), undefined, 'sigstore verified: quiet');
    const error = vscode.languages.getDiagnostics(manifest()).find((d) => d.code === 'signature-invalid')!;
    assert.equal(error.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([error.range.start.character, error.range.end.character], [13, 20], 'on the version string');
    assert.match(error.message, /async@2\.5\.0/);
  });

  it('shows verification details on hover', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', manifest(), new vscode.Position(5, 18));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /`sigstore@1\.0\.0`\*\* — verified/);
    assert.match(text, /Registry signature: \*\*verified\*\* \(key `SHA256:jl3b/);
    assert.match(text, /Source: \[https:\/\/github\.com\/sigstore\/sigstore-js\]/);
    assert.match(text, /Transparency log: entry \[12988397\]/);
  });

  it('shows the supply chain in the tree view', async () => {
    const files = await api.tree.getChildren();
    const npmFiles = files.filter((f) => f.label.endsWith('.json'));
    assert.deepEqual(
      npmFiles.map((f) => f.label),
      ['package-lock.json', 'package.json', 'tools/package.json'],
    );
    const lock = npmFiles[0];
    assert.equal(lock.verdict, 'invalid');
    const packages = await api.tree.getChildren(lock);
    assert.deepEqual(
      packages.map((p) => [p.label, p.verdict]),
      [
        ['sigstore@1.0.0', 'verified'],
        ['kms-demo@1.0.0', 'verified'],
        ['async@2.5.0', 'invalid'],
      ],
    );
    const sigstore = await api.tree.getChildren(packages[0]);
    const labels = sigstore.map((n) => n.label);
    assert.ok(labels.includes('Registry signature: verified'), labels.join(', '));
    assert.ok(labels.includes('Provenance: verified'));
    assert.ok(labels.some((l) => l.startsWith('Source: github.com/sigstore/sigstore-js')));
    assert.ok(labels.includes('Transparency log entry 12988397'));
    // The transitive dependency sits under the package that requires it.
    const nodeFetch = sigstore.find((n) => n.kind === 'package');
    assert.equal(nodeFetch?.label, 'node-fetch@1.7.1');
  });

  it('filters the tree to problems', async () => {
    api.tree.setProblemsOnly(true);
    try {
      const files = await api.tree.getChildren();
      const lockPackages = await api.tree.getChildren(files.find((f) => f.label === 'package-lock.json'));
      assert.equal(
        files.find((f) => f.label === 'Dockerfile'),
        undefined,
        'the signed image is not a problem',
      );
      assert.deepEqual(
        lockPackages.map((p) => p.label),
        ['async@2.5.0'],
      );
    } finally {
      api.tree.setProblemsOnly(false);
    }
  });

  it('reveals a package in the editor and copies its purl', async () => {
    const lock = (await api.tree.getChildren()).find((f) => f.label === 'package-lock.json')!;
    const sigstore = (await api.tree.getChildren(lock)).find((p) => p.label === 'sigstore@1.0.0') as TreeNode;
    await vscode.commands.executeCommand('provenanceLens.revealInEditor', sigstore);
    const editor = await waitFor('the lockfile editor', () =>
      vscode.window.activeTextEditor?.document.uri.toString() === lockfile().toString() ? vscode.window.activeTextEditor : undefined,
    );
    assert.equal(editor.selection.start.line, sigstore.range!.start.line);
    await vscode.commands.executeCommand('provenanceLens.copyPurl', sigstore);
    assert.equal(await vscode.env.clipboard.readText(), 'pkg:npm/sigstore@1.0.0');
  });

  it('upgrades a dependency to the nearest version with provenance (quick fix)', async () => {
    const tools = vscode.Uri.joinPath(folder(), 'tools', 'package.json');
    const document = await vscode.workspace.openTextDocument(tools);
    const line = document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('"sigstore"'));
    const position = new vscode.Position(line, document.lineAt(line).text.indexOf('~') + 1);
    const upgrade = await waitFor('the upgrade quick fix', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        tools,
        new vscode.Range(position, position),
      );
      return actions.find((a) => a.title.startsWith('Upgrade sigstore'));
    });
    assert.equal(upgrade.title, 'Upgrade sigstore to ~1.0.0, the nearest version with provenance');
    assert.ok(await vscode.workspace.applyEdit(upgrade.edit!));
    assert.match(document.getText(), /"sigstore": "~1\.0\.0"/);
    await document.save();
  });

  it('pins the current signer in a new policy file (quick fix), and the package stays verified', async () => {
    const line = new vscode.Position(5, 18);
    const trust = await waitFor('the trust-signer quick fix', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', manifest(), new vscode.Range(line, line));
      return actions.find((a) => a.title.startsWith('Accept only this signer for sigstore'));
    });
    assert.ok(await vscode.workspace.applyEdit(trust.edit!));
    const policyUri = vscode.Uri.joinPath(folder(), 'provenance-policy.json');
    // The edit creates the file and fills it in the editor; saving is the user's step.
    assert.ok(await (await vscode.workspace.openTextDocument(policyUri)).save());
    const policy = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(policyUri)).toString('utf8'));
    assert.deepEqual(policy.packages, [
      {
        match: 'sigstore',
        signers: [
          {
            issuer: 'https://token.actions.githubusercontent.com',
            subject: 'https://github.com/sigstore/sigstore-js/.github/workflows/publish.yml@refs/tags/v1.0.0',
          },
        ],
      },
    ]);
    // The policy is read again when saved: a different signer makes sigstore a policy violation…
    const policyDocument = await vscode.workspace.openTextDocument(policyUri);
    const edit = new vscode.WorkspaceEdit();
    const at = policyDocument.getText().indexOf('sigstore/sigstore-js');
    edit.replace(policyUri, new vscode.Range(policyDocument.positionAt(at), policyDocument.positionAt(at + 'sigstore/sigstore-js'.length)), 'someone/else');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await policyDocument.save();
    await waitFor('signer-not-allowed on sigstore', () => codesByLine(manifest()).get(5)?.includes('signer-not-allowed'));
    // …and without the policy it is verified again.
    await vscode.workspace.fs.delete(policyUri);
    // (Diagnostics are published in batches and may trail the status counts by a moment.)
    await waitFor('no policy violations left', () => {
      const status = api.status();
      return status && status.pending === 0 && status.policyViolation === 0 && codesByLine(manifest()).get(5) === undefined ? status : undefined;
    });
  });

  it('verifies the Dockerfile image, shows it in the tree, and pins it to its digest (quick fix)', async function () {
    const dockerfile = vscode.Uri.joinPath(folder(), 'Dockerfile');
    if (
      !(await vscode.workspace.fs.stat(dockerfile).then(
        () => true,
        () => false,
      ))
    )
      this.skip(); // no registry on this machine
    const document = await vscode.workspace.openTextDocument(dockerfile);
    await vscode.window.showTextDocument(document);
    const warning = await waitFor('the not-pinned warning', () => vscode.languages.getDiagnostics(dockerfile).find((d) => d.code === 'image-not-pinned'));
    assert.equal(warning.range.start.line, 0);
    const file = (await api.tree.getChildren()).find((f) => f.label === 'Dockerfile')!;
    const [image] = await api.tree.getChildren(file);
    assert.match(image.label, /acme\/web:1\.0$/);
    assert.equal(image.verdict, 'verified');
    // The SBOM attested on the image opens, verified again, in the review view.
    const sbomNode = (await api.tree.getChildren(image)).find((n) => n.label === 'SBOM: SPDX SBOM')!;
    assert.equal(sbomNode.description, 'attested by cosign.pub');
    const sbomUri = await vscode.commands.executeCommand<string>('provenanceLens.openAttestedSbom', sbomNode);
    assert.match(sbomUri, /^provenance-lens-sbom:\/.*\/sbom\.spdx3\.json$/);
    const tab = await waitFor('the review of the attested SBOM', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === sbomUri),
    );
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'provenanceLens.sbomReview');
    const attested = await vscode.workspace.openTextDocument(vscode.Uri.parse(sbomUri));
    assert.match(attested.getText(), /"software_packageUrl" : "pkg:cargo\/tokio@1\.19\.2"|"software_packageUrl": "pkg:cargo\/tokio@1\.19\.2"/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', dockerfile, warning.range);
    const pin = actions.find((a) => a.title.startsWith('Pin'))!;
    assert.ok(await vscode.workspace.applyEdit(pin.edit!));
    assert.match(document.lineAt(0).text, /acme\/web:1\.0@sha256:[0-9a-f]{64}$/);
    await document.save();
    await waitFor('the warning gone', () => (vscode.languages.getDiagnostics(dockerfile).some((d) => d.code === 'image-not-pinned') ? undefined : true));
  });

  it('signs a file with Sigstore through the command (the test plays the browser), and verifying it shows the signer', async () => {
    const opened: string[] = [];
    api.signing.openBrowser = async (url) => {
      opened.push(url);
      const response = await fetch(url); // follows the issuer's redirect to the extension's loopback listener
      assert.ok(response.ok, `the sign-in callback answered ${response.status}`);
    };
    const file = vscode.Uri.joinPath(folder(), 'release-notes.txt');
    await vscode.workspace.fs.writeFile(file, Buffer.from('Release 1.0\n'));
    const results = await vscode.commands.executeCommand<Array<{ ok: boolean; error?: string }>>('provenanceLens.signFile', file);
    assert.deepEqual(
      results.map((r) => r.error ?? r.ok),
      [true],
    );
    assert.equal(opened.length, 1, 'one sign-in');
    assert.match(opened[0], /code_challenge_method=S256/);
    const bundle = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder(), 'release-notes.txt.sigstore.json'))).toString());
    assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');

    const report = await vscode.commands.executeCommand<{ verdict: string; subject?: string; expectedBy: string }>('provenanceLens.verifyFile', file);
    assert.deepEqual(
      [report.verdict, report.subject, report.expectedBy],
      ['verified', 'release@example.test', 'user'],
      'the identity you signed as is one you expect',
    );
    const signed = await waitFor('the Signed files node', async () => (await api.tree.getChildren()).find((n) => n.label === 'Signed files'));
    const [entry] = await api.tree.getChildren(signed);
    assert.deepEqual([entry.label, entry.verdict, entry.description], ['release-notes.txt', 'verified', 'release@example.test']);
    const evidence = (await api.tree.getChildren(entry)).map((n) => n.label);
    assert.ok(evidence.includes('Signer: release@example.test'), evidence.join(' | '));
    assert.ok(
      evidence.some((l) => /^Transparency log entry \d+$/.test(l)),
      evidence.join(' | '),
    );

    // The file changes after signing: saved, it is verified again and the problem shows on it.
    const document = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((e) => e.insert(new vscode.Position(1, 0), 'tampered\n'));
    await document.save();
    const problem = await waitFor('a signature diagnostic', () => vscode.languages.getDiagnostics(file).find((d) => d.source === 'Provenance Lens'));
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
    assert.match(problem.message, /^Sigstore signature: invalid\./);
  });

  it("verifies Python requirements: the grammar's language, a diagnostic for the package without provenance, the PEP 740 hover", async () => {
    const requirements = vscode.Uri.joinPath(folder(), 'requirements.txt');
    const document = await vscode.workspace.openTextDocument(requirements);
    assert.equal(document.languageId, 'pip-requirements');
    await vscode.window.showTextDocument(document);
    const unsigned = await waitFor('the unsigned Python package', () =>
      vscode.languages.getDiagnostics(requirements).find((d) => d.code === 'signature-missing'),
    );
    assert.equal(unsigned.range.start.line, 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', requirements, new vscode.Position(1, 24));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /`gitlab-oidc-project@0\.0\.3`\*\* — verified/);
    assert.match(text, /PEP 740 provenance: \*\*verified\*\*/);
    const file = (await api.tree.getChildren()).find((f) => f.label === 'requirements.txt')!;
    assert.match(file.description ?? '', /1 verified · 1 unsigned/);
  });

  it('summarises the workspace in the status bar', () => {
    const s = api.status()!;
    assert.equal(s.disabledReason, undefined);
    assert.ok(s.invalid >= 2 && s.verified >= 5, JSON.stringify(s));
  });
});
