// SBOMs attested on images, opened from the provenance tree: the server verifies the attestation
// again and hands over the SBOM; it becomes a read-only document of its own scheme (so the server
// sees it like any SBOM and verifies its components) and opens in the review view.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ATTESTED_SBOM_SCHEME, OpenAttestedSbomRequest, type OpenAttestedSbomResult, type TreeNode } from '../../server/src/shared/protocol';
import { SBOM_REVIEW_VIEW } from './sbomReview';

export class AttestedSbomDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  constructor(private readonly client: () => LanguageClient | undefined) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '// This SBOM is opened from its image in the Provenance view ("Open Attested SBOM").\n';
  }

  /** "Open Attested SBOM" on an image's SBOM node; returns the document's URI (undefined when refused). */
  async open(node: TreeNode | undefined): Promise<string | undefined> {
    const client = this.client();
    if (!client || node?.sbomIndex === undefined) return undefined;
    const opened = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Verifying the SBOM attestation…' }, () =>
      client.sendRequest<OpenAttestedSbomResult>(OpenAttestedSbomRequest, { nodeId: node.id }),
    );
    if ('error' in opened) {
      void vscode.window.showErrorMessage(opened.error);
      return undefined;
    }
    this.texts.set(opened.uri, opened.text);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.parse(opened.uri), SBOM_REVIEW_VIEW);
    return opened.uri;
  }

  static register(context: vscode.ExtensionContext, client: () => LanguageClient | undefined): AttestedSbomDocuments {
    const documents = new AttestedSbomDocuments(client);
    context.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(ATTESTED_SBOM_SCHEME, documents),
      vscode.commands.registerCommand('provenanceLens.openAttestedSbom', (node?: TreeNode) => documents.open(node)),
    );
    return documents;
  }
}
