// `npm run test:e2e`: the extension in real VS Codes, one leg of test/e2e/legs.json after the other
// (the newest code-server on Node 24, and the oldest VS Code engines.vscode claims on Node 22).
// For each leg:
// 1. Serves recorded registry data on 127.0.0.1 and prepares a fresh fixture workspace with an .npmrc naming it.
// 2. Runs the extension-host suite (test/e2e/suite) — in that leg's code-server, started with the leg's
//    Node and driven by Debian's chromium (default, see DEVELOPERS.md), or under @vscode/test-electron
//    with the leg's VS Code version (E2E_HOST=electron) where VS Code can be downloaded.
// 3. (code-server) A UI test opens the workbench, the provenance view and a hover, and saves
//    screenshots named after the VS Code version to test-artifacts/.
// Then the SBOM review page in chromium (it needs no VS Code), and one line per leg; any failure fails.
// E2E_LEG=<name> runs one leg.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { chromium } from 'playwright-core';
import { cleanEnv } from '../support/env';
import { addSigstoreWithoutProvenance, breakSignature, tampered } from '../support/fixtureRegistry';
import { REPO_ROOT } from '../support/paths';
import { keySignedAttestationLayer } from '../support/bundles';
import { FIXTURES } from '../support/fixtureRegistry';
import { OciRegistry, registryAvailable } from '../support/ociRegistry';
import { TestRegistry } from '../support/registryServer';
import { TestPypiIndex, provenanceObject } from '../support/pypiIndex';
import { LocalSigstore } from '../support/localSigstore';
import { OidcIssuer } from '../support/oidcIssuer';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { LEGS, type Leg, installedCodeServer, startCodeServer } from './codeServer';
import { runSbomReviewTest } from './sbomReview';
import { runUiTest } from './ui';

const ROOT = REPO_ROOT;
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const SUITE = path.join(ROOT, 'out/test/e2e/suite');
const EXTENSION_ID = 'provenance-lens.provenance-lens-0.1.0';
const BASE_SETTINGS: Settings = {
  'provenanceLens.refreshTrustedRoot': false, // tests reach 127.0.0.1 only
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  // Newer VS Codes open a chat view beside the editors: hidden, the screenshots show the extension.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

type Settings = Record<string, unknown>;

export interface E2eContext {
  workspace: string;
  baseUrl: string;
  /** A screenshot's path in test-artifacts/, its name prefixed with the VS Code version. */
  screenshot: (name: string) => string;
  chromium: typeof chromium;
  log: (message: string) => void;
}

/** What one leg found: the extension host's own report of its VS Code and Node, and mocha's counts. */
interface LegResult {
  leg: Leg;
  code: number;
  vscode?: string;
  node?: string;
  passing?: number;
  failing?: number;
  pending?: number;
  ui?: number;
  seconds: number;
}

async function main(): Promise<number> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const legs = LEGS.filter((l) => !process.env.E2E_LEG || l.name === process.env.E2E_LEG);
  if (legs.length === 0) throw new Error(`no leg named ${process.env.E2E_LEG} in test/e2e/legs.json`);
  const results: LegResult[] = [];
  for (const leg of legs) results.push(await runLeg(leg));
  // The SBOM review page is the webview's own HTML and script in chromium: no VS Code involved, so once.
  const review = process.env.E2E_HOST === 'electron' ? 0 : await runSbomReviewTest(reviewContext());
  for (const r of results) process.stdout.write(`${summary(r)}\n`);
  if (process.env.E2E_HOST !== 'electron') process.stdout.write(`e2e: SBOM review page: ${review ? 'FAILED' : 'passed'}\n`);
  return results.some((r) => r.code !== 0) || review ? 1 : 0;
}

function summary(r: LegResult): string {
  const counts =
    r.passing === undefined
      ? 'no mocha summary'
      : [`${r.passing} passing`, r.failing ? `${r.failing} failing` : '', r.pending ? `${r.pending} pending` : ''].filter(Boolean).join(', ');
  const ui = r.ui === undefined ? '' : `; UI test ${r.ui ? 'FAILED' : 'passed'}`;
  return `e2e: VS Code ${r.vscode ?? `${r.leg.vscode}?`} (Node ${r.node?.replace(/^v/, '') ?? `${r.leg.node}?`}, code-server ${r.leg.codeServer}): ${counts}${ui} — ${r.code ? 'FAILED' : 'passed'} in ${r.seconds} s`;
}

