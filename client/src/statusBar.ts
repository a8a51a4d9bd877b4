// The status-bar summary (opens the tree view) and the progress notification for the first full
// verification of the session.

import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/shared/protocol';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('provenanceLens.status', vscode.StatusBarAlignment.Left, 10);
  private firstRun?: { resolve: () => void; report: (done: number) => void };
  private firstRunShown = false;
  private highestPending = 0;
  /** The newest status, for tests and commands. */
  last?: StatusParams;

  constructor() {
    this.item.name = 'Provenance Lens';
    this.item.command = 'provenanceLens.tree.focus';
    this.item.text = '$(shield) Provenance';
    this.item.show();
  }

  update(s: StatusParams): void {
    this.last = s;
    this.render(s);
    this.trackFirstRun(s);
  }

  dispose(): void {
    this.firstRun?.resolve();
    this.item.dispose();
  }

  private render(s: StatusParams): void {
    if (s.disabledReason) {
      this.item.text = '$(shield) Provenance: off';
      this.item.tooltip = s.disabledReason;
      this.item.backgroundColor = undefined;
      return;
    }
    const parts = [`$(shield) ${s.verified}`];
    if (s.invalid) parts.push(`$(error) ${s.invalid}`);
    if (s.unsigned + s.policyViolation) parts.push(`$(warning) ${s.unsigned + s.policyViolation}`);
    if (s.unverifiable) parts.push(`$(question) ${s.unverifiable}`);
    if (s.pending) parts.push(`$(sync~spin) ${s.pending}`);
    this.item.text = parts.join(' ');
    this.item.tooltip = [
      `Verified: ${s.verified}`,
      `Invalid: ${s.invalid}`,
      `Unsigned: ${s.unsigned}`,
      `Policy violations: ${s.policyViolation}`,
      `Unverifiable: ${s.unverifiable}`,
      `Pending: ${s.pending}`,
      `Trusted root: ${s.trustSource}`,
      '',
      'Click to open the provenance view.',
    ].join('\n');
    this.item.backgroundColor = s.invalid ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  /** One notification for the session's first full verification; later ones show only in the status bar. */
  private trackFirstRun(s: StatusParams): void {
    if (s.pending > 0 && !this.firstRunShown && !s.disabledReason) {
      this.firstRunShown = true;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Provenance Lens: verifying dependencies' },
        (progress) =>
          new Promise<void>((resolve) => {
            let reported = 0;
            this.firstRun = {
              resolve,
              report: (done) => {
                const pct = Math.floor((done / Math.max(this.highestPending, 1)) * 100);
                progress.report({ increment: pct - reported, message: `${done} of ${this.highestPending}` });
                reported = pct;
              },
            };
          }),
      );
    }
    if (!this.firstRun) return;
    this.highestPending = Math.max(this.highestPending, s.pending);
    if (s.pending === 0) {
      this.firstRun.resolve();
      this.firstRun = undefined;
    } else {
      this.firstRun.report(this.highestPending - s.pending);
    }
  }
}
