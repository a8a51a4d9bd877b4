// The language server: wiring only. Each handler forwards to a feature module.

import { pluginSettings } from './core/ecosystems/registry';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  type InitializeParams,
  type InitializeResult,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
} from 'vscode-languageserver/node';
import * as fs from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { Checker } from './core/checker';
import { fileKind } from './core/fileKinds';
import { findManifestFiles, isSkippedPath } from './core/workspaceFiles';
import { readTextIfExists } from './core/readText';
import { POLICY_FILE } from './core/trust/policy';
import type { PublicKeyEntry } from './core/trust/signers';
import { codeActions } from './features/codeActions';
import { DocumentChecks } from './features/documentChecks';
import { WorkspaceProgress } from './features/progress';
import { ProvenanceTree } from './features/tree';
import { TreeChangeNotifier } from './features/treeChanges';
import { Throttled } from './features/throttle';
import { TrustStore } from './features/trustStore';
import { ARTIFACTS_ID, ArtifactChecks } from './features/artifacts';
import { AttestedSboms } from './features/attestedSboms';
import { verifyGithubAttestation } from './features/githubAttestation';
import {
  DEFAULT_SETTINGS,
  type InitializationOptions,
  RecheckPackageRequest,
  RecheckRequest,
  type Settings,
  type TreeChildrenParams,
  TreeChildrenRequest,
  TreeNodeRequest,
  TreeSearchRequest,
  type VerifyArtifactParams,
  VerifyArtifactRequest,
  ExternalUriRequest,
  type SignFilesParams,
  SignFilesRequest,
  GenerateSbomRequest,
  SbomReviewRequest,
  SbomDiffRequest,
  VerifyGithubAttestationRequest,
  type GithubAttestationParams,
  OpenAttestedSbomRequest,
} from './shared/protocol';
import { diffInventories, inventoryOfFile } from './core/sbom/diff';
import { diffReport, provenanceOfChanges } from './core/sbom/diffProvenance';
import { reviewModel } from './core/sbom/review';
import { generateCycloneDx } from './core/sbom/generate';
import { SESSION_KEY_VARIABLE } from './shared/sealed';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const trust = new TrustStore();
let settings: Settings = DEFAULT_SETTINGS;
let init: InitializationOptions = { workspaceTrusted: false };
let checker: Checker | undefined;
let canPullConfiguration = false;
let supportsProgress = false;
let workspaceFolders: string[] = [];
let canRefreshInlayHints = false;
let settingsApplied!: () => void;
const settingsReady = new Promise<void>((resolve) => (settingsApplied = resolve));

const log = (message: string) => connection.console.log(`[${new Date().toISOString()}] ${message}`);

const checks = new DocumentChecks({
  connection,
  checker: () => checker,
  settings: () => settings,
  disabledReason: () => (!init.workspaceTrusted ? 'Restricted mode: this workspace is not trusted, so nothing is fetched or run.' : trust.problem),
  trustSource: () => trust.get().source,
  log,
  progress: new WorkspaceProgress(
    connection,
    () => supportsProgress,
    () => checks.cancelAll(),
  ),
  fileChanged: (uri) => treeChanges.changed(uri),
  inlayHintsChanged: () => inlayRefresh.request(),
});
// The extension's key for sealed secrets; kept from child processes (npm) this server runs.
const sessionKey = process.env[SESSION_KEY_VARIABLE];
delete process.env[SESSION_KEY_VARIABLE];
const artifacts = new ArtifactChecks({
  checker: () => checker,
  trust: () => trust.get(),
  changed: (uri) => {
    treeChanges.changedNode(ARTIFACTS_ID);
    if (checks.file(uri)) treeChanges.changed(uri);
  },
  settings: () => settings,
  workspaceTrusted: () => init.workspaceTrusted,
  sessionKey,
  openBrowser: async (url) => {
    const { success } = await connection.window.showDocument({ uri: url, external: true });
    if (!success) throw new Error('the editor could not open the sign-in page');
  },
  externalUri: (uri) => connection.sendRequest<string>(ExternalUriRequest, { uri }),
});
const tree = new ProvenanceTree(
  () => checks.files(),
  (uri) => checks.file(uri),
  () => workspaceFolders,
  artifacts,
);
const treeChanges = new TreeChangeNotifier(connection);
const attestedSboms = new AttestedSboms({ checker: () => checker, tree, file: (uri) => checks.file(uri), workspaceTrusted: () => init.workspaceTrusted });
const inlayRefresh = new Throttled(500, () => {
  if (canRefreshInlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
});

connection.onInitialize((params: InitializeParams): InitializeResult => {
  init = { workspaceTrusted: false, ...(params.initializationOptions as Partial<InitializationOptions>) };
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  supportsProgress = params.capabilities.window?.workDoneProgress === true;
  canRefreshInlayHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceFolders = folders.filter((u) => u.startsWith('file:')).map((u) => URI.parse(u).fsPath);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      inlayHintProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'provenance-lens' },
  };
});

