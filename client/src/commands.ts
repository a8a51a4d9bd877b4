// Commands on tree nodes, on the workspace and on files. Each one forwards to the server, to VS Code
// or to the signing module.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GenerateSbomRequest, RecheckPackageRequest, RecheckRequest, type TreeNode, TreeSearchRequest } from '../../server/src/shared/protocol';
import type { Signing } from './signing';
import type { ProvenanceTreeProvider } from './tree';

export function registerCommands(
  client: () => LanguageClient | undefined,
  tree: ProvenanceTreeProvider,
  treeView: vscode.TreeView<TreeNode>,
  output: vscode.OutputChannel,
): vscode.Disposable[] {
  const setProblemsOnly = (value: boolean) => {
    tree.setProblemsOnly(value);
    void vscode.commands.executeCommand('setContext', 'provenanceLens.problemsOnly', value);
  };
  return [
    vscode.commands.registerCommand('provenanceLens.recheck', () => client()?.sendRequest(RecheckRequest)),
    vscode.commands.registerCommand('provenanceLens.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('provenanceLens.showProblemsOnly', () => setProblemsOnly(true)),
    vscode.commands.registerCommand('provenanceLens.showAll', () => setProblemsOnly(false)),
    vscode.commands.registerCommand('provenanceLens.revealInEditor', async (node?: TreeNode) => {
      if (!node?.uri) return;
      const editor = await vscode.window.showTextDocument(vscode.Uri.parse(node.uri), { preserveFocus: true, preview: true });
      if (node.range) {
        const range = new vscode.Range(node.range.start.line, node.range.start.character, node.range.end.line, node.range.end.character);
        editor.selection = new vscode.Selection(range.start, range.end);
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    }),
    vscode.commands.registerCommand(
      'provenanceLens.openLogEntry',
      (node?: TreeNode) => node?.logEntryUrl && vscode.env.openExternal(vscode.Uri.parse(node.logEntryUrl)),
    ),
    vscode.commands.registerCommand(
      'provenanceLens.openSourceCommit',
      (node?: TreeNode) => node?.commitUrl && vscode.env.openExternal(vscode.Uri.parse(node.commitUrl)),
    ),
    vscode.commands.registerCommand('provenanceLens.copyPurl', async (node?: TreeNode) => {
      if (!node?.purl) return;
      await vscode.env.clipboard.writeText(node.purl);
      void vscode.window.setStatusBarMessage(`Copied ${node.purl}`, 3000);
    }),
    vscode.commands.registerCommand('provenanceLens.generateSbom', async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      const c = client();
      if (!folder || !c) return undefined;
      const text = await c.sendRequest<string>(GenerateSbomRequest, { folder: folder.uri.toString() });
      const target = await vscode.window.showSaveDialog({
        title: 'Save the SBOM',
        defaultUri: vscode.Uri.joinPath(folder.uri, 'sbom.cdx.json'),
        filters: { 'CycloneDX JSON': ['json'] },
      });
      if (!target) return undefined;
      await vscode.workspace.fs.writeFile(target, Buffer.from(text));
      await vscode.window.showTextDocument(target);
      return target;
    }),
    vscode.commands.registerCommand(
      'provenanceLens.recheckPackage',
      (node?: TreeNode) => node && client()?.sendRequest(RecheckPackageRequest, { id: node.id }),
    ),
    vscode.commands.registerCommand('provenanceLens.findPackage', async () => {
      const query = await vscode.window.showInputBox({ title: 'Find a package in the provenance view', placeHolder: 'package name (or part of it)' });
      if (!query) return;
      const found = (await client()?.sendRequest<TreeNode[]>(TreeSearchRequest, { query })) ?? [];
      const picked = await vscode.window.showQuickPick(
        found.map((node) => ({ label: node.label, description: node.description, detail: node.parentId?.split('>').slice(1).join(' › '), node })),
        { title: `${found.length} matching packages`, matchOnDescription: true },
      );
      if (picked) await treeView.reveal(tree.keep(picked.node), { select: true, focus: true, expand: true });
    }),
  ];
}

/**
 * Signing commands: from the explorer (with multi-select), the editor title or the palette. VS Code
 * passes the clicked file and the selection; from the palette, the active editor's file.
 */
export function registerSigningCommands(signing: Signing): vscode.Disposable[] {
  const targets = (clicked?: vscode.Uri, selected?: vscode.Uri[]): vscode.Uri[] => {
    if (selected && selected.length > 0) return selected;
    const one = clicked instanceof vscode.Uri ? clicked : vscode.window.activeTextEditor?.document.uri;
    return one ? [one] : [];
  };
  return [
    vscode.commands.registerCommand('provenanceLens.signFile', (clicked?: vscode.Uri, selected?: vscode.Uri[]) => signing.sign(targets(clicked, selected))),
    vscode.commands.registerCommand('provenanceLens.signSbom', (clicked?: vscode.Uri, selected?: vscode.Uri[]) =>
      signing.sign(targets(clicked, selected), true),
    ),
    vscode.commands.registerCommand('provenanceLens.verifyFile', async (clicked?: vscode.Uri | TreeNode) => {
      const uri = clicked instanceof vscode.Uri ? clicked : clicked?.artifactUri ? vscode.Uri.parse(clicked.artifactUri) : targets()[0];
      return uri ? signing.verify(uri) : undefined;
    }),
    vscode.commands.registerCommand('provenanceLens.verifyGithubAttestation', (clicked?: vscode.Uri, expected?: string) => {
      const uri = clicked instanceof vscode.Uri ? clicked : targets()[0];
      return uri ? signing.verifyGithubAttestation(uri, typeof expected === 'string' ? expected : undefined) : undefined;
    }),
    vscode.commands.registerCommand('provenanceLens.generateSigningKey', () => signing.generateKey()),
    vscode.commands.registerCommand('provenanceLens.forgetSigners', () => signing.forgetAccepted()),
  ];
}