function reviewContext(): E2eContext {
  return { workspace: '', baseUrl: '', screenshot: (name) => path.join(ARTIFACTS, `${name}.png`), chromium, log };
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

/** One leg, from fresh test servers and a fresh copy of the workspace (the suite edits it). */
async function runLeg(leg: Leg): Promise<LegResult> {
  const started = Date.now();
  log(`e2e: ${leg.name}: code-server ${leg.codeServer} (VS Code ${leg.vscode}) on Node ${leg.node}`);
  const registry = new TestRegistry();
  await registry.start();
  const scenario = tampered((s) => {
    // async@2.5.0's registry signature is tampered with: the suite expects it to be reported invalid.
    breakSignature(s, 'async', '2.5.0', 12);
    // sigstore@0.9.0 has no provenance and 1.0.0 has: the upgrade quick fix has somewhere to go.
    addSigstoreWithoutProvenance(s);
  });
  const base = registry.set('e2e', scenario);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `provenance-lens-e2e-${leg.name}-`));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(ROOT, 'test/e2e/workspace'), workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, '.npmrc'), `registry=${base}\n`);
  const settings: Settings = { ...BASE_SETTINGS };
  const images = await withSignedImage(workspace, tmp, settings);
  const python = await withPythonIndex(workspace);
  const signing = await withLocalSigstore(tmp, settings);
  const result: LegResult = { leg, code: 1, seconds: 0 };
  try {
    if (process.env.E2E_HOST === 'electron') result.code = await runInElectron(leg, workspace, tmp, settings);
    else await runInCodeServer(leg, workspace, tmp, settings, result);
    result.code = result.code || noSecretsIn(path.join(tmp, 'user'), signing.issuer.issuedTokens);
  } catch (error) {
    log(`e2e: ${leg.name}: ${(error as Error)?.stack ?? error}`);
    result.code = 1;
  } finally {
    await registry.stop();
    await images?.stop();
    await python.stop();
    await Promise.all([signing.sigstore.stop(), signing.issuer.stop()]);
  }
  result.seconds = Math.round((Date.now() - started) / 1000);
  return result;
}

/**
 * A private Sigstore (local Fulcio, Rekor, TSA) and OIDC issuer for the signing tests, named in the
 * settings; the trusted root is the public-good one (for the recorded npm data) plus the local
 * deployment's authorities, as a custom trusted_root.json.
 */
/**
 * A Python index on 127.0.0.1 and a requirements file naming it: one package with real PEP 740
 * provenance (test/fixtures/pypi), one without any.
 */