connection.onInitialized(async () => {
  if (canPullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'provenanceLens' });
  await applySettings();
  settingsApplied();
  // Documents opened before the settings arrived are waiting for a checker.
  checks.recheckAll();
  for (const file of await findManifestFiles(workspaceFolders, log)) {
    const uri = URI.file(file).toString();
    if (!documents.get(uri)) readFromDisk(uri);
  }
  if (init.workspaceTrusted && settings.refreshTrustedRoot && !settings.offline && !settings.trustedRoot) {
    void trust.refresh(storagePath(), settings.tuf, log).then((changed) => changed && rebuild());
  }
});

connection.onDidChangeConfiguration(async () => {
  await applySettings();
  checks.recheckAll();
  inlayRefresh.request();
});
connection.onDidChangeWatchedFiles(({ changes }) => {
  let configChanged = false;
  for (const change of changes) {
    const file = URI.parse(change.uri).fsPath;
    const kind = fileKind(file);
    // An .npmrc or a saved policy changed: registry, credentials or the rules may differ now.
    if (file.endsWith('.npmrc') || kind === 'policy') configChanged = true;
    if (kind && !isSkippedPath(file) && !documents.get(change.uri)) readFromDisk(change.uri);
  }
  if (configChanged) {
    checker?.reset();
    checks.recheckAll();
  }
});
connection.onRequest(RecheckRequest, () => {
  rebuild();
  return null;
});
connection.onHover((params) => checks.hover(params.textDocument.uri, params.position));
connection.languages.inlayHint.on((params) => checks.inlayHints(params.textDocument.uri, { start: params.range.start.line, end: params.range.end.line }));
connection.onCodeAction(async (params) => {
  const checked = checks.checkedAt(params.textDocument.uri, params.range.start);
  if (!checked || !checker) return [];
  const file = URI.parse(params.textDocument.uri).fsPath;
  const policy = await checker.policyFor(path.dirname(file));
  const policyFile = policy.file ?? path.join(workspaceFolderOf(file), POLICY_FILE);
  return codeActions({
    uri: params.textDocument.uri,
    checked,
    diagnostics: params.context.diagnostics,
    policy,
    policyFolder: workspaceFolderOf(file),
    policyText: documents.get(URI.file(policyFile).toString())?.getText() ?? readTextIfExists(policyFile),
    documentText: documents.get(params.textDocument.uri)?.getText() ?? readTextIfExists(file) ?? '',
  });
});
// Signing goes where the settings say, and verifying follows the policy: both wait for the settings.
connection.onRequest(SignFilesRequest, async (params: SignFilesParams, token) => {
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort());
  await settingsReady;
  return artifacts.sign(params, controller.signal);
});
connection.onRequest(VerifyArtifactRequest, async (params: VerifyArtifactParams) => {
  await settingsReady;
  return artifacts.verify(params);
});
connection.onRequest(VerifyGithubAttestationRequest, async (params: GithubAttestationParams, token) => {
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort());
  await settingsReady;
  return verifyGithubAttestation(params, { settings, trust: trust.get(), workspaceTrusted: init.workspaceTrusted, env: process.env }, controller.signal);
});
connection.onRequest(GenerateSbomRequest, (params: { folder: string }) => {
  const folder = URI.parse(params.folder).fsPath;
  const inside = checks.inventory().filter((f) => !path.relative(folder, f.file).startsWith('..'));
  return generateCycloneDx(inside, { name: path.basename(folder) });
});
connection.onRequest(SbomReviewRequest, (params: { uri: string }) => {
  const view = checks.file(params.uri);
  const signature = artifacts.signatureOf(params.uri) ?? attestedSboms.signatureOf(params.uri);
  return view?.parsed.sbom ? reviewModel(view.parsed.sbom, view.parsed.dependencies, (d) => view.result(d), signature) : null;
});
connection.onRequest(OpenAttestedSbomRequest, (params: { nodeId: string }, token) => {
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort());
  return attestedSboms.open(params.nodeId, controller.signal);
});
connection.onRequest(SbomDiffRequest, async (params: { before: string; after: string }) => {
  const inventories = [];
  for (const uri of [params.before, params.after]) {
    const file = URI.parse(uri).fsPath;
    const text = documents.get(uri)?.getText() ?? readTextIfExists(file);
    const inventory = text === undefined ? { error: `${path.basename(file)} cannot be read.` } : inventoryOfFile(file, text);
    if ('error' in inventory) return inventory;
    inventories.push(inventory);
  }
  const diff = diffInventories(inventories[0], inventories[1]);
  // Provenance of what changed, through the same checker (and so the same cache and configuration).
  const provenance = checker && diff.changed.length > 0 ? await provenanceOfChanges(diff.changed, checker, URI.parse(params.after).fsPath) : undefined;
  return diffReport(diff, provenance);
});
connection.onRequest(TreeChildrenRequest, (params: TreeChildrenParams) => tree.children(params.parentId, params.problemsOnly));
connection.onRequest(TreeNodeRequest, (params: { id: string }) => tree.node(params.id) ?? null);
connection.onRequest(TreeSearchRequest, (params: { query: string }) => tree.search(params.query));
connection.onRequest(RecheckPackageRequest, (params: { id: string }) => {
  const target = tree.dependencyOf(params.id);
  if (target) checks.recheckDependency(target.uri, target.dependency);
  return null;
});
documents.onDidChangeContent((event) => checks.update(event.document.uri, event.document.getText(), event.document.version));
// A closed file goes back to its saved content (it is still part of the workspace), or away.
documents.onDidClose((event) => readFromDisk(event.document.uri));
connection.onShutdown(async () => {
  await checker?.dispose();
});

