// Images over LSP: a Dockerfile verified against a real registry, the not-pinned warning (when
// turned on), "Pin to digest", hover and tree; and a tag that moves between two checks.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Checker } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import type { SbomSignature } from '../../server/src/core/sbom/review';
import { OpenAttestedSbomRequest, type OpenAttestedSbomResult, SbomReviewRequest, type TreeNode } from '../../server/src/shared/protocol';
import { FIXTURES } from '../support/fixtureRegistry';
import { LspClient, cleanEnv } from '../support/lspClient';
import { keySignedAttestationLayer } from '../support/bundles';
import { OciRegistry, RegistryProxy, skipWithoutRegistry } from '../support/ociRegistry';

describe('images over LSP', function () {
  this.timeout(30000);
  const registry = new OciRegistry();
  const signer = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  let client: LspClient;
  let workspace: string;
  let home: string;
  let digest: string;
  /** In front of the registry, to see what the server asks for. */
  let proxy: RegistryProxy;

  before(async function () {
    skipWithoutRegistry(this);
    await registry.start();
    digest = (await registry.pushImage('acme/app', '1.0')).digest;
    await registry.signWithKey('acme/app', digest, signer.privateKey);
    await registry.attachAttestations('acme/app', digest, [
      keySignedAttestationLayer(digest, 'https://slsa.dev/provenance/v1', signer.privateKey, {
        runDetails: { builder: { id: 'https://ci.acme.example/builder' } },
      }),
      // A real SPDX 3 SBOM attested on the image (its cargo components are listed, not fetched).
      keySignedAttestationLayer(
        digest,
        'https://spdx.dev/Document',
        signer.privateKey,
        JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sbom', 'k8s-bom-example11.spdx3.json'), 'utf8')),
      ),
    ]);
    proxy = new RegistryProxy(registry.host, 'none');
    await proxy.start();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-images-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    const keyFile = path.join(home, 'cosign.pub');
    fs.writeFileSync(keyFile, signer.publicKey.export({ format: 'pem', type: 'spki' }));
    client = new LspClient(cleanEnv({ HOME: home }), {
      refreshTrustedRoot: false,
      cache: { enabled: false },
      oci: { keys: [{ path: keyFile, ignoreTlog: true }], insecureRegistries: [] },
      rules: { 'image-not-pinned': 'warning' },
    });
    await client.initialize({ workspaceTrusted: true, storagePath: home }, pathToFileURL(workspace).toString());
  });
  after(async () => {
    await client?.shutdown();
    await proxy?.stop();
    await registry.stop();
  });

  it('verifies a Dockerfile image, warns that it is not pinned, and pins it', async () => {
    const text = `FROM ${proxy.host}/acme/app:1.0\nRUN true\n`;
    const uri = pathToFileURL(path.join(workspace, 'Dockerfile')).toString();
    await client.open(uri, text, 'dockerfile');
    const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'image-not-pinned'));
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.severity, d.range.start.character]),
      [['image-not-pinned', 2, 5]],
    );
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: published.diagnostics[0].range,
      context: { diagnostics: published.diagnostics },
    })) as Array<{ title: string; isPreferred?: boolean; edit: { changes: Record<string, never[]> } }>;
    const pin = actions.find((a) => a.title.startsWith('Pin'))!;
    assert.equal(pin.title, `Pin ${proxy.host}/acme/app:1.0 to its digest`);
    assert.equal(pin.isPreferred, true);
    const after = TextDocument.applyEdits(TextDocument.create(uri, 'dockerfile', 1, text), pin.edit.changes[uri]);
    assert.equal(after, `FROM ${proxy.host}/acme/app:1.0@${digest}\nRUN true\n`);

    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 10 } })) as {
      contents: { value: string };
    };
    assert.match(hover.contents.value, new RegExp(`Digest: \`${digest}\``));
    assert.match(hover.contents.value, /Signed by key `cosign\.pub`, no transparency-log entry/);
    assert.match(hover.contents.value, /Attestations: https:\/\/slsa\.dev\/provenance\/v1/);
    assert.match(hover.contents.value, /Provenance built by `https:\/\/ci\.acme\.example\/builder`, signed by key `cosign\.pub`/);

    const [file] = await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { problemsOnly: false });
    assert.equal(file.label, 'Dockerfile');
    const [image] = await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { parentId: file.id, problemsOnly: false });
    assert.equal(image.verdict, 'verified');
    assert.match(image.purl ?? '', /^pkg:oci\/app@sha256/);
    const evidence = await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { parentId: image.id, problemsOnly: false });
    const labels = evidence.map((n) => n.label);
    for (const expected of ['Attestations: verified', 'Builder: https://ci.acme.example/builder', 'Provenance signer: key cosign.pub'])
      assert.ok(labels.includes(expected), `${expected} in ${labels.join(' | ')}`);

    // The SBOM attested on the image opens (verified again) as a document whose review names its signer.
    const sbomNode = evidence.find((n) => n.label === 'SBOM: SPDX SBOM')!;
    assert.deepEqual([sbomNode.description, sbomNode.sbomIndex], ['attested by cosign.pub', 0]);
    const opened = await client.connection.sendRequest<OpenAttestedSbomResult>(OpenAttestedSbomRequest, { nodeId: sbomNode.id });
    assert.ok(!('error' in opened), JSON.stringify(opened));
    assert.equal(
      opened.uri,
      `provenance-lens-sbom:/${proxy.host.replace(':', '%3A')}/acme/app%40${digest.replace(':', '%3A')}/${opened.uri.split('/').at(-2)}/sbom.spdx3.json`,
    );
    await client.open(opened.uri, opened.text);
    const review = await client.connection.sendRequest<{ rows: unknown[]; signature: SbomSignature }>(SbomReviewRequest, { uri: opened.uri });
    assert.equal(review.rows.length, 4);
    assert.deepEqual([review.signature.verdict, review.signature.signer], ['verified', 'cosign.pub']);
    assert.match(review.signature.source, /^attestation \(cosign \.att\) on app@sha256:/);

    // "Verify again" on the image goes back to the registry for its signatures, past the verdict cache.
    const sigTag = `${digest.replace(':', '-')}.sig`;
    const asked = () => proxy.seen.filter((r) => r.path.endsWith(`/manifests/${sigTag}`)).length;
    const before = asked();
    await client.connection.sendRequest('provenanceLens/recheckPackage', { id: image.id });
    const deadline = Date.now() + 10_000;
    while (asked() === before) {
      assert.ok(Date.now() < deadline, 'the signatures were not fetched again');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('notices a tag that moved since the last check', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-cache-'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-moved-'));
    const file = path.join(dir, 'compose.yaml');
    const text = `services:\n  web:\n    image: ${registry.host}/acme/moving:stable\n`;
    fs.writeFileSync(file, text);
    const check = async () => {
      const trust = embeddedTrust();
      const checker = new Checker({
        trust: () => trust,
        offline: false,
        cacheDir,
        requireProvenance: false,
        allowProcessExecution: false,
        env: cleanEnv({ HOME: home }),
        homeDir: home,
        timeoutMs: 3000,
      });
      try {
        const [r] = await checker.verify(file, parseFile(file, text)!);
        return r.result.findings.map((f) => f.code);
      } finally {
        await checker.dispose();
      }
    };
    await registry.pushImage('acme/moving', 'stable', 'first');
    assert.deepEqual(await check(), ['image-not-pinned']);
    await registry.pushImage('acme/moving', 'stable', 'second');
    assert.deepEqual(await check(), ['image-not-pinned', 'image-tag-moved']);
    assert.deepEqual(await check(), ['image-not-pinned'], 'said once; the new digest is remembered');
  });
});
