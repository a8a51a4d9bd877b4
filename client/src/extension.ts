// The extension: starts the language server and connects VS Code's surfaces to it (status bar,
// tree view, commands). Logic lives in the server's core; this file only wires.

import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { SESSION_KEY_VARIABLE, newSessionKey } from '../../server/src/shared/sealed';
import {
  ATTESTED_SBOM_SCHEME,
  ExternalUriRequest,
  type InitializationOptions,
  type StatusParams,
  StatusNotification,
  type TreeNode,
} from '../../server/src/shared/protocol';
import { registerCommands, registerSigningCommands } from './commands';
import { ECOSYSTEM_DOCUMENT_PATTERNS } from '../../server/src/shared/documentPatterns';
import { AttestedSbomDocuments } from './attestedSbom';
import { SBOM_REVIEW_VIEW, SbomReviewProvider } from './sbomReview';
import { Signing, loopbackAsSeenByBrowser } from './signing';
import { StatusBar } from './statusBar';
import { ProvenanceTreeProvider } from './tree';

let client: LanguageClient | undefined;

/** What the extension returns from activate(): used by the end-to-end tests. */
export interface ProvenanceLensApi {
  client(): LanguageClient | undefined;
  tree: ProvenanceTreeProvider;
  status(): StatusParams | undefined;
  /** Signing and verifying local files (tests replace `signing.openBrowser` to play the browser). */
  signing: Signing;
}

export async function activate(context: vscode.ExtensionContext): Promise<ProvenanceLensApi> {
  const output = vscode.window.createOutputChannel('Provenance Lens');
  const status = new StatusBar();
  const tree = new ProvenanceTreeProvider(() => client);
  const treeView = vscode.window.createTreeView<TreeNode>('provenanceLens.tree', { treeDataProvider: tree, showCollapseAll: true });
  const sessionKey = newSessionKey();
  const signing = new Signing(() => client, context, sessionKey);
  const review = new SbomReviewProvider(
    context,
    () => client,
    (document) => signing.verifyIfSigned(document),
  );
  context.subscriptions.push(output, status, treeView, signing);
  AttestedSbomDocuments.register(context, () => client);

  let subscriptions: vscode.Disposable[] = [];
  const start = async () => {
    client = createClient(context, output, sessionKey, signing);
    subscriptions = [
      client.onNotification(StatusNotification, (params: StatusParams) => status.update(params)),
      tree.attach(client),
      client.onRequest(ExternalUriRequest, (params: { uri: string }) => loopbackAsSeenByBrowser(params.uri)),
    ];
    await client.start();
    tree.refreshAll();
  };

  context.subscriptions.push(
    ...registerCommands(() => client, tree, treeView, output),
    ...registerSigningCommands(signing),
    vscode.window.registerCustomEditorProvider(SBOM_REVIEW_VIEW, review, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.commands.registerCommand('provenanceLens.compareSbom', async (uri?: vscode.Uri, other?: vscode.Uri) => {
      const sbom = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!sbom) return undefined;
      let against = other;
      if (!against) {
        const candidates = await vscode.workspace.findFiles(
          '**/{*bom*.json,*.cdx.json,*.spdx.json,*bom*.xml,*.spdx,package-lock.json,npm-shrinkwrap.json}',
          '**/node_modules/**',
          200,
        );
        const picked = await vscode.window.showQuickPick(
          candidates.filter((c) => c.toString() !== sbom.toString()).map((c) => ({ label: vscode.workspace.asRelativePath(c), uri: c })),
          { title: `Compare ${vscode.workspace.asRelativePath(sbom)} with… (an earlier SBOM, or the lockfile)` },
        );
        against = picked?.uri;
      }
      return against && review.compare(sbom, against);
    }),
    vscode.commands.registerCommand('provenanceLens.reviewSbom', (uri?: vscode.Uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      return target && vscode.commands.executeCommand('vscode.openWith', target, SBOM_REVIEW_VIEW, vscode.ViewColumn.Beside);
    }),
    // A file with a bundle beside it is verified when opened or saved (quietly: problems become a diagnostic).
    vscode.workspace.onDidOpenTextDocument((document) => void signing.verifyIfSigned(document)),
    vscode.workspace.onDidSaveTextDocument((document) => void signing.verifyIfSigned(document)),
    // Trust granted: restart so the server may use the network and run npm.
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      subscriptions.forEach((s) => s.dispose());
      await client?.stop();
      await start();
    }),
    { dispose: () => void client?.stop() },
  );
  await start();
  for (const document of vscode.workspace.textDocuments) void signing.verifyIfSigned(document);
  return { client: () => client, tree, status: () => status.last, signing };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel, sessionKey: string, signing: Signing): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  // The server gets the key that seals secrets in its environment, never in a message.
  const env = { ...process.env, [SESSION_KEY_VARIABLE]: sessionKey };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const initializationOptions: InitializationOptions = {
    workspaceTrusted: vscode.workspace.isTrusted,
    storagePath: context.globalStorageUri.fsPath,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', pattern: '**/provenance-policy.{json,yaml,yml}' },
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'file', language: 'yaml' },
      // SBOMs are recognised by content (the server looks at the first lines of JSON and XML files).
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'xml' },
      { scheme: 'file', pattern: '**/*.spdx' },
      { scheme: ATTESTED_SBOM_SCHEME },
      // Every ecosystem's manifests and lockfiles (package.json, requirements files, Dockerfiles…), from the plugins.
      ...ECOSYSTEM_DOCUMENT_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
    ],
    // Manifests that are not open are verified from disk; .npmrc and policy changes reload the configuration.
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher(
          '**/{.npmrc,provenance-policy.json,provenance-policy.yaml,provenance-policy.yml,*bom*.json,*.cdx.json,*.spdx.json,*bom*.xml,*.cdx.xml,*.spdx}',
        ),
        ...ECOSYSTEM_DOCUMENT_PATTERNS.map((pattern) => vscode.workspace.createFileSystemWatcher(pattern)),
      ],
    },
    initializationOptions,
    outputChannel: output,
    middleware: {
      window: {
        // The server's sign-in asks for the issuer's page in the browser: through Signing, where tests play the browser.
        showDocument: async (params, next) => {
          if (!params.external || !/^https?:/.test(params.uri)) {
            const result = await next(params, new vscode.CancellationTokenSource().token);
            return 'success' in result ? result : { success: false };
          }
          await signing.openBrowser(params.uri);
          return { success: true };
        },
      },
    },
  };
  return new LanguageClient('provenanceLens', 'Provenance Lens', serverOptions, clientOptions);
}
