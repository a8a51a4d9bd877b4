// Per-file state for every manifest and lockfile we know: open in the editor (its text comes from
// the editor) or found in the workspace (its text comes from disk). Each change is parsed at once
// (cheap, synchronous); earlier verdicts are kept for dependencies that did not change, and only
// what is new is verified, in the background, after a short pause in typing. A newer edit cancels
// the older verification of the same file.

import type { Connection, Hover, InlayHint, Position } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { CheckedDependency, Checker } from '../core/checker';
import { type ParsedFile, laterProblems, parseFile } from '../core/fileKinds';
import type { Dependency, ParseProblem } from '../core/dependency';
import type { PackageResult } from '../core/result';
import { type Settings, type StatusParams, StatusNotification } from '../shared/protocol';
import { toDiagnostics } from './diagnostics';
import { dependencyAt, hoverFor } from './hover';
import { inlayHints } from './inlayHints';
import { Throttled } from './throttle';
import type { WorkspaceProgress } from './progress';

/** What other features (the tree view) may read of a file's state. */
export interface FileView {
  readonly uri: string;
  readonly parsed: ParsedFile;
  /** Increases whenever the file's parse or any of its results change. */
  readonly revision: number;
  result(dependency: Dependency): PackageResult | undefined;
}

interface FileState {
  uri: string;
  version?: number;
  revision: number;
  parsed: ParsedFile;
  /** Problems found after the parse, asynchronously (an SBOM's schema validation). */
  laterProblems?: ParseProblem[];
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
  progress: WorkspaceProgress;
  /** Called (often) when a file's dependencies or results changed. */
  fileChanged(uri: string): void;
  /** Called when results change: the client should ask for inlay hints again. */
  inlayHintsChanged(): void;
}

const DEBOUNCE_MS = 250;
/** Above this size (a lockfile of thousands of packages) a parse costs tens of milliseconds: wait for a pause in typing. */
const LARGE_TEXT = 256 * 1024;
const LARGE_PARSE_DELAY_MS = 150;

export class DocumentChecks {
  private readonly states = new Map<string, FileState>();
  /** Parses of large files waiting for a pause in typing. */
  private readonly pendingParses = new Map<string, NodeJS.Timeout>();
  private readonly statusUpdate = new Throttled(50, () => void this.host.connection.sendNotification(StatusNotification, this.status()));

  constructor(private readonly host: DocumentChecksHost) {}

  /** New text for a file (an edit, an open, or a read from disk). Files we do not read are ignored. */
  update(uri: string, text: string, version?: number): void {
    this.dropPendingParse(uri);
    if (text.length > LARGE_TEXT && this.states.has(uri)) {
      this.pendingParses.set(
        uri,
        setTimeout(() => this.parseNow(uri, text, version), LARGE_PARSE_DELAY_MS),
      );
      return;
    }
    this.parseNow(uri, text, version);
  }

  private parseNow(uri: string, text: string, version?: number): void {
    this.dropPendingParse(uri);
    const file = URI.parse(uri).fsPath;
    const parsed = parseFile(file, text);
    if (!parsed) return;
    const previous = this.states.get(uri);
    this.cancel(previous);
    const results = new Map<string, PackageResult>();
    for (const dependency of parsed.dependencies) {
      const known = previous?.results.get(identity(dependency));
      if (known) results.set(identity(dependency), known);
    }
    // The previous schema problems stay until the new text is validated (after a pause), rather than blink.
    const state: FileState = { uri, version, revision: (previous?.revision ?? 0) + 1, parsed, results, laterProblems: previous?.laterProblems };
    this.states.set(uri, state);
    this.publish(state);
    state.timer = setTimeout(
      () => {
        void this.verify(state);
        void this.validateLater(state, text);
      },
      previous ? DEBOUNCE_MS : 0,
    );
  }

  /** Schema validation (SBOMs) after a pause in typing; kept only if the file has not changed since. */
  private async validateLater(state: FileState, text: string): Promise<void> {
    if (!state.parsed.sbom) return;
    const problems = await laterProblems(text, state.parsed);
    if (this.states.get(state.uri) !== state) return;
    state.laterProblems = problems;
    this.publish(state);
  }

  /** The file is gone (deleted, or closed and not part of the workspace). */
  forget(uri: string): void {
    this.dropPendingParse(uri);
    this.cancel(this.states.get(uri));
    this.states.delete(uri);
    void this.host.connection.sendDiagnostics({ uri, diagnostics: [] });
    this.scheduleStatus();
  }

  files(): FileView[] {
    return [...this.states.values()].map((s) => this.view(s));
  }

  /** Every file with what it declares and the results so far (for generating an SBOM). */
  inventory(): Array<{ file: string; parsed: ParsedFile; checked: CheckedDependency[] }> {
    return [...this.states.values()].map((s) => ({ file: URI.parse(s.uri).fsPath, parsed: s.parsed, checked: this.checked(s) }));
  }

  file(uri: string): FileView | undefined {
    const state = this.states.get(uri);
    return state && this.view(state);
  }

