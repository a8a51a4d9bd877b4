// Local artifacts in the editor: signing files with Sigstore (keyless after a sign-in the server
// runs, the editor opening the authorization page; or with the user's key, handed over sealed),
// verifying a file against the bundle beside it, and the "Signed files" part of the provenance
// tree with each verdict and its evidence. The signer expected for a file comes
// from the policy's `artifacts` rule, else from the signers the user confirmed in this workspace.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { Checker } from '../core/checker';
import type { SbomSignature } from '../core/sbom/review';
import { signingTime } from '../core/result';
import { signingEndpoints } from '../core/signing/endpoints';
import { rekorEntryUrl } from '../core/trust/trustedRoot';
import { DEFAULT_OIDC_CLIENT_ID, DEFAULT_OIDC_ISSUER, identityHttpClient, interactiveIdentityToken } from '../core/signing/identityToken';
import { KeyError, openSigningKey } from '../shared/keys';
import { unseal } from '../shared/sealed';
import type { SigningIdentity } from '../core/signing/signArtifact';
import { BUNDLE_SUFFIX, bundleBeside } from '../shared/bundleFiles';
import { signFiles } from '../core/signing/signFiles';
import type { TrustContext } from '../core/trust/trustedRoot';
import { verifyArtifact } from '../core/artifacts/artifactVerifier';
import { coded } from '../core/reasons';
import type { ArtifactReport, Settings, SignedFileReport, SignFilesParams, TreeNode, VerifyArtifactParams } from '../shared/protocol';

export const ARTIFACTS_ID = 'artifacts';
const PROBLEMS = new Set(['invalid', 'unsigned', 'policy-violation']);

export interface ArtifactDeps {
  checker: () => Checker | undefined;
  trust: () => TrustContext;
  settings: () => Settings;
  workspaceTrusted: () => boolean;
  /** The key the extension seals secrets with (from this server's environment). */
  sessionKey: string | undefined;
  /** Shows the issuer's authorization page in the user's browser. */
  openBrowser: (url: string) => Promise<void>;
  /** The loopback redirect as the browser reaches it. */
  externalUri: (uri: string) => Promise<string>;
  /** The tree's "Signed files" part changed, and the node of the file whose signature was verified. */
  changed: (uri: string) => void;
}

export class ArtifactChecks {
  private readonly reports = new Map<string, ArtifactReport>();

  constructor(private readonly deps: ArtifactDeps) {}

  async sign(params: SignFilesParams, signal: AbortSignal): Promise<SignedFileReport[]> {
    const fail = (error: string) => params.uris.map((uri) => ({ uri, ok: false, error }));
    if (!this.deps.workspaceTrusted()) return fail('this workspace is not trusted, so nothing is sent to Sigstore');
    const settings = this.deps.settings();
    let identity: SigningIdentity;
    if (params.sealedKey !== undefined) {
      const opened = this.deps.sessionKey ? unseal(this.deps.sessionKey, params.sealedKey) : undefined;
      if (!opened) return fail('the signing key did not arrive intact');
      try {
        const { privateKeyPem, passphrase } = JSON.parse(opened) as { privateKeyPem: string; passphrase: string };
        identity = { kind: 'key', privateKey: openSigningKey(privateKeyPem, passphrase) };
      } catch (error) {
        return fail(error instanceof KeyError ? error.message : 'the signing key cannot be read');
      }
    } else {
      const http = identityHttpClient(process.env, settings.timeoutMs);
      identity = {
        kind: 'oidc',
        token: () =>
          interactiveIdentityToken({
            issuer: settings.signing.oidcIssuer || DEFAULT_OIDC_ISSUER,
            clientId: settings.signing.oidcClientId || DEFAULT_OIDC_CLIENT_ID,
            http,
            openBrowser: this.deps.openBrowser,
            externalRedirect: this.deps.externalUri,
            signal,
          }),
      };
    }
    const endpoints = signingEndpoints(settings.signing, settings.timeoutMs * 2);
    const results = await signFiles(
      params.uris.map((uri) => URI.parse(uri).fsPath),
      identity,
      endpoints,
      { sbom: params.sbom },
    );
    return results.map((r, i): SignedFileReport => {
      if (!r.ok) return { uri: params.uris[i], ok: false, error: r.error };
      const { signed } = r;
      return {
        uri: params.uris[i],
        ok: true,
        bundleUri: URI.file(r.bundleFile).toString(),
        subject: signed.identity?.subjectAlternativeName,
        issuer: signed.identity?.issuer,
        keyHint: signed.keyHint,
        logIndex: signed.logIndex,
        logEntryUrl: rekorEntryUrl(endpoints.rekorUrl, signed.logIndex),
        predicateType: r.predicateType,
      };
    });
  }

  /** Verifies a file against its bundle (pure, no network: allowed in untrusted workspaces too). */
  async verify(params: VerifyArtifactParams): Promise<ArtifactReport> {
    const file = URI.parse(params.uri).fsPath;
    const bundleFile = params.bundleUri ? URI.parse(params.bundleUri).fsPath : (bundleBeside(file) ?? `${file}${BUNDLE_SUFFIX}`);
    const bundleUri = URI.file(bundleFile).toString();
    const fromPolicy = (await this.deps.checker()?.artifactExpectation(file)) ?? { signers: [], keys: [] };
    const byPolicy = fromPolicy.signers.length > 0 || fromPolicy.keys.length > 0;
    const expectation = byPolicy ? fromPolicy : { signers: params.accepted, keys: [] };
    const expectedBy = byPolicy ? 'policy' : params.accepted.length > 0 ? 'user' : 'none';
    let report: ArtifactReport;
    let artifact: Buffer;
    let bundleText: string;
    try {
      artifact = fs.readFileSync(file);
      bundleText = fs.readFileSync(bundleFile, 'utf8');
    } catch {
      report = {
        uri: params.uri,
        bundleUri,
        ...coded('signature-missing'),
        reason: `There is no readable bundle at ${path.basename(bundleFile)}.`,
        expectedBy,
      };
      return this.keep(report);
    }
    const v = verifyArtifact(artifact, bundleText, this.deps.trust(), expectation);
    report = {
      uri: params.uri,
      bundleUri,
      verdict: v.verdict,
      code: v.code,
      reason: v.reason,
      expectedBy,
      subject: v.identity?.subjectAlternativeName,
      issuer: v.identity?.issuer,
      keyName: v.keyName,
      logIndex: v.logIndex,
      integratedTime: v.integratedTime,
      timestamp: v.timestamp,
      timestampAuthority: v.timestampAuthority,
      logEntryUrl: v.logEntryUrl,
      predicateType: v.predicateType,
    };
    return this.keep(report);
  }

