// Signing and verifying local files from the editor. The server signs (keyless: it runs the
// sign-in and asks the editor to open the authorization page, which lands in `openBrowser`; with
// a key: the key from VS Code's secret storage or a file and the passphrase the user types, sealed
// for the server) and verifies. This side remembers the signers the user confirmed, per workspace,
// and shows verdicts. Tokens, keys and passphrases are never logged.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { generateSigningKey } from '../../server/src/shared/keys';
import { seal } from '../../server/src/shared/sealed';
import { bundleBeside, signedFileOf } from '../../server/src/shared/bundleFiles';
import {
  type AcceptedSigner,
  type ArtifactReport,
  type SignedFileReport,
  SignFilesRequest,
  type SignFilesParams,
  VerifyArtifactRequest,
  VerifyGithubAttestationRequest,
  type GithubAttestationParams,
  type GithubAttestationReport,
  type VerifyArtifactParams,
} from '../../server/src/shared/protocol';

const ACCEPTED_KEY = 'provenanceLens.acceptedSigners';
const SECRET_KEY = 'provenanceLens.signingKey';

interface StoredKey {
  privateKeyPem: string;
  publicKeyPem: string;
}

export class Signing implements vscode.Disposable {
  /** Shows the sign-in page; the end-to-end tests replace it to play the browser. */
  openBrowser = async (url: string): Promise<void> => {
    if (!(await vscode.env.openExternal(vscode.Uri.parse(url)))) throw new Error('the browser could not be opened');
  };
  readonly diagnostics = vscode.languages.createDiagnosticCollection('provenanceLens.signatures');

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly context: vscode.ExtensionContext,
    /** Shared with the server through its environment: seals the signing key's passphrase. */
    private readonly sessionKey: string,
  ) {}

  dispose(): void {
    this.diagnostics.dispose();
  }

  /** "Sign with Sigstore" on one or more files; `sbom` signs them as SBOM attestations. */
  async sign(uris: vscode.Uri[], sbom = false): Promise<SignedFileReport[]> {
    const client = this.client();
    const files = uris.filter((u) => u.scheme === 'file' && !signedFileOf(u.fsPath));
    if (!client || files.length === 0) return [];
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Provenance Lens signs only in a trusted workspace: signing sends data to Sigstore.');
      return [];
    }
    const params: SignFilesParams = { uris: files.map((u) => u.toString()), sbom };
    if (vscode.workspace.getConfiguration('provenanceLens.signing').get<string>('method', 'keyless') === 'key') {
      const sealedKey = await this.sealedKey();
      if (!sealedKey) return [];
      params.sealedKey = sealedKey;
    }
    const title = `Signing ${files.length === 1 ? vscode.workspace.asRelativePath(files[0]) : `${files.length} files`} with Sigstore${params.sealedKey ? '' : ' — sign in in your browser'}`;
    const reports = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, cancel) =>
      client.sendRequest<SignedFileReport[]>(SignFilesRequest, params, cancel),
    );
    for (const report of reports) void this.announce(report);
    // You signed it: your identity is one you expect for these files.
    for (const r of reports) if (r.ok && r.subject && r.issuer) await this.accept({ subject: r.subject, issuer: r.issuer });
    for (const r of reports) if (r.ok) await this.verify(vscode.Uri.parse(r.uri), false);
    return reports;
  }

  /**
   * "Verify Sigstore signature": checks the file against the bundle beside it. Interactive: a valid
   * signature by a signer nobody confirmed yet is offered for confirmation, and the verdict is shown.
   */
  async verify(uri: vscode.Uri, interactive = true): Promise<ArtifactReport | undefined> {
    const client = this.client();
    const signed = signedFileOf(uri.fsPath);
    const file = signed ? vscode.Uri.file(signed) : uri;
    if (!client || file.scheme !== 'file') return undefined;
    const ask = () =>
      client.sendRequest<ArtifactReport>(VerifyArtifactRequest, { uri: file.toString(), accepted: this.accepted() } satisfies VerifyArtifactParams);
    let report = await ask();
    if (interactive && report.code === 'identity-unconfirmed' && report.subject && report.issuer) {
      const trust = `Trust ${report.subject}`;
      const choice = await vscode.window.showInformationMessage(
        `${vscode.workspace.asRelativePath(file)} is signed by ${report.subject} (issuer ${report.issuer}). Trust this signer for files in this workspace?`,
        trust,
        'Not now',
      );
      if (choice === trust) {
        await this.accept({ subject: report.subject, issuer: report.issuer });
        report = await ask();
      }
    }
    this.show(file, report);
    if (interactive) {
      const message = `${vscode.workspace.asRelativePath(file)}: ${report.verdict}. ${report.reason}`;
      const notify =
        report.verdict === 'verified'
          ? vscode.window.showInformationMessage
          : report.verdict === 'unverifiable'
            ? vscode.window.showWarningMessage
            : vscode.window.showErrorMessage;
      void notify(message);
    }
    return report;
  }

  /**
   * "Verify GitHub Artifact Attestation…": asks for the owner or OWNER/REPO the file should come
   * from (remembered per workspace), and says what GitHub's attestations for it show.
   */
  async verifyGithubAttestation(uri: vscode.Uri, expected?: string): Promise<GithubAttestationReport | undefined> {
    const client = this.client();
    if (!client || uri.scheme !== 'file') return undefined;
    const remembered = this.context.workspaceState.get<string>('provenanceLens.githubOwner');
    const answer =
      expected ??
      (await vscode.window.showInputBox({
        title: `Where should ${vscode.workspace.asRelativePath(uri)} come from?`,
        prompt: 'A GitHub owner (organisation or user), or OWNER/REPO',
        value: remembered,
        validateInput: (v) => (/^[\w.-]+(\/[\w.-]+)?$/.test(v.trim()) ? undefined : 'An owner, or OWNER/REPO'),
      }));
    if (!answer) return undefined;
    const target = answer.trim();
    await this.context.workspaceState.update('provenanceLens.githubOwner', target);
    const params: GithubAttestationParams = target.includes('/') ? { uri: uri.toString(), repo: target } : { uri: uri.toString(), owner: target };
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Checking GitHub artifact attestations…' }, () =>
      client.sendRequest<GithubAttestationReport>(VerifyGithubAttestationRequest, params),
    );
    const message = `${vscode.workspace.asRelativePath(uri)}: ${report.verdict}. ${report.reason}`;
    const notify =
      report.verdict === 'verified'
        ? vscode.window.showInformationMessage
        : report.verdict === 'unverifiable'
          ? vscode.window.showWarningMessage
          : vscode.window.showErrorMessage;
    void notify(message);
    return report;
  }

  /** Opening (or saving) a file with a bundle beside it verifies it quietly: problems become a diagnostic. */
  async verifyIfSigned(document: vscode.TextDocument): Promise<void> {
    const uri = document.uri;
    if (uri.scheme !== 'file') return;
    const file = signedFileOf(uri.fsPath) ?? uri.fsPath;
    if (bundleBeside(file) && fs.existsSync(file)) await this.verify(vscode.Uri.file(file), false);
  }

  /**
   * Makes a key pair; the private key (encrypted with the user's passphrase) goes to VS Code's secret
   * storage or a file the user chooses, which then becomes the signing key; the public key is saved
   * where the user says, for verifiers.
   */
  async generateKey(): Promise<StoredKey | undefined> {
    const secretStorage = "Keep it in VS Code's secret storage";
    const where = await vscode.window.showQuickPick([secretStorage, 'Save it to a file…'], {
      title: 'Where should the new private key (encrypted with your passphrase) be kept?',
    });
    if (!where) return undefined;
    const passphrase = await this.askPassphrase('A passphrase to protect the new signing key', true);
    if (!passphrase) return undefined;
    const pair = generateSigningKey(passphrase);
    const stored = { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
    if (where === secretStorage) {
      await this.context.secrets.store(SECRET_KEY, JSON.stringify(stored));
    } else {
      const keyFile = await vscode.window.showSaveDialog({
        title: 'Save the encrypted private key',
        defaultUri: vscode.Uri.file('cosign.key'),
        filters: { 'Encrypted PEM private key': ['key', 'pem'] },
      });
      if (!keyFile) return undefined;
      await vscode.workspace.fs.writeFile(keyFile, Buffer.from(pair.privateKey));
      fs.chmodSync(keyFile.fsPath, 0o600);
      await vscode.workspace.getConfiguration('provenanceLens.signing').update('keyFile', keyFile.fsPath, vscode.ConfigurationTarget.Global);
    }
    await vscode.workspace.getConfiguration('provenanceLens.signing').update('method', 'key', vscode.ConfigurationTarget.Global);
    const target = await vscode.window.showSaveDialog({
      title: 'Save the public key (others verify with it)',
      defaultUri: vscode.Uri.file('cosign.pub'),
      filters: { 'PEM public key': ['pub', 'pem'] },
    });
    if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(pair.publicKey));
    void vscode.window.showInformationMessage(
      `Signing key generated (${where === secretStorage ? "in VS Code's secret storage" : 'in the file you chose'}); "Sign with Sigstore" now signs with it.`,
    );
    return stored;
  }

  accepted(): AcceptedSigner[] {
    return this.context.workspaceState.get<AcceptedSigner[]>(ACCEPTED_KEY, []);
  }

  async forgetAccepted(): Promise<void> {
    await this.context.workspaceState.update(ACCEPTED_KEY, []);
  }

  private async accept(signer: AcceptedSigner): Promise<void> {
    const known = this.accepted();
    if (!known.some((s) => s.subject === signer.subject && s.issuer === signer.issuer))
      await this.context.workspaceState.update(ACCEPTED_KEY, [...known, signer]);
  }

  /** The key file the settings name, else the key in secret storage (made on first use), with its passphrase, sealed for the server. */
  private async sealedKey(): Promise<string | undefined> {
    const keyFile = vscode.workspace.getConfiguration('provenanceLens.signing').get<string>('keyFile', '');
    let privateKeyPem: string | undefined;
    if (keyFile) {
      try {
        privateKeyPem = fs.readFileSync(keyFile, 'utf8');
      } catch {
        void vscode.window.showErrorMessage(`Provenance Lens cannot read the signing key ${keyFile}.`);
        return undefined;
      }
    } else {
      const stored = await this.context.secrets.get(SECRET_KEY);
      privateKeyPem = stored ? (JSON.parse(stored) as StoredKey).privateKeyPem : (await this.generateKey())?.privateKeyPem;
    }
    const passphrase = privateKeyPem && (await this.askPassphrase('The passphrase of your signing key', false));
    return privateKeyPem && passphrase ? seal(this.sessionKey, JSON.stringify({ privateKeyPem, passphrase })) : undefined;
  }

  private async askPassphrase(prompt: string, confirm: boolean): Promise<string | undefined> {
    const first = await vscode.window.showInputBox({
      prompt,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : 'A passphrase is needed'),
    });
    if (!first || !confirm) return first;
    const again = await vscode.window.showInputBox({ prompt: 'The same passphrase again', password: true, ignoreFocusOut: true });
    if (again !== first) void vscode.window.showErrorMessage('The passphrases differ; no key was made.');
    return again === first ? first : undefined;
  }

  private async announce(r: SignedFileReport): Promise<void> {
    const name = vscode.workspace.asRelativePath(vscode.Uri.parse(r.uri));
    if (!r.ok) {
      void vscode.window.showErrorMessage(`${name} was not signed: ${r.error}`);
      return;
    }
    const who = r.subject ? `${r.subject} (${r.issuer})` : `key ${r.keyHint?.slice(0, 16)}…`;
    const log = r.logIndex ? `, transparency log entry ${r.logIndex}` : ', without a transparency-log entry';
    const open = 'Open Log Entry';
    const choice = await vscode.window.showInformationMessage(`Signed ${name} as ${who}${log}.`, ...(r.logEntryUrl ? [open] : []));
    if (choice === open && r.logEntryUrl) await vscode.env.openExternal(vscode.Uri.parse(r.logEntryUrl));
  }

  private show(file: vscode.Uri, report: ArtifactReport): void {
    if (report.verdict === 'verified') {
      this.diagnostics.delete(file);
      return;
    }
    const severity =
      report.verdict === 'invalid' || report.verdict === 'policy-violation'
        ? vscode.DiagnosticSeverity.Error
        : report.code === 'identity-unconfirmed'
          ? vscode.DiagnosticSeverity.Information
          : vscode.DiagnosticSeverity.Warning;
    const hint = report.code === 'identity-unconfirmed' ? ' Run "Verify Sigstore Signature" to confirm the signer.' : '';
    const diagnostic = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `Sigstore signature: ${report.verdict}. ${report.reason}${hint}`, severity);
    diagnostic.source = 'Provenance Lens';
    diagnostic.code = report.code;
    this.diagnostics.set(file, [diagnostic]);
  }
}

/**
 * The loopback redirect as the browser reaches it: in a remote workspace VS Code forwards the port
 * (still a loopback address and the same path, which issuers accept); any other mapping (a web
 * proxy path) is not one an issuer would accept, so the plain loopback address is kept.
 */
export async function loopbackAsSeenByBrowser(redirectUri: string): Promise<string> {
  const original = vscode.Uri.parse(redirectUri);
  const external = await vscode.env.asExternalUri(original);
  const forwarded = external.scheme === 'http' && /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(external.authority) && external.path === original.path;
  return forwarded ? external.toString(true) : redirectUri;
}
