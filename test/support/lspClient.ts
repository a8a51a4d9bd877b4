// Speaks LSP to the built server (dist/server.js) over stdio, the way an editor does.

import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
export { cleanEnv } from './env';
import { REPO_ROOT } from './paths';

export const SERVER = path.join(REPO_ROOT, 'dist', 'server.js');

export class LspClient {
  readonly connection: MessageConnection;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly logs: string[] = [];
  /** What the server wrote to its standard error. */
  readonly stderr: string[] = [];
  private readonly process: ChildProcess;
  private readonly waiters: Array<() => void> = [];

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly settings: Record<string, unknown>,
  ) {
    this.process = spawn(process.execPath, [SERVER, '--stdio'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    // Kept for tests that read what the server logs, and shown as before.
    this.process.stderr!.on('data', (chunk: Buffer) => {
      this.stderr.push(chunk.toString());
      process.stderr.write(chunk);
    });
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, [...(this.diagnostics.get(p.uri) ?? []), p]);
      this.wake();
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => this.logs.push(p.message));
    this.connection.onNotification((method, params) => {
      this.notifications.push({ method, params });
      this.wake();
    });
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.settings));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    // A crashed server must fail the test at once, not leave requests waiting forever.
    this.process.on('exit', () => this.connection.dispose());
    this.connection.listen();
  }

  /** The server process, for measurements. */
  get pid(): number {
    return this.process.pid!;
  }

  async initialize(initializationOptions: unknown, rootUri: string): Promise<unknown> {
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true } },
      initializationOptions,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, languageId = 'json'): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  change(uri: string, version: number, text: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Waits until `predicate` holds for the newest diagnostics of `uri`. */
  async waitForDiagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 15000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const latest = this.diagnostics.get(uri)?.at(-1);
      if (latest && predicate(latest)) return latest;
      if (Date.now() > deadline) throw new Error(`timed out waiting for diagnostics of ${uri}; last: ${JSON.stringify(latest?.diagnostics)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** Waits until the newest notification of `method` satisfies `predicate`. */
  async waitForNotification<T>(method: string, predicate: (params: T) => boolean, timeoutMs = 15000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const newest = this.notifications.filter((n) => n.method === method).at(-1);
      if (newest && predicate(newest.params as T)) return newest.params as T;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${method}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  async shutdown(): Promise<void> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    this.connection.dispose();
    await new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) resolve();
      else this.process.once('exit', () => resolve());
      setTimeout(() => {
        this.process.kill();
        resolve();
      }, 3000);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
