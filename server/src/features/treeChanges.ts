// Tells the client which files' subtrees changed, at most a few times a second: results arrive
// by the thousand, and each notification makes the client re-read the expanded part of a subtree.

import type { Connection } from 'vscode-languageserver';
import { TreeChangedNotification } from '../protocol';
import { fileIdOf } from './tree';

const INTERVAL_MS = 300;

export class TreeChangeNotifier {
  private readonly pending = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly connection: Connection) {}

  changed(uri: string): void {
    this.pending.add(fileIdOf(uri));
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const ids = [...this.pending];
      this.pending.clear();
      void this.connection.sendNotification(TreeChangedNotification, { ids });
    }, INTERVAL_MS);
  }
}
