// Tells the client which files' subtrees changed, at most a few times a second: results arrive
// by the thousand, and each notification makes the client re-read the expanded part of a subtree.

import type { Connection } from 'vscode-languageserver';
import { TreeChangedNotification } from '../shared/protocol';
import { Throttled } from './throttle';
import { fileIdOf } from './tree';

export class TreeChangeNotifier {
  private readonly pending = new Set<string>();
  private readonly flush = new Throttled(300, () => {
    const ids = [...this.pending];
    this.pending.clear();
    void this.connection.sendNotification(TreeChangedNotification, { ids });
  });

  constructor(private readonly connection: Connection) {}

  changed(uri: string): void {
    this.changedNode(fileIdOf(uri));
  }

  /** A node by id (one the client does not know yet makes it refresh the whole view). */
  changedNode(id: string): void {
    this.pending.add(id);
    this.flush.request();
  }
}
