// The provenance tree view. The server owns the tree (see server/src/features/tree.ts); this
// provider asks for one level at a time and keeps one object per node id, so a change can be
// announced for exactly the subtree that changed instead of refreshing the whole view.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  type TreeChildrenParams,
  TreeChildrenRequest,
  TreeChangedNotification,
  type TreeNode,
  TreeNodeRequest,
  type TreeVerdict,
} from '../../server/src/shared/protocol';

const ICONS: Record<TreeVerdict, [string, string | undefined]> = {
  verified: ['pass', 'testing.iconPassed'],
  unsigned: ['warning', 'list.warningForeground'],
  'policy-violation': ['shield', 'list.warningForeground'],
  invalid: ['error', 'list.errorForeground'],
  unverifiable: ['question', 'disabledForeground'],
  pending: ['sync', undefined],
  absent: ['circle-slash', 'disabledForeground'],
};

const EVIDENCE_ICONS: Record<NonNullable<TreeNode['evidence']>, string> = {
  signature: 'key',
  provenance: 'verified',
  source: 'git-commit',
  workflow: 'github-action',
  builder: 'tools',
  signer: 'account',
  log: 'book',
  attestation: 'checklist',
  finding: 'warning',
};

export class ProvenanceTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  private readonly nodes = new Map<string, TreeNode>();
  private readonly changes = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changes.event;
  problemsOnly = false;

  constructor(private readonly client: () => LanguageClient | undefined) {}

  /** Subscribes to the server's change notifications (call after each client start). */
  attach(client: LanguageClient): vscode.Disposable {
    return client.onNotification(TreeChangedNotification, (params: { ids: string[] }) => void this.refreshNodes(params.ids));
  }

  setProblemsOnly(value: boolean): void {
    this.problemsOnly = value;
    this.refreshAll();
  }

  refreshAll(): void {
    this.nodes.clear();
    this.changes.fire(undefined);
  }

  async getChildren(element?: TreeNode): Promise<TreeNode[]> {
    const client = this.client();
    if (!client?.isRunning()) return [];
    const params: TreeChildrenParams = { parentId: element?.id, problemsOnly: this.problemsOnly };
    const children = await client.sendRequest<TreeNode[]>(TreeChildrenRequest, params);
    return children.map((node) => this.keep(node));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    if (node.tooltip) item.tooltip = new vscode.MarkdownString(node.tooltip);
    item.iconPath = iconFor(node);
    // contextValue drives which inline actions and menu items apply (package.json "menus").
    const flags = [
      node.kind,
      node.purl ? 'purl' : '',
      node.logEntryUrl ? 'log' : '',
      node.commitUrl ? 'commit' : '',
      node.artifactUri ? 'artifact' : '',
      node.sbomIndex !== undefined ? 'attestedSbom' : '',
    ].filter(Boolean);
    item.contextValue = flags.join(' ');
    // Packages jump to their line on click; files expand on click (a file has nothing better to show).
    if (node.uri && node.kind === 'package') {
      item.command = { command: 'provenanceLens.revealInEditor', title: 'Reveal in Editor', arguments: [node] };
    }
    if (node.sbomIndex !== undefined) item.command = { command: 'provenanceLens.openAttestedSbom', title: 'Open Attested SBOM', arguments: [node] };
    return item;
  }

  async getParent(node: TreeNode): Promise<TreeNode | undefined> {
    if (!node.parentId) return undefined;
    const known = this.nodes.get(node.parentId);
    if (known) return known;
    const parent = await this.client()?.sendRequest<TreeNode | null>(TreeNodeRequest, { id: node.parentId });
    return parent ? this.keep(parent) : undefined;
  }

  /** Reuses the object already shown for an id, so VS Code recognises it on a change event. */
  keep(node: TreeNode): TreeNode {
    const existing = this.nodes.get(node.id);
    if (!existing) {
      this.nodes.set(node.id, node);
      return node;
    }
    for (const key of Object.keys(existing)) delete (existing as unknown as Record<string, unknown>)[key];
    return Object.assign(existing, node);
  }

  private async refreshNodes(ids: string[]): Promise<void> {
    const client = this.client();
    for (const id of ids) {
      const shown = this.nodes.get(id);
      const fresh = shown && (await client?.sendRequest<TreeNode | null>(TreeNodeRequest, { id }));
      // A file we have not shown yet, or one that is gone, changes the top level.
      if (!shown || !fresh || (this.problemsOnly && !isProblem(fresh))) {
        this.refreshAll();
        return;
      }
      this.changes.fire(this.keep(fresh));
    }
  }
}

function isProblem(node: TreeNode): boolean {
  return node.verdict === 'invalid' || node.verdict === 'unsigned' || node.verdict === 'policy-violation';
}

function iconFor(node: TreeNode): vscode.ThemeIcon {
  if (node.kind === 'file') {
    const [, color] = ICONS[node.verdict ?? 'pending'];
    return new vscode.ThemeIcon('package', color ? new vscode.ThemeColor(color) : undefined);
  }
  if (node.kind === 'evidence' && node.evidence && node.evidence !== 'signature' && node.evidence !== 'provenance') {
    return new vscode.ThemeIcon(EVIDENCE_ICONS[node.evidence], node.evidence === 'finding' ? new vscode.ThemeColor('list.warningForeground') : undefined);
  }
  const [icon, color] = ICONS[node.verdict ?? 'pending'];
  return new vscode.ThemeIcon(node.verdict === 'pending' ? 'sync~spin' : icon, color ? new vscode.ThemeColor(color) : undefined);
}
