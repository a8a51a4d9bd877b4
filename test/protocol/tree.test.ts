// The tree requests over LSP: one level at a time, nodes by id (for reveal), search, re-verify.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SbomDiffRequest, SbomReviewRequest, type TreeNode } from '../../server/src/shared/protocol';
import { FIXTURES, SIGNED, recordedScenario } from '../support/fixtureRegistry';
import { LspClient, cleanEnv } from '../support/lspClient';
import { TestRegistry } from '../support/registryServer';

const integrity = (name: string) => SIGNED.find((s) => s.name === name)!.integrity;

describe('provenance tree over LSP', function () {
  this.timeout(30000);
  const registry = new TestRegistry();
  let client: LspClient;
  let workspace: string;
  const children = (parentId?: string, problemsOnly = false) =>
    client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { parentId, problemsOnly });

  before(async () => {
    await registry.start();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-tree-'));
    fs.writeFileSync(path.join(workspace, '.npmrc'), `registry=${registry.set('tree', recordedScenario())}\n`);
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { sigstore: '1.0.0', async: '2.5.0' } },
        'node_modules/sigstore': { version: '1.0.0', integrity: integrity('sigstore'), dependencies: { 'node-fetch': '^1.7.0', async: '^2.5.0' } },
        'node_modules/node-fetch': { version: '1.7.1', integrity: integrity('node-fetch') },
        'node_modules/async': { version: '2.5.0', integrity: integrity('async') },
      },
    };
    fs.writeFileSync(path.join(workspace, 'package-lock.json'), JSON.stringify(lock, null, 2));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    client = new LspClient(cleanEnv({ HOME: home }), { refreshTrustedRoot: false, cache: { enabled: false } });
    await client.initialize({ workspaceTrusted: true, storagePath: home }, pathToFileURL(workspace).toString());
    await client.waitForNotification<{ pending: number; verified: number }>('provenanceLens/status', (s) => s.pending === 0 && s.verified === 3);
  });

  after(async () => {
    await client.shutdown();
    await registry.stop();
  });

  it('lists files, then direct dependencies, then evidence and what each package requires', async () => {
    const [file] = await children();
    assert.equal(file.label, 'package-lock.json');
    assert.equal(file.description, '3 verified');
    const top = await children(file.id);
    assert.deepEqual(
      top.map((n) => n.label),
      ['sigstore@1.0.0', 'async@2.5.0'],
    );
    const underSigstore = await children(top[0].id);
    assert.deepEqual(
      underSigstore.filter((n) => n.kind === 'package').map((n) => n.label),
      ['node-fetch@1.7.1', 'async@2.5.0'],
    );
    const log = underSigstore.find((n) => n.evidence === 'log')!;
    assert.equal(log.label, 'Transparency log entry 12988397');
    assert.match(log.logEntryUrl ?? '', /\/api\/v1\/log\/entries\?logIndex=12988397$/);
    assert.equal(
      top[0].commitUrl,
      `https://github.com/sigstore/sigstore-js/commit/${underSigstore.find((n) => n.evidence === 'source')!.tooltip!.split(' @ ')[1]}`,
    );
    assert.equal(top[0].purl, 'pkg:npm/sigstore@1.0.0');
    // async appears twice (directly and under sigstore), with two ids.
    assert.notEqual(top[1].id, underSigstore.find((n) => n.label === 'async@2.5.0')!.id);
  });

  it('answers a node by id, for reveal', async () => {
    const [file] = await children();
    const [sigstore] = await children(file.id);
    const nested = (await children(sigstore.id)).find((n) => n.label === 'node-fetch@1.7.1')!;
    const again = await client.connection.sendRequest<TreeNode>('provenanceLens/treeNode', { id: nested.id });
    assert.deepEqual(again, nested);
    const parent = await client.connection.sendRequest<TreeNode>('provenanceLens/treeNode', { id: nested.parentId });
    assert.equal(parent.label, 'sigstore@1.0.0');
  });

  it('finds packages at their shallowest place', async () => {
    const found = await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeSearch', { query: 'ASYNC' });
    assert.deepEqual(
      found.map((n) => n.label),
      ['async@2.5.0'],
    );
    const [file] = await children();
    assert.equal(found[0].parentId, file.id);
  });

  it('shows only problems when asked (none here)', async () => {
    assert.deepEqual(await children(undefined, true), []);
  });

  it('verifies one package again, bypassing the cache', async () => {
    const [file] = await children();
    const [sigstore] = await children(file.id);
    const before = registry.requests.length;
    await client.connection.sendRequest('provenanceLens/recheckPackage', { id: sigstore.id });
    // The cached verdict is not reused: the registry is asked again for the attestations.
    const deadline = Date.now() + 10_000;
    while (!registry.requests.slice(before).some((r) => r.path === '-/npm/v1/attestations/sigstore@1.0.0')) {
      assert.ok(
        Date.now() < deadline,
        `not fetched again: ${registry.requests
          .slice(before)
          .map((r) => r.path)
          .join(', ')}`,
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.waitForNotification<{ pending: number; verified: number }>('provenanceLens/status', (s) => s.pending === 0 && s.verified === 3);
  });

  it("shows an SBOM's components by its dependency graph", async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'sbom', 'bundled-dependencies.bom.1.5.json'), 'utf8');
    const uri = pathToFileURL(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pl-tree-sbom-')), 'bom.json')).toString();
    await client.open(uri, text);
    const file = await waitForNode(
      () => children(),
      (n) => n.uri === uri,
    );
    const top = await children(file.id);
    const bundled = top.find((n) => n.label.startsWith('bundle-dependencies@'))!;
    assert.ok(bundled, top.map((n) => n.label).join(', '));
    const below = (await children(bundled.id)).filter((n) => n.kind === 'package');
    assert.ok(below.length > 0, 'its dependencies are below it, not beside it');
    assert.ok(top.filter((n) => n.kind === 'package').length < 52, 'not every component at the top');
    // The review view's model for the same file: a row per component, counts, the graph.
    const review = await client.connection.sendRequest<{
      rows: Array<{ name: string; line: number; verdict: string }>;
      counts: Record<string, number>;
      graph: { roots: string[] };
    }>(SbomReviewRequest, { uri });
    assert.equal(review.rows.length, 52);
    assert.equal(
      Object.values(review.counts).reduce((a, b) => a + b, 0),
      52,
    );
    assert.ok(review.graph.roots.length > 0);
    assert.match(text.split('\n')[review.rows[0].line], /\{/, 'each row knows its line in the file');
    // Compared with the workspace's lockfile: nothing in common, and the lockfile's packages are gone.
    const diff = await client.connection.sendRequest<{ added: unknown[]; removed: Array<{ name: string }>; changed: unknown[]; unchanged: number }>(
      SbomDiffRequest,
      { before: pathToFileURL(path.join(workspace, 'package-lock.json')).toString(), after: uri },
    );
    assert.deepEqual(
      [diff.added.length, diff.removed.map((r) => r.name).sort(), diff.changed.length, diff.unchanged],
      [52, ['async', 'node-fetch', 'sigstore'], 0, 0],
    );
  });
});

async function waitForNode(list: () => Promise<TreeNode[]>, match: (n: TreeNode) => boolean): Promise<TreeNode> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = (await list()).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('the node did not appear');
    await new Promise((r) => setTimeout(r, 100));
  }
}
