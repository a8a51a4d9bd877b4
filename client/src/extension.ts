// The extension: starts the language server, shows its status, and offers the commands.
// Logic lives in the server's core; this file only connects VS Code to it.

import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { type InitializationOptions, RecheckRequest, type StatusParams, StatusNotification } from '../../server/src/protocol';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Provenance Lens');
  const status = vscode.window.createStatusBarItem('provenanceLens.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Provenance Lens';
  status.command = 'provenanceLens.showOutput';
  status.text = '$(shield) Provenance';
  status.show();
  context.subscriptions.push(output, status);

  const start = async () => {
    client = createClient(context, output);
    client.onNotification(StatusNotification, (params: StatusParams) => renderStatus(status, params));
    await client.start();
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('provenanceLens.recheck', () => client?.sendRequest(RecheckRequest)),
    vscode.commands.registerCommand('provenanceLens.showOutput', () => output.show(true)),
    // Trust granted: restart so the server may use the network and run npm.
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      await client?.stop();
      await start();
    }),
    { dispose: () => void client?.stop() },
  );
  await start();
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
    ],
    // Manifests that are not open are verified from disk; .npmrc changes reload the registry configuration.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/{package.json,package-lock.json,npm-shrinkwrap.json,.npmrc}') },
    initializationOptions,
    outputChannel: output,
  };
  return new LanguageClient('provenanceLens', 'Provenance Lens', serverOptions, clientOptions);
}

function renderStatus(item: vscode.StatusBarItem, s: StatusParams): void {
  if (s.disabledReason) {
    item.text = '$(shield) Provenance: off';
    item.tooltip = s.disabledReason;
    item.backgroundColor = undefined;
    return;
  }
  const parts = [`$(shield) ${s.verified}`];
  if (s.invalid) parts.push(`$(error) ${s.invalid}`);
  if (s.unsigned + s.policyViolation) parts.push(`$(warning) ${s.unsigned + s.policyViolation}`);
  if (s.unverifiable) parts.push(`$(question) ${s.unverifiable}`);
  if (s.pending) parts.push(`$(sync~spin) ${s.pending}`);
  item.text = parts.join(' ');
  item.tooltip = [
    `Verified: ${s.verified}`,
    `Invalid: ${s.invalid}`,
    `Unsigned: ${s.unsigned}`,
    `Policy violations: ${s.policyViolation}`,
    `Unverifiable: ${s.unverifiable}`,
    `Pending: ${s.pending}`,
    `Trusted root: ${s.trustSource}`,
  ].join('\n');
  item.backgroundColor = s.invalid ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
}
