// The SBOM review view: a custom editor (opened beside the text, or with "Open With…") whose
// webview shows the model the server builds for the SBOM (rows with verdicts, counts, graph).
// Follows VS Code's webview guidance: a content security policy with a nonce, local assets only,
// theme colours. The data is refreshed while verdicts are still arriving.

import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SbomDiffRequest, SbomReviewRequest } from '../../server/src/shared/protocol';
import { REVIEW_BODY } from './sbomReviewPage';

export const SBOM_REVIEW_VIEW = 'provenanceLens.sbomReview';
const REFRESH_MS = 1000;
const REFRESH_FOR_MS = 120_000;

export class SbomReviewProvider implements vscode.CustomTextEditorProvider {
  /** Open review views by document, to show a comparison in. */
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
    /** Verifies the bundle beside the SBOM (if any), so the view can say who signed it. */
    private readonly verifySignature: (document: vscode.TextDocument) => Promise<void>,
  ) {}

  async resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): Promise<void> {
    const assets = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'sbomReview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [assets] };
    panel.webview.html = html(panel.webview, assets);
    let timer: NodeJS.Timeout | undefined;
    const started = Date.now();
    const send = async () => {
      const model = await this.client()?.sendRequest<{ rows: Array<{ verdict: string }> } | null>(SbomReviewRequest, { uri: document.uri.toString() });
      if (!model) {
        void panel.webview.postMessage({ type: 'model', model: { format: '', rows: [], counts: {}, licenses: {}, graph: { roots: [], children: {} } } });
        return;
      }
      await panel.webview.postMessage({ type: 'model', model });
      // Verdicts still arriving: ask again in a moment (for a while).
      const pending = model.rows.some((r) => r.verdict === 'pending');
      if (pending && Date.now() - started < REFRESH_FOR_MS) timer = setTimeout(() => void send(), REFRESH_MS);
    };
    const subscriptions = [
      panel.webview.onDidReceiveMessage(async (message: { type: string; line?: number }) => {
        if (message.type === 'ready') {
          await this.verifySignature(document).catch(() => undefined);
          await send();
        }
        if (message.type === 'reveal' && typeof message.line === 'number') {
          const position = new vscode.Position(message.line, 0);
          await vscode.window.showTextDocument(document, {
            viewColumn: vscode.ViewColumn.Beside,
            selection: new vscode.Range(position, position),
            preserveFocus: false,
          });
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== document.uri.toString()) return;
        clearTimeout(timer);
        timer = setTimeout(() => void send(), REFRESH_MS);
      }),
    ];
    this.panels.set(document.uri.toString(), panel);
    panel.onDidDispose(() => {
      clearTimeout(timer);
      subscriptions.forEach((s) => s.dispose());
      this.panels.delete(document.uri.toString());
    });
  }

  /**
   * "Compare SBOM with…": opens the review of `sbom` and shows what changed from `other` (another
   * SBOM, or a lockfile) to it, with the provenance of changed components.
   */
  async compare(sbom: vscode.Uri, other: vscode.Uri): Promise<unknown> {
    const report = await this.client()?.sendRequest<{ error?: string }>(SbomDiffRequest, { before: other.toString(), after: sbom.toString() });
    if (!report || report.error) {
      void vscode.window.showErrorMessage(`Provenance Lens cannot compare: ${report?.error ?? 'the server is not running'}`);
      return report;
    }
    await vscode.commands.executeCommand('vscode.openWith', sbom, SBOM_REVIEW_VIEW, vscode.ViewColumn.Beside);
    const panel = this.panels.get(sbom.toString());
    await panel?.webview.postMessage({ type: 'diff', against: vscode.workspace.asRelativePath(other), diff: report });
    return report;
  }
}

function html(webview: vscode.Webview, assets: vscode.Uri): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(assets, name)).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('review.css')}">
<title>SBOM review</title>
</head>
<body>
${REVIEW_BODY}
<script nonce="${nonce}" src="${asset('review.js')}"></script>
</body>
</html>`;
}
