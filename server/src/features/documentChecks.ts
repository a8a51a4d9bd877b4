// Per-document state: parse on every change (cheap, synchronous), keep earlier verdicts for
// dependencies that did not change, and verify only what is new, in the background, after a
// short pause in typing. A newer edit cancels the older verification of the same document.

import type { Connection, Hover, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { type CheckedDependency, type Checker, type ParsedFile, parseFile } from '../core/checker';
import type { Dependency } from '../core/parsers/types';
import type { PackageResult } from '../core/result';
import { type Settings, type StatusParams, StatusNotification } from '../protocol';
import { toDiagnostics } from './diagnostics';
import { dependencyAt, hoverFor } from './hover';

interface DocumentState {
  uri: string;
  version: number;
  parsed: ParsedFile;
  /** Results by dependency identity; survives edits that do not touch the dependency. */
  results: Map<string, PackageResult>;
  controller?: AbortController;
  timer?: NodeJS.Timeout;
}

export interface DocumentChecksHost {
  connection: Connection;
  checker(): Checker | undefined;
  settings(): Settings;
  /** Why verification is off (restricted mode, broken trusted root), or undefined. */
  disabledReason(): string | undefined;
  trustSource(): string;
  log(message: string): void;
  supportsProgress: boolean;
}

const DEBOUNCE_MS = 250;

export class DocumentChecks {
  private readonly states = new Map<string, DocumentState>();
  private statusTimer?: NodeJS.Timeout;

  constructor(private readonly host: DocumentChecksHost) {}

  changed(document: TextDocument): void {
    const file = URI.parse(document.uri).fsPath;
    const parsed = parseFile(file, document.getText());
    if (!parsed) return;
    const previous = this.states.get(document.uri);
    previous?.controller?.abort();
    if (previous?.timer) clearTimeout(previous.timer);
    const results = new Map<string, PackageResult>();
    for (const dependency of parsed.dependencies) {
      const known = previous?.results.get(identity(dependency));
      if (known) results.set(identity(dependency), known);
    }
    const state: DocumentState = { uri: document.uri, version: document.version, parsed, results };
    this.states.set(document.uri, state);
    this.publish(state);
    state.timer = setTimeout(() => void this.verify(state), previous ? DEBOUNCE_MS : 0);
  }

  closed(uri: string): void {
    const state = this.states.get(uri);
    state?.controller?.abort();
    if (state?.timer) clearTimeout(state.timer);
    this.states.delete(uri);
    void this.host.connection.sendDiagnostics({ uri, diagnostics: [] });
    this.scheduleStatus();
  }

  hover(uri: string, position: Position): Hover | undefined {
    const state = this.states.get(uri);
    const hit = state && dependencyAt(this.checked(state), position);
    return hit ? hoverFor(hit) : undefined;
  }

  /** Forgets every verdict and verifies every open document again. */
  recheckAll(): void {
    for (const state of this.states.values()) {
      state.controller?.abort();
      state.results.clear();
      this.publish(state);
      void this.verify(state);
    }
  }

  /** Re-publishes diagnostics (after a settings change that only affects presentation). */
  republishAll(): void {
    for (const state of this.states.values()) this.publish(state);
  }

  private async verify(state: DocumentState): Promise<void> {
    state.timer = undefined;
    const checker = this.host.checker();
    if (!checker || this.host.disabledReason()) {
      this.scheduleStatus();
      return;
    }
    const todo = state.parsed.dependencies.filter((d) => !state.results.has(identity(d)));
    if (todo.length === 0) return;
    const controller = new AbortController();
    state.controller = controller;
    const progress = this.host.supportsProgress && todo.length > 1 ? await this.host.connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('Provenance Lens', 0, `Verifying ${todo.length} packages`, true);
    progress?.token.onCancellationRequested(() => controller.abort());
    let done = 0;
    let publishTimer: NodeJS.Timeout | undefined;
    const file = URI.parse(state.uri).fsPath;
    try {
      await checker.verify(file, { ...state.parsed, dependencies: todo }, controller.signal, (c) => {
        if (controller.signal.aborted || this.states.get(state.uri) !== state) return;
        state.results.set(identity(c.dependency), c.result);
        done++;
        progress?.report(Math.round((done / todo.length) * 100), `${done}/${todo.length}`);
        // Batch publications: thousands of results must not mean thousands of diagnostics messages.
        publishTimer ??= setTimeout(() => {
          publishTimer = undefined;
          this.publish(state);
        }, 100);
      });
    } catch (error) {
      this.host.log(`verification of ${file} failed: ${(error as Error).stack ?? error}`);
    } finally {
      if (publishTimer) clearTimeout(publishTimer);
      progress?.done();
      if (this.states.get(state.uri) === state) this.publish(state);
    }
  }

  private checked(state: DocumentState): CheckedDependency[] {
    const out: CheckedDependency[] = [];
    for (const dependency of state.parsed.dependencies) {
      const result = state.results.get(identity(dependency));
      if (result) out.push({ dependency, result });
    }
    return out;
  }

  private publish(state: DocumentState): void {
    const diagnostics = toDiagnostics(state.parsed.problems, this.checked(state), this.host.settings());
    void this.host.connection.sendDiagnostics({ uri: state.uri, version: state.version, diagnostics });
    this.scheduleStatus();
  }

  private scheduleStatus(): void {
    this.statusTimer ??= setTimeout(() => {
      this.statusTimer = undefined;
      void this.host.connection.sendNotification(StatusNotification, this.status());
    }, 50);
  }

  status(): StatusParams {
    const status: StatusParams = { verified: 0, unsigned: 0, invalid: 0, unverifiable: 0, policyViolation: 0, pending: 0, trustSource: this.host.trustSource() };
    for (const state of this.states.values()) {
      for (const dependency of state.parsed.dependencies) {
        const r = state.results.get(identity(dependency));
        if (!r) status.pending++;
        else if (r.verdict === 'policy-violation') status.policyViolation++;
        else status[r.verdict]++;
      }
    }
    status.disabledReason = this.host.disabledReason();
    return status;
  }
}

/** What makes two dependency entries the same for verification, whatever their position. */
function identity(d: Dependency): string {
  return `${d.group}\n${d.location ?? ''}\n${d.name}\n${d.spec}\n${d.integrity ?? ''}`;
}
