// One progress indicator for the whole workspace, however many files are being verified:
// it begins when the first package is queued and ends when the last one is done.

import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver';

export interface ProgressTicket {
  completed(n: number): void;
  /** Call once when the batch ends, whether or not every package completed (cancellation). */
  finished(): void;
}

export class WorkspaceProgress {
  private total = 0;
  private done = 0;
  private reporter?: Promise<WorkDoneProgressServerReporter | undefined>;

  constructor(
    private readonly connection: Connection,
    private readonly supported: () => boolean,
    private readonly onCancel: () => void,
  ) {}

  track(count: number): ProgressTicket {
    this.total += count;
    this.ensureStarted();
    let remaining = count;
    return {
      completed: (n) => {
        remaining -= n;
        this.done += n;
        void this.report();
      },
      finished: () => {
        // Packages that never completed (cancelled) still leave the total.
        this.done += remaining;
        remaining = 0;
        void this.report();
      },
    };
  }

  private ensureStarted(): void {
    if (this.reporter || !this.supported()) return;
    this.reporter = this.connection.window.createWorkDoneProgress().then(
      (reporter) => {
        reporter.begin('Provenance Lens', 0, 'Verifying packages', true);
        reporter.token.onCancellationRequested(() => this.onCancel());
        return reporter;
      },
      () => undefined,
    );
  }

  private async report(): Promise<void> {
    const pending = this.reporter;
    if (!pending) return;
    const reporter = await pending;
    if (this.done >= this.total) {
      if (this.reporter === pending) {
        this.reporter = undefined;
        this.total = 0;
        this.done = 0;
      }
      reporter?.done();
      return;
    }
    reporter?.report(Math.floor((this.done / this.total) * 100), `${this.done}/${this.total} packages`);
  }
}
