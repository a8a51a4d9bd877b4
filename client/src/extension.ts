// The extension: starts the language server and connects VS Code's surfaces to it (status bar,
// tree view, commands). Logic lives in the server's core; this file only wires.

import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { type InitializationOptions, type StatusParams, StatusNotification, type TreeNode } from '../../server/src/protocol';
import { registerCommands } from './commands';
import { StatusBar } from './statusBar';
import { ProvenanceTreeProvider } from './tree';

let client: LanguageClient | undefined;

/** What the extension returns from activate(): used by the end-to-end tests. */
export interface ProvenanceLensApi {
  client(): LanguageClient | undefined;
  tree: ProvenanceTreeProvider;
  status(): StatusParams | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<ProvenanceLensApi> {
  const output = vscode.window.createOutputChannel('Provenance Lens');
  const status = new StatusBar();
  const tree = new ProvenanceTreeProvider(() => client);
  const treeView = vscode.window.createTreeView<TreeNode>('provenanceLens.tree', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(output, status, treeView);

  let subscriptions: vscode.Disposable[] = [];
  const start = async () => {
    client = createClient(context, output);
    subscriptions = [client.onNotification(StatusNotification, (params: StatusParams) => status.update(params)), tree.attach(client)];
    await client.start();
    tree.refreshAll();
  };

  context.subscriptions.push(
    ...registerCommands(() => client, tree, treeView, output),
    // Trust granted: restart so the server may use the network and run npm.
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      subscriptions.forEach((s) => s.dispose());
      await client?.stop();
      await start();
    }),
    { dispose: () => void client?.stop() },
  );
  await start();
  return { client: () => client, tree, status: () => status.last };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const initializationOptions: InitializationOptions = {
    workspaceTrusted: vscode.workspace.isTrusted,
    storagePath: context.globalStorageUri.fsPath,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', pattern: '**/package.json' },
      { scheme: 'file', pattern: '**/package-lock.json' },
      { scheme: 'file', pattern: '**/npm-shrinkwrap.json' },
      { scheme: 'file', pattern: '**/provenance-policy.json' },
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*}' },
      { scheme: 'file', language: 'yaml' },
    ],
    // Manifests that are not open are verified from disk; .npmrc and policy changes reload the configuration.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/{package.json,package-lock.json,npm-shrinkwrap.json,.npmrc,provenance-policy.json,Dockerfile,Containerfile,*.yaml,*.yml}') },
    initializationOptions,
    outputChannel: output,
  };
  return new LanguageClient('provenanceLens', 'Provenance Lens', serverOptions, clientOptions);
}
