// The language server: wiring only. Each handler forwards to a feature module.

import * as os from 'node:os';
import * as path from 'node:path';
import {
  DidChangeConfigurationNotification,
  type InitializeParams,
  type InitializeResult,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Checker } from './core/checker';
import { DocumentChecks } from './features/documentChecks';
import { TrustStore } from './features/trustStore';
import { DEFAULT_SETTINGS, type InitializationOptions, RecheckRequest, type Settings } from './protocol';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const trust = new TrustStore();
let settings: Settings = DEFAULT_SETTINGS;
let init: InitializationOptions = { workspaceTrusted: false };
let checker: Checker | undefined;
let canPullConfiguration = false;
let supportsProgress = false;

const log = (message: string) => connection.console.log(`[${new Date().toISOString()}] ${message}`);

const checks = new DocumentChecks({
  connection,
  checker: () => checker,
  settings: () => settings,
  disabledReason: () =>
    !init.workspaceTrusted ? 'Restricted mode: this workspace is not trusted, so nothing is fetched or run.' : trust.problem,
  trustSource: () => trust.get().source,
  log,
  get supportsProgress() {
    return supportsProgress;
  },
});

connection.onInitialize((params: InitializeParams): InitializeResult => {
  init = { workspaceTrusted: false, ...(params.initializationOptions as Partial<InitializationOptions>) };
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  supportsProgress = params.capabilities.window?.workDoneProgress === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
    },
    serverInfo: { name: 'provenance-lens' },
  };
});

connection.onInitialized(async () => {
  if (canPullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'provenanceLens' });
  await applySettings();
  // Documents opened before the settings arrived are waiting for a checker.
  checks.recheckAll();
  if (init.workspaceTrusted && settings.refreshTrustedRoot && !settings.offline && !settings.trustedRoot) {
    void trust.refresh(storagePath(), log).then((changed) => changed && rebuild());
  }
});

connection.onDidChangeConfiguration(async () => {
  await applySettings();
  checks.recheckAll();
});
// An .npmrc changed: registry, scopes or credentials may differ now.
connection.onDidChangeWatchedFiles(() => {
  checker?.reset();
  checks.recheckAll();
});
connection.onRequest(RecheckRequest, () => {
  rebuild();
  return null;
});
connection.onHover((params) => checks.hover(params.textDocument.uri, params.position));
documents.onDidChangeContent((event) => checks.changed(event.document));
documents.onDidClose((event) => checks.closed(event.document.uri));
connection.onShutdown(async () => {
  await checker?.dispose();
});

async function applySettings(): Promise<void> {
  if (canPullConfiguration) {
    const pulled = (await connection.workspace.getConfiguration('provenanceLens')) as Partial<Settings> | null;
    settings = { ...DEFAULT_SETTINGS, ...pulled, cache: { ...DEFAULT_SETTINGS.cache, ...pulled?.cache }, rules: { ...pulled?.rules } };
  }
  trust.configure(settings.trustedRoot);
  if (trust.problem) {
    log(trust.problem);
    void connection.window.showErrorMessage(`Provenance Lens: ${trust.problem}`);
  }
  rebuildChecker();
}

function rebuildChecker(): void {
  void checker?.dispose();
  checker = new Checker({
    trust: () => trust.get(),
    offline: settings.offline || !init.workspaceTrusted,
    cacheDir: settings.cache.enabled ? path.join(storagePath(), 'cache') : undefined,
    requireProvenance: settings.requireProvenance,
    allowProcessExecution: init.workspaceTrusted,
    env: process.env,
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    log,
  });
}

function rebuild(): void {
  rebuildChecker();
  checks.recheckAll();
}

function storagePath(): string {
  return init.storagePath ?? path.join(os.homedir(), '.cache', 'provenance-lens');
}

documents.listen(connection);
connection.listen();
