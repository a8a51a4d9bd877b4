// Signing and verifying local files through the language server over stdio. Keyless: the server
// runs the sign-in and asks the client to open the issuer's page (window/showDocument, external),
// which this test answers by following it as a browser; with a key: the key and passphrase arrive
// sealed with the session key from the server's environment. Nothing secret reaches the log.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SESSION_KEY_VARIABLE, newSessionKey, seal } from '../../server/src/shared/sealed';
import { generateSigningKey } from '../../server/src/shared/keys';
import type { SbomSignature } from '../../server/src/core/sbom/review';
import {
  type ArtifactReport,
  ExternalUriRequest,
  SbomReviewRequest,
  type SignedFileReport,
  SignFilesRequest,
  type TreeNode,
  VerifyArtifactRequest,
} from '../../server/src/shared/protocol';
import { FIXTURES } from '../support/fixtureRegistry';
import { LocalSigstore } from '../support/localSigstore';
import { LspClient, cleanEnv } from '../support/lspClient';
import { OidcIssuer } from '../support/oidcIssuer';

describe('signing over LSP', function () {
  this.timeout(30000);
  const sigstore = new LocalSigstore();
  const issuer = new OidcIssuer('dev@example.test');
  const sessionKey = newSessionKey();
  const passphrase = 'a passphrase nobody logs';
  let workspace: string;
  let client: LspClient;
  const opened: string[] = [];
  const uriOf = (name: string) => pathToFileURL(path.join(workspace, name)).toString();

  before(async () => {
    await Promise.all([sigstore.start(), issuer.start()]);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-lsp-sign-'));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    client = new LspClient(cleanEnv({ HOME: home, [SESSION_KEY_VARIABLE]: sessionKey }), {
      refreshTrustedRoot: false,
      trustedRoot: sigstore.writeTrustedRoot(path.join(home, 'trusted_root.json')),
      signing: {
        fulcioUrl: sigstore.fulcioUrl,
        rekorUrl: sigstore.rekorUrl,
        tsaUrl: sigstore.tsaUrl,
        tlogUpload: true,
        oidcIssuer: issuer.url,
        oidcClientId: '',
      },
    });
    client.connection.onRequest('window/showDocument', async (params: { uri: string; external?: boolean }) => {
      opened.push(params.uri);
      assert.equal(params.external, true);
      return { success: (await fetch(params.uri)).ok };
    });
    client.connection.onRequest(ExternalUriRequest, (params: { uri: string }) => params.uri);
    await client.initialize({ workspaceTrusted: true, storagePath: home }, pathToFileURL(workspace).toString());
  });
  after(async () => {
    await client?.shutdown();
    await Promise.all([sigstore.stop(), issuer.stop()]);
  });

  it('signs keyless after a sign-in the server runs, and the editor only opens the page', async () => {
    fs.writeFileSync(path.join(workspace, 'app.tgz'), 'artifact');
    const [report] = await client.connection.sendRequest<SignedFileReport[]>(SignFilesRequest, { uris: [uriOf('app.tgz')] });
    assert.ok(report.ok, report.error);
    assert.deepEqual([report.subject, report.issuer], ['dev@example.test', issuer.url]);
    assert.match(report.logEntryUrl ?? '', new RegExp(`^${sigstore.rekorUrl}/api/v1/log/entries\\?logIndex=\\d+$`));
    assert.equal(opened.length, 1);
    assert.match(opened[0], new RegExp(`^${issuer.url}/authorize\\?`));
    assert.ok(fs.existsSync(path.join(workspace, 'app.tgz.sigstore.json')));
  });

  it('verifies: not yet trusted without an expected signer, verified with the confirmed one, and shows it in the tree', async () => {
    const unconfirmed = await client.connection.sendRequest<ArtifactReport>(VerifyArtifactRequest, { uri: uriOf('app.tgz'), accepted: [] });
    assert.deepEqual(
      [unconfirmed.verdict, unconfirmed.code, unconfirmed.expectedBy, unconfirmed.subject],
      ['unverifiable', 'identity-unconfirmed', 'none', 'dev@example.test'],
    );
    const confirmed = await client.connection.sendRequest<ArtifactReport>(VerifyArtifactRequest, {
      uri: uriOf('app.tgz'),
      accepted: [{ subject: 'dev@example.test', issuer: issuer.url }],
    });
    assert.deepEqual([confirmed.verdict, confirmed.expectedBy], ['verified', 'user']);
    const roots = await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { problemsOnly: false });
    const signed = roots.find((n) => n.label === 'Signed files')!;
    assert.deepEqual([signed.description, signed.verdict], ['1/1 verified', 'verified']);
    const [file] = await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { parentId: signed.id, problemsOnly: false });
    assert.equal(file.label, 'app.tgz');
    const evidence = await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { parentId: file.id, problemsOnly: false });
    assert.ok(evidence.some((n) => n.label === 'Signer: dev@example.test'));
    assert.deepEqual((await client.connection.sendRequest<TreeNode>('provenanceLens/treeNode', { id: file.id })).label, 'app.tgz');
  });

  it('finds a bundle under the other names tools use (.bundle)', async () => {
    fs.copyFileSync(path.join(workspace, 'app.tgz'), path.join(workspace, 'copy.tgz'));
    fs.copyFileSync(path.join(workspace, 'app.tgz.sigstore.json'), path.join(workspace, 'copy.tgz.bundle'));
    const report = await client.connection.sendRequest<ArtifactReport>(VerifyArtifactRequest, {
      uri: uriOf('copy.tgz'),
      accepted: [{ subject: 'dev@example.test', issuer: issuer.url }],
    });
    assert.deepEqual([report.verdict, report.bundleUri], ['verified', uriOf('copy.tgz.bundle')]);
  });

  it('lets the policy name the expected signer, over what the user confirmed', async () => {
    fs.writeFileSync(
      path.join(workspace, 'provenance-policy.json'),
      JSON.stringify({ artifacts: [{ match: '*.tgz', signers: [{ issuer: issuer.url, subject: 'release-bot@example.test' }] }] }),
    );
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('provenance-policy.json'), type: 1 }] });
    const report = await client.connection.sendRequest<ArtifactReport>(VerifyArtifactRequest, {
      uri: uriOf('app.tgz'),
      accepted: [{ subject: 'dev@example.test', issuer: issuer.url }],
    });
    assert.deepEqual([report.verdict, report.expectedBy], ['policy-violation', 'policy']);
    fs.rmSync(path.join(workspace, 'provenance-policy.json'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('provenance-policy.json'), type: 3 }] });
  });

  it('signs with a key that arrives sealed, and refuses one sealed with another key', async () => {
    const pair = generateSigningKey(passphrase);
    fs.writeFileSync(path.join(workspace, 'tool.bin'), 'tool');
    const secret = JSON.stringify({ privateKeyPem: pair.privateKey, passphrase });
    const [ok] = await client.connection.sendRequest<SignedFileReport[]>(SignFilesRequest, { uris: [uriOf('tool.bin')], sealedKey: seal(sessionKey, secret) });
    assert.ok(ok.ok, ok.error);
    assert.match(ok.keyHint ?? '', /^[0-9a-f]{64}$/);
    const [refused] = await client.connection.sendRequest<SignedFileReport[]>(SignFilesRequest, {
      uris: [uriOf('tool.bin')],
      sealedKey: seal(newSessionKey(), secret),
    });
    assert.deepEqual([refused.ok, refused.error], [false, 'the signing key did not arrive intact']);
  });

  it('says who signed an SBOM in its review and on its node in the tree', async () => {
    const name = 'sbom.spdx3.json';
    const text = fs.readFileSync(path.join(FIXTURES, 'sbom', 'k8s-bom-example11.spdx3.json'), 'utf8');
    fs.writeFileSync(path.join(workspace, name), text);
    await client.open(uriOf(name), text);
    const [signed] = await client.connection.sendRequest<SignedFileReport[]>(SignFilesRequest, { uris: [uriOf(name)], sbom: true });
    assert.ok(signed.ok, signed.error);
    const unsignedReview = await client.connection.sendRequest<{ signature?: unknown }>(SbomReviewRequest, { uri: uriOf('app.tgz') });
    assert.equal(unsignedReview, null, 'not an SBOM: no review');
    await client.connection.sendRequest<ArtifactReport>(VerifyArtifactRequest, {
      uri: uriOf(name),
      accepted: [{ subject: 'dev@example.test', issuer: issuer.url }],
    });
    const review = await client.connection.sendRequest<{ signature?: SbomSignature; rows: unknown[] }>(SbomReviewRequest, { uri: uriOf(name) });
    assert.equal(review.rows.length, 4);
    assert.deepEqual(
      { ...review.signature, logEntryUrl: undefined },
      {
        verdict: 'verified',
        reason: review.signature!.reason,
        signer: 'dev@example.test',
        issuer: issuer.url,
        logEntryUrl: undefined,
        source: `bundle ${name}.sigstore.json`,
      },
    );
    const roots = await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { problemsOnly: false });
    const node = roots.find((n) => n.label === name)!;
    assert.match(node.description ?? '', /signed by dev@example\.test$/);

    // The SBOM changes after signing: its signature no longer holds, and its node says so.
    fs.appendFileSync(path.join(workspace, name), ' ');
    const broken = await client.connection.sendRequest<ArtifactReport>(VerifyArtifactRequest, {
      uri: uriOf(name),
      accepted: [{ subject: 'dev@example.test', issuer: issuer.url }],
    });
    assert.equal(broken.verdict, 'invalid');
    const after = (await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { problemsOnly: false })).find((n) => n.label === name)!;
    assert.deepEqual([after.verdict, /signature invalid$/.test(after.description ?? '')], ['invalid', true]);
  });

  it('never logs the identity token, the key or its passphrase', () => {
    const log = client.logs.join('\n');
    for (const token of issuer.issuedTokens) assert.ok(!log.includes(token.split('.')[1]), 'token in the log');
    assert.ok(!log.includes(passphrase) && !log.includes('PRIVATE KEY'), 'key material in the log');
  });
});