async function withPythonIndex(workspace: string): Promise<TestPypiIndex> {
  const index = new TestPypiIndex();
  await index.start();
  const file = fs.readFileSync(path.join(FIXTURES, 'pypi', 'gitlab_oidc_project-0.0.3.tar.gz'));
  const attestation = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pypi', 'gitlab_oidc_project-0.0.3.tar.gz.publish.attestation'), 'utf8'));
  const sha256 = crypto.createHash('sha256').update(file).digest('hex');
  index.projects.set('gitlab-oidc-project', [
    {
      filename: 'gitlab_oidc_project-0.0.3.tar.gz',
      sha256,
      provenance: provenanceObject(attestation, { kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml' }),
    },
  ]);
  index.projects.set('plain', [{ filename: 'plain-1.0.tar.gz', sha256: 'a'.repeat(64), provenance: null }]);
  fs.writeFileSync(path.join(workspace, 'requirements.txt'), `-i ${index.url}\ngitlab-oidc-project==0.0.3 --hash=sha256:${sha256}\nplain==1.0\n`);
  return index;
}

async function withLocalSigstore(tmp: string, settings: Settings): Promise<{ sigstore: LocalSigstore; issuer: OidcIssuer }> {
  const sigstore = new LocalSigstore();
  const issuer = new OidcIssuer('release@example.test');
  await Promise.all([sigstore.start(), issuer.start()]);
  const local = TrustedRoot.toJSON(sigstore.trust.root) as Record<string, unknown[]>;
  const merged = JSON.parse(fs.readFileSync(path.join(ROOT, 'resources/trusted_root.public-good.json'), 'utf8')) as Record<string, unknown[]>;
  for (const part of ['tlogs', 'certificateAuthorities', 'ctlogs', 'timestampAuthorities']) merged[part] = [...(merged[part] ?? []), ...(local[part] ?? [])];
  const rootFile = path.join(tmp, 'trusted_root.json');
  fs.writeFileSync(rootFile, JSON.stringify(merged));
  Object.assign(settings, {
    'provenanceLens.trustedRoot': rootFile,
    'provenanceLens.signing.fulcioUrl': sigstore.fulcioUrl,
    'provenanceLens.signing.rekorUrl': sigstore.rekorUrl,
    'provenanceLens.signing.tsaUrl': sigstore.tsaUrl,
    'provenanceLens.signing.oidcIssuer': issuer.url,
  });
  return { sigstore, issuer };
}

/** Identity tokens must never reach a log: every file VS Code wrote (output channels included) is searched. */
function noSecretsIn(userDir: string, tokens: string[]): number {
  const secrets = tokens.map((t) => t.split('.')[1]).filter(Boolean);
  if (secrets.length === 0) {
    process.stderr.write('e2e: no identity token was issued, so the signing test did not sign\n');
    return 1;
  }
  const files = fs.readdirSync(userDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  for (const entry of files) {
    const file = path.join(entry.parentPath, entry.name);
    const text = fs.readFileSync(file, 'latin1');
    if (secrets.some((secret) => text.includes(secret))) {
      process.stderr.write(`e2e: an identity token appears in ${file}\n`);
      return 1;
    }
  }
  process.stdout.write(`e2e: ${files.length} log and state files hold no identity token\n`);
  return 0;
}

/**
 * A real OCI registry with one image signed the way `cosign sign --key` signs, a Dockerfile in the
 * workspace that uses it, and the public key in the user settings. Skipped (with a message, and the
 * image tests then skip) where Debian's docker-registry is not installed.
 */
async function withSignedImage(workspace: string, tmp: string, settings: Settings): Promise<OciRegistry | undefined> {
  if (!registryAvailable()) {
    process.stdout.write('e2e: docker-registry is not installed; the image tests will be skipped\n');
    return undefined;
  }
  const images = new OciRegistry();
  await images.start();
  const { digest } = await images.pushImage('acme/web', '1.0');
  const signer = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await images.signWithKey('acme/web', digest, signer.privateKey);
  // An SBOM attested on the image (a real SPDX 3 SBOM, test/fixtures/sbom), for "Open Attested SBOM".
  const sbom = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sbom', 'k8s-bom-example11.spdx3.json'), 'utf8'));
  await images.attachAttestations('acme/web', digest, [keySignedAttestationLayer(digest, 'https://spdx.dev/Document', signer.privateKey, sbom)]);
  fs.writeFileSync(path.join(workspace, 'Dockerfile'), `FROM ${images.host}/acme/web:1.0\nCOPY . /app\n`);
  const keyFile = path.join(tmp, 'cosign.pub');
  fs.writeFileSync(keyFile, signer.publicKey.export({ format: 'pem', type: 'spki' }));
  Object.assign(settings, { 'provenanceLens.oci.keys': [{ path: keyFile, ignoreTlog: true }], 'provenanceLens.rules': { 'image-not-pinned': 'warning' } });
  return images;
}

async function runInCodeServer(leg: Leg, workspace: string, tmp: string, settings: Settings, result: LegResult): Promise<void> {
  installedCodeServer(leg); // or a clear message
  const userDir = path.join(tmp, 'user');
  const extensionsDir = path.join(tmp, 'extensions');
  const home = path.join(tmp, 'home');
  for (const dir of [path.join(userDir, 'User'), extensionsDir, home]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'User/settings.json'), JSON.stringify(settings, null, 2));
  // The unpacked extension loads from a link named <publisher>.<name>-<version>.
  fs.symlinkSync(ROOT, path.join(extensionsDir, EXTENSION_ID));
  const start = (purpose: string, extraArgs: string[]) =>
    startCodeServer({ leg, workspace, tmp, userDir, extensionsDir, home, purpose, artifacts: ARTIFACTS, extraArgs });

  const suiteServer = await start('suite', leg.suiteArgs ?? []);
  let code: number;
  try {
    const started = Date.now();
    const run = await runSuiteInBrowser(suiteServer.baseUrl, suiteServer.port, workspace);
    code = run.code;
    Object.assign(result, run.report);
    log(`e2e: ${leg.name}: extension-host suite: exit ${code} after ${Date.now() - started} ms`);
  } finally {
    await suiteServer.stop();
  }
  // The extension host must be the VS Code and Node this leg is about.
  if (result.vscode !== leg.vscode || !result.node?.startsWith(`v${leg.node}.`)) {
    log(`e2e: ${leg.name}: expected VS Code ${leg.vscode} on Node ${leg.node}, the extension host reported VS Code ${result.vscode} on Node ${result.node}`);
    code ||= 1;
  }
  // The UI test gets a server of its own, without the suite's test-only arguments.
  const uiServer = await start('ui', []);
  try {
    const label = `vscode-${leg.vscode}`;
    result.ui = await runUiTest({ workspace, baseUrl: uiServer.baseUrl, screenshot: (name) => path.join(ARTIFACTS, `${label}-${name}.png`), chromium, log });
  } finally {
    await uiServer.stop();
  }
  result.code = code || result.ui;
}

/**
 * VS Code web runs extension tests from a `payload` query parameter (the mechanism VS Code's own
 * browser integration tests use) and reports the result through window.codeAutomationExit. The
 * extension host's console comes through codeAutomationLog: the suite's first line names the VS Code
 * and Node it runs in, and mocha's spec reporter ends with its counts.
 */
async function runSuiteInBrowser(baseUrl: string, port: number, workspace: string): Promise<{ code: number; report: Partial<LegResult> }> {
  const browser = await chromium.launch(browserOptions());
  const report: Partial<LegResult> = {};
  try {
    const page = await browser.newPage();
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(SUITE)],
      ['skipWelcome', 'true'],
    ];
    let settle!: (code: number) => void;
    const exit = new Promise<number>((resolve) => (settle = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => settle(code));
    // The extension host's console, with its format strings (`%s`) applied.
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = util.format(...args);
      process.stdout.write(`${text}\n`);
      readReport(text, report);
    });
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(remote(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(124), 180_000).unref());
    return { code: await Promise.race([exit, timeout]), report };
  } finally {
    await browser.close();
  }
}

/** Picks the host line of suite/index.ts and mocha's "N passing/failing/pending" out of the host's console. */
function readReport(text: string, report: Partial<LegResult>): void {
  const host = /e2e host: VS Code (\S+), Node (\S+)/.exec(text);
  if (host) [report.vscode, report.node] = [host[1], host[2]];
  for (const [, count, kind] of text.matchAll(/^\s*(\d+) (passing|failing|pending)\b/gm)) report[kind as 'passing' | 'failing' | 'pending'] = Number(count);
}

/** The same suite in desktop VS Code of the leg's version (where it can be downloaded). */
async function runInElectron(leg: Leg, workspace: string, tmp: string, settings: Settings): Promise<number> {
  const { runTests } = await import('@vscode/test-electron');
  const userDir = path.join(tmp, 'user');
  fs.mkdirSync(path.join(userDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDir, 'User/settings.json'), JSON.stringify(settings, null, 2));
  return runTests({
    version: leg.vscode,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: SUITE,
    launchArgs: [workspace, '--user-data-dir', userDir, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: cleanEnv(),
  });
}

export function browserOptions() {
  return {
    executablePath: '/usr/bin/chromium',
    // Without the background-networking flags chromium keeps dialling hosts this machine cannot reach.
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  };
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