async function applySettings(): Promise<void> {
  if (canPullConfiguration) {
    const pulled = (await connection.workspace.getConfiguration('provenanceLens')) as Partial<Settings> | null;
    settings = {
      ...DEFAULT_SETTINGS,
      ...pulled,
      cache: { ...DEFAULT_SETTINGS.cache, ...pulled?.cache },
      tuf: { ...DEFAULT_SETTINGS.tuf, ...pulled?.tuf },
      oci: { ...DEFAULT_SETTINGS.oci, ...pulled?.oci },
      python: { ...DEFAULT_SETTINGS.python, ...pulled?.python },
      github: { ...DEFAULT_SETTINGS.github, ...pulled?.github },
      maven: { ...DEFAULT_SETTINGS.maven, ...pulled?.maven },
      helm: { ...DEFAULT_SETTINGS.helm, ...pulled?.helm },
      signing: { ...DEFAULT_SETTINGS.signing, ...pulled?.signing },
      rules: { ...pulled?.rules },
    };
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
    // The workspace's storage is the workspace's own: signers first seen here are remembered here.
    signerMemoryFile: path.join(storagePath(), 'signers.json'),
    requireProvenance: settings.requireProvenance,
    allowProcessExecution: init.workspaceTrusted,
    env: process.env,
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    imageKeys: imageKeysFrom(settings),
    insecureRegistries: settings.oci.insecureRegistries,
    ecosystemSettings: pluginSettings((key) => key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], settings)),
    log,
  });
}

function rebuild(): void {
  rebuildChecker();
  checks.recheckAll();
}

/** Configured cosign keys; an unreadable one is logged and left out (its signatures then do not verify). */
function imageKeysFrom(s: Settings): PublicKeyEntry[] {
  return s.oci.keys.flatMap((k) => {
    const pem = readTextIfExists(k.path);
    if (!pem) log(`cosign key ${k.path} cannot be read`);
    return pem ? [{ name: path.basename(k.path), pem, ignoreTlog: k.ignoreTlog }] : [];
  });
}

/** The workspace folder holding `file`, or its own folder outside any workspace folder. */
function workspaceFolderOf(file: string): string {
  return workspaceFolders.find((f) => !path.relative(f, file).startsWith('..')) ?? path.dirname(file);
}

/** A file that is not open in the editor: its saved content is what we verify. */
function readFromDisk(uri: string): void {
  fs.readFile(URI.parse(uri).fsPath, 'utf8', (error, text) => {
    if (documents.get(uri)) return; // opened meanwhile: the editor's text wins
    if (error) checks.forget(uri);
    else checks.update(uri, text);
  });
}

function storagePath(): string {
  return init.storagePath ?? path.join(os.homedir(), '.cache', 'provenance-lens');
}

documents.listen(connection);
connection.listen();
