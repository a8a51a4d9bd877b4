// `npm run test:e2e`: the extension in a real VS Code.
// 1. Serves recorded registry data on 127.0.0.1 and prepares the fixture workspace with an .npmrc naming it.
// 2. Runs the extension-host suite (test/e2e/suite) — in code-server driven by Debian's chromium
//    (default, see DEVELOPERS.md), or under @vscode/test-electron with E2E_HOST=electron where VS Code
//    can be downloaded.
// 3. (code-server) A UI test opens the workbench, the provenance view and a hover, and saves
//    screenshots to test-artifacts/.

import { type ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
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
import { runSbomReviewTest } from './sbomReview';
import { runUiTest } from './ui';

const ROOT = REPO_ROOT;
const E2E = path.join(ROOT, '.e2e');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const SUITE = path.join(ROOT, 'out/test/e2e/suite');
const EXTENSION_ID = 'provenance-lens.provenance-lens-0.1.0';
const SETTINGS: Record<string, unknown> = {
  'provenanceLens.refreshTrustedRoot': false, // tests reach 127.0.0.1 only
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
};

export interface E2eContext {
  workspace: string;
  baseUrl: string;
  artifacts: string;
  chromium: typeof chromium;
  log: (message: string) => void;
}

async function main(): Promise<number> {
  const registry = new TestRegistry();
  await registry.start();
  const scenario = tampered((s) => {
    // async@2.5.0's registry signature is tampered with: the suite expects it to be reported invalid.
    breakSignature(s, 'async', '2.5.0', 12);
    // sigstore@0.9.0 has no provenance and 1.0.0 has: the upgrade quick fix has somewhere to go.
    addSigstoreWithoutProvenance(s);
  });
  const base = registry.set('e2e', scenario);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'provenance-lens-e2e-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(ROOT, 'test/e2e/workspace'), workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, '.npmrc'), `registry=${base}\n`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const images = await withSignedImage(workspace, tmp);
  const python = await withPythonIndex(workspace);
  const signing = await withLocalSigstore(tmp);
  try {
    const code = process.env.E2E_HOST === 'electron' ? await runInElectron(workspace, tmp) : await runInCodeServer(workspace, tmp);
    return code || noSecretsIn(path.join(tmp, 'user'), signing.issuer.issuedTokens);
  } finally {
    await registry.stop();
    await images?.stop();
    await python.stop();
    await Promise.all([signing.sigstore.stop(), signing.issuer.stop()]);
  }
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
  index.projects.set('gitlab-oidc-project', [{ filename: 'gitlab_oidc_project-0.0.3.tar.gz', sha256, provenance: provenanceObject(attestation, { kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml' }) }]);
  index.projects.set('plain', [{ filename: 'plain-1.0.tar.gz', sha256: 'a'.repeat(64), provenance: null }]);
  fs.writeFileSync(path.join(workspace, 'requirements.txt'), `-i ${index.url}\ngitlab-oidc-project==0.0.3 --hash=sha256:${sha256}\nplain==1.0\n`);
  return index;
}

async function withLocalSigstore(tmp: string): Promise<{ sigstore: LocalSigstore; issuer: OidcIssuer }> {
  const sigstore = new LocalSigstore();
  const issuer = new OidcIssuer('release@example.test');
  await Promise.all([sigstore.start(), issuer.start()]);
  const local = TrustedRoot.toJSON(sigstore.trust.root) as Record<string, unknown[]>;
  const merged = JSON.parse(fs.readFileSync(path.join(ROOT, 'resources/trusted_root.public-good.json'), 'utf8')) as Record<string, unknown[]>;
  for (const part of ['tlogs', 'certificateAuthorities', 'ctlogs', 'timestampAuthorities']) merged[part] = [...(merged[part] ?? []), ...(local[part] ?? [])];
  const rootFile = path.join(tmp, 'trusted_root.json');
  fs.writeFileSync(rootFile, JSON.stringify(merged));
  Object.assign(SETTINGS, {
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
async function withSignedImage(workspace: string, tmp: string): Promise<OciRegistry | undefined> {
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
  Object.assign(SETTINGS, { 'provenanceLens.oci.keys': [{ path: keyFile, ignoreTlog: true }], 'provenanceLens.rules': { 'image-not-pinned': 'warning' } });
  return images;
}

async function runInCodeServer(workspace: string, tmp: string): Promise<number> {
  const binary = path.join(E2E, 'node_modules/.bin/code-server');
  if (!fs.existsSync(binary)) throw new Error('code-server is not installed: run test/e2e/install.sh (npm run test:e2e does)');
  const userDir = path.join(tmp, 'user');
  const extensionsDir = path.join(tmp, 'extensions');
  const home = path.join(tmp, 'home');
  for (const dir of [path.join(userDir, 'User'), extensionsDir, home]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'User/settings.json'), JSON.stringify(SETTINGS, null, 2));
  // The unpacked extension loads from a link named <publisher>.<name>-<version>.
  fs.symlinkSync(ROOT, path.join(extensionsDir, EXTENSION_ID));
  const port = await freePort();
  const config = path.join(tmp, 'code-server.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const server = spawn(
    binary,
    [
      '--config', config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', '--extensions-dir', extensionsDir, '--user-data-dir', userDir, workspace,
    ],
    { env: cleanEnv({ HOME: home }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const serverLog = fs.createWriteStream(path.join(ARTIFACTS, 'code-server.log'));
  server.stdout!.pipe(serverLog);
  server.stderr!.pipe(serverLog);
  const baseUrl = `http://127.0.0.1:${port}`;
  const log = (m: string) => process.stdout.write(`${m}\n`);
  try {
    await waitForHealth(baseUrl, server);
    const started = Date.now();
    const code = await runSuiteInBrowser(baseUrl, port, workspace);
    log(`extension-host suite: exit ${code} after ${Date.now() - started} ms`);
    const context = { workspace, baseUrl, artifacts: ARTIFACTS, chromium, log };
    const ui = await runUiTest(context);
    const review = await runSbomReviewTest(context);
    return code || ui || review;
  } finally {
    server.kill();
  }
}

/**
 * VS Code web runs extension tests from a `payload` query parameter (the mechanism VS Code's own
 * browser integration tests use) and reports the result through window.codeAutomationExit.
 */
async function runSuiteInBrowser(baseUrl: string, port: number, workspace: string): Promise<number> {
  const browser = await chromium.launch(browserOptions());
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
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => process.stdout.write(`${util.format(...args)}\n`));
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(remote(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(124), 180_000).unref());
    return await Promise.race([exit, timeout]);
  } finally {
    await browser.close();
  }
}

async function runInElectron(workspace: string, tmp: string): Promise<number> {
  const { runTests } = await import('@vscode/test-electron');
  const userDir = path.join(tmp, 'user');
  fs.mkdirSync(path.join(userDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDir, 'User/settings.json'), JSON.stringify(SETTINGS, null, 2));
  return runTests({
    version: '1.100.3',
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
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  };
}

async function waitForHealth(baseUrl: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}; see test-artifacts/code-server.log`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('code-server did not become healthy within 30 s');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
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