  /** The last verdict on a file's signature, if it has been verified. */
  report(uri: string): ArtifactReport | undefined {
    return this.reports.get(uri);
  }

  /** The signature of a file as the SBOM review shows it. */
  signatureOf(uri: string): SbomSignature | undefined {
    const r = this.reports.get(uri);
    if (!r) return undefined;
    const source = `bundle ${path.basename(URI.parse(r.bundleUri).fsPath)}`;
    return { verdict: r.verdict, reason: r.reason, signer: r.subject ?? r.keyName, issuer: r.issuer, logEntryUrl: r.logEntryUrl, source };
  }

  /** Verifies again every file verified so far (the trusted root or the policy changed). */
  async reverify(accepted: VerifyArtifactParams['accepted']): Promise<void> {
    for (const uri of [...this.reports.keys()]) await this.verify({ uri, accepted });
  }

  // ---- tree

  roots(problemsOnly: boolean): TreeNode[] {
    const shown = [...this.reports.values()].filter((r) => !problemsOnly || PROBLEMS.has(r.verdict));
    if (shown.length === 0) return [];
    const verified = shown.filter((r) => r.verdict === 'verified').length;
    const worst =
      shown.find((r) => r.verdict === 'invalid') ?? shown.find((r) => r.verdict === 'policy-violation') ?? shown.find((r) => r.verdict !== 'verified');
    return [
      {
        id: ARTIFACTS_ID,
        kind: 'file',
        label: 'Signed files',
        description: `${verified}/${shown.length} verified`,
        verdict: worst?.verdict ?? 'verified',
        collapsible: true,
      },
    ];
  }

  /** Children of a "Signed files" node, or undefined when `id` is not one. */
  children(id: string, problemsOnly: boolean): TreeNode[] | undefined {
    if (id === ARTIFACTS_ID) {
      return [...this.reports.values()].filter((r) => !problemsOnly || PROBLEMS.has(r.verdict)).map((r) => this.fileNode(r));
    }
    if (!id.startsWith(`${ARTIFACTS_ID}>`)) return undefined;
    const report = this.reports.get(id.slice(ARTIFACTS_ID.length + 1));
    return report ? evidence(id, report) : [];
  }

  node(id: string): TreeNode | undefined {
    if (id === ARTIFACTS_ID) return this.roots(false)[0];
    const report = id.startsWith(`${ARTIFACTS_ID}>`) ? this.reports.get(id.slice(ARTIFACTS_ID.length + 1).split('#')[0]) : undefined;
    if (!report) return undefined;
    return id.includes('#') ? evidence(`${ARTIFACTS_ID}>${report.uri}`, report).find((n) => n.id === id) : this.fileNode(report);
  }

  private fileNode(r: ArtifactReport): TreeNode {
    return {
      id: `${ARTIFACTS_ID}>${r.uri}`,
      parentId: ARTIFACTS_ID,
      kind: 'package',
      label: path.basename(URI.parse(r.uri).fsPath),
      description: r.verdict === 'verified' ? (r.subject ?? r.keyName) : r.verdict,
      tooltip: r.reason,
      verdict: r.verdict,
      collapsible: true,
      uri: r.uri,
      artifactUri: r.uri,
    };
  }

  private keep(report: ArtifactReport): ArtifactReport {
    this.reports.set(report.uri, report);
    this.deps.changed(report.uri);
    return report;
  }
}

function evidence(parentId: string, r: ArtifactReport): TreeNode[] {
  const nodes: TreeNode[] = [];
  const add = (kind: NonNullable<TreeNode['evidence']>, label: string, extra: Partial<TreeNode> = {}) =>
    nodes.push({ id: `${parentId}#${kind}${nodes.length}`, parentId, kind: 'evidence', evidence: kind, label, collapsible: false, ...extra });
  add('signature', `Signature: ${r.verdict}`, { tooltip: r.reason, verdict: r.verdict, uri: r.bundleUri });
  if (r.subject)
    add('signer', `Signer: ${r.subject}`, {
      description: r.issuer,
      tooltip: `Certificate identity ${r.subject}, issued through ${r.issuer ?? 'an unknown issuer'}`,
    });
  if (r.keyName) add('signer', `Key: ${r.keyName}`);
  if (r.logIndex) add('log', `Transparency log entry ${r.logIndex}`, { description: signingTime(r), logEntryUrl: r.logEntryUrl });
  if (r.predicateType) add('attestation', `Statement: ${r.predicateType}`);
  const expected = { policy: 'Expected signer: from the policy', user: 'Expected signer: confirmed by you', none: 'No expected signer yet' }[r.expectedBy];
  add('finding', expected, {
    tooltip: r.expectedBy === 'none' ? 'Verify the file to confirm its signer, or add an "artifacts" rule to the policy.' : undefined,
  });
  return nodes;
}
