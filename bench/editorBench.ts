// Editor-side figures: time from opening a workspace to a fully populated provenance tree (cold,
// then with the disk cache a previous session left), measured over LSP against the built server;
// and what the tree costs with 5,000 packages.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseFile } from '../server/src/core/fileKinds';
import type { PackageResult } from '../server/src/core/result';
import type { FileView } from '../server/src/features/documentChecks';
import { ProvenanceTree } from '../server/src/features/tree';
import type { TreeNode } from '../server/src/shared/protocol';
import { cleanEnv } from '../test/support/env';
import { LspClient } from '../test/support/lspClient';

/** Opens the workspace in a fresh server and waits until every package of the lockfile shows a verdict in the tree. */
async function timeToPopulatedTree(workspace: string, storagePath: string, home: string, expected: number): Promise<number> {
  const started = process.hrtime.bigint();
  const client = new LspClient(cleanEnv({ HOME: home }), { refreshTrustedRoot: false });
  try {
    await client.initialize({ workspaceTrusted: true, storagePath }, pathToFileURL(workspace).toString());
    for (;;) {
      const [file] = await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { problemsOnly: false });
      const packages = file ? await client.connection.sendRequest<TreeNode[]>('provenanceLens/treeChildren', { parentId: file.id, problemsOnly: false }) : [];
      if (packages.length === expected && packages.every((p) => p.verdict !== 'pending')) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    return Number(process.hrtime.bigint() - started) / 1e6;
  } finally {
    await client.shutdown(); // the server writes its disk cache on shutdown
  }
}

export async function benchEditor(project: string, work: string, expected: number): Promise<string[]> {
  const storagePath = path.join(work, 'editor-storage');
  const home = path.join(work, 'editor-home');
  fs.mkdirSync(home, { recursive: true });
  const cold = await timeToPopulatedTree(project, storagePath, home, expected);
  const warm = await timeToPopulatedTree(project, storagePath, home, expected);
  return [
    `Editor: open a ${expected}-package workspace → fully populated tree view: cold ${cold.toFixed(0)} ms, with cached verdicts ${warm.toFixed(0)} ms (server start included)`,
    treeWith5000(),
  ];
}

/** The tree alone, with 5,000 packages in one lockfile (a chain a → b → … so grouping has depth). */
function treeWith5000(): string {
  const packages: Record<string, unknown> = { '': { dependencies: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`p${i}`, '1.0.0'])) } };
  for (let i = 0; i < 5000; i++) {
    const requires = i + 1000 < 5000 ? { [`p${i + 1000}`]: '1.0.0' } : {};
    packages[`node_modules/p${i}`] = { version: '1.0.0', integrity: `sha512-${i}`, dependencies: requires };
  }
  const uri = 'file:///bench/package-lock.json';
  const parsed = parseFile('/bench/package-lock.json', JSON.stringify({ lockfileVersion: 3, packages }))!;
  const results = new Map(parsed.dependencies.map((d, i) => [d, fakeResult(d.name, i % 97 === 0 ? 'invalid' : 'verified')]));
  let revision = 1;
  const view = (): FileView => ({ uri, parsed, revision, result: (d) => results.get(d) });
  const tree = new ProvenanceTree(
    () => [view()],
    () => view(),
    () => ['/bench'],
  );
  const time = (fn: () => unknown) => {
    const start = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const fileId = tree.children(undefined, false)[0].id;
  const first = time(() => tree.children(fileId, false));
  const again = time(() => tree.children(fileId, false));
  revision++; // a verification result arrived: the index is rebuilt once
  const afterChange = time(() => tree.children(fileId, false));
  const problems = time(() => tree.children(fileId, true));
  const search = time(() => tree.search('p49'));
  return `Tree with 5,000 packages: top level of the lockfile ${first.toFixed(1)} ms first, ${again.toFixed(1)} ms again, ${afterChange.toFixed(1)} ms after a result changed; problems-only ${problems.toFixed(1)} ms; search ${search.toFixed(1)} ms`;
}

function fakeResult(name: string, verdict: 'verified' | 'invalid'): PackageResult {
  return {
    ecosystem: 'npm',
    name,
    version: '1.0.0',
    signature: verdict,
    signatureReason: '',
    provenance: 'absent',
    provenanceReason: '',
    verdict,
    code: verdict === 'verified' ? 'verified' : 'signature-invalid',
    reason: '',
    findings: [],
  };
}