  /** Verifies one dependency again, bypassing the cache. */
  recheckDependency(uri: string, dependency: Dependency): void {
    const state = this.states.get(uri);
    if (!state) return;
    state.results.delete(identity(dependency));
    this.publish(state);
    void this.verify(state, [dependency], true);
  }

  private view(state: FileState): FileView {
    return { uri: state.uri, parsed: state.parsed, revision: state.revision, result: (d) => state.results.get(identity(d)) };
  }

  inlayHints(uri: string, visible: { start: number; end: number }): InlayHint[] {
    const state = this.states.get(uri);
    return state ? inlayHints(this.checked(state), this.host.settings(), visible) : [];
  }

  hover(uri: string, position: Position): Hover | undefined {
    const hit = this.checkedAt(uri, position);
    return hit ? hoverFor(hit) : undefined;
  }

  /** The verified dependency whose name or version is at `position`. */
  checkedAt(uri: string, position: Position): CheckedDependency | undefined {
    const state = this.states.get(uri);
    return state && dependencyAt(this.checked(state), position);
  }

  /** Forgets every verdict and verifies every file again. */
  recheckAll(): void {
    for (const state of this.states.values()) {
      this.cancel(state);
      state.results.clear();
      this.publish(state);
      void this.verify(state);
    }
  }

  /** Stops every verification under way (the user cancelled the progress). */
  cancelAll(): void {
    for (const state of this.states.values()) this.cancel(state);
  }

  private dropPendingParse(uri: string): void {
    clearTimeout(this.pendingParses.get(uri));
    this.pendingParses.delete(uri);
  }

  private cancel(state: FileState | undefined): void {
    state?.controller?.abort();
    if (state?.timer) clearTimeout(state.timer);
  }

  private async verify(state: FileState, only?: Dependency[], fresh = false): Promise<void> {
    state.timer = undefined;
    const checker = this.host.checker();
    if (!checker || this.host.disabledReason()) {
      this.scheduleStatus();
      return;
    }
    const todo = only ?? state.parsed.dependencies.filter((d) => !state.results.has(identity(d)));
    if (todo.length === 0) return;
    // A single re-check runs beside the file's own verification rather than cancelling it.
    const controller = new AbortController();
    if (!only) state.controller = controller;
    const current = () => !controller.signal.aborted && this.states.get(state.uri) === state;
    let publishTimer: NodeJS.Timeout | undefined;
    const file = URI.parse(state.uri).fsPath;
    const progress = this.host.progress.track(todo.length);
    try {
      await checker.verify(
        file,
        { ...state.parsed, dependencies: todo },
        controller.signal,
        (c) => {
          progress.completed(1);
          if (!current()) return;
          state.results.set(identity(c.dependency), c.result);
          // Batch publications: thousands of results must not mean thousands of diagnostics messages.
          publishTimer ??= setTimeout(() => {
            publishTimer = undefined;
            this.publish(state);
          }, 100);
        },
        fresh,
      );
    } catch (error) {
      this.host.log(`verification of ${file} failed: ${(error as Error).stack ?? error}`);
    } finally {
      progress.finished();
      if (publishTimer) clearTimeout(publishTimer);
      if (this.states.get(state.uri) === state) this.publish(state);
    }
  }

  private checked(state: FileState): CheckedDependency[] {
    const out: CheckedDependency[] = [];
    for (const dependency of state.parsed.dependencies) {
      const result = state.results.get(identity(dependency));
      if (result) out.push({ dependency, result });
    }
    return out;
  }

  private publish(state: FileState): void {
    state.revision++;
    this.host.fileChanged(state.uri);
    this.host.inlayHintsChanged();
    const diagnostics = toDiagnostics([...state.parsed.problems, ...(state.laterProblems ?? [])], this.checked(state), this.host.settings());
    void this.host.connection.sendDiagnostics({ uri: state.uri, version: state.version, diagnostics });
    this.scheduleStatus();
  }

  private scheduleStatus(): void {
    this.statusUpdate.request();
  }

  status(): StatusParams {
    const status: StatusParams = {
      verified: 0,
      unsigned: 0,
      invalid: 0,
      unverifiable: 0,
      policyViolation: 0,
      pending: 0,
      trustSource: this.host.trustSource(),
    };
    for (const state of this.states.values()) {
      for (const dependency of state.parsed.dependencies) {
        const r = state.results.get(identity(dependency));
        if (!r) status.pending++;
        else if (r.verdict === 'policy-violation') status.policyViolation++;
        else status[r.verdict]++;
      }
    }
    status.disabledReason = this.host.disabledReason();
    const queue = this.host.checker()?.scheduler.progress;
    if (queue) Object.assign(status, { queued: queue.queued, running: queue.running, cancelled: queue.cancelled });
    return status;
  }
}

/** What makes two dependency entries the same for verification, whatever their position. */
function identity(d: Dependency): string {
  return `${d.group}\n${d.location ?? ''}\n${d.name}\n${d.spec}\n${d.integrity ?? ''}`;
}
