// Comparing inventories: SBOM against SBOM and SBOM against the lockfile it was made from (real
// cyclonedx-npm output and its demo project's shape), versions paired package by package.

import * as assert from 'node:assert/strict';
import { parseFile } from '../../server/src/core/fileKinds';
import { diffInventories, inventoryOf } from '../../server/src/core/sbom/diff';
import { cycloneDxJson } from '../support/sbomFactory';

const inventory = (components: Parameters<typeof cycloneDxJson>[0]) => inventoryOf(parseFile('/w/bom.json', cycloneDxJson(components))!);

describe('SBOM diff', () => {
  it('finds added, removed, version changes and same-version content changes', () => {
    const before = inventory([
      { name: 'a', version: '1.0.0', sha512Hex: '11'.repeat(64) },
      { name: 'b', version: '1.0.0' },
      { name: '@scope/c', version: '2.0.0', sha512Hex: '22'.repeat(64) },
    ]);
    const after = inventory([
      { name: 'a', version: '1.1.0' },
      { name: '@scope/c', version: '2.0.0', sha512Hex: '33'.repeat(64) },
      { name: 'd', version: '0.1.0' },
    ]);
    const diff = diffInventories(before, after);
    assert.deepEqual(
      diff.added.map((x) => `${x.name}@${x.version}`),
      ['d@0.1.0'],
    );
    assert.deepEqual(
      diff.removed.map((x) => `${x.name}@${x.version}`),
      ['b@1.0.0'],
    );
    assert.deepEqual(
      diff.changed.map((c) => [c.key, c.from.version, c.to.version, c.versionChanged, c.hashChanged]),
      [
        ['pkg:npm/%40scope/c', '2.0.0', '2.0.0', false, true],
        ['pkg:npm/a', '1.0.0', '1.1.0', true, false],
      ],
    );
    assert.equal(diff.unchanged, 0);
  });

  it('pairs a package present in several versions version by version', () => {
    const diff = diffInventories(
      inventory([
        { name: 'x', version: '1.0.0' },
        { name: 'x', version: '2.0.0' },
      ]),
      inventory([
        { name: 'x', version: '2.0.0' },
        { name: 'x', version: '3.0.0' },
      ]),
    );
    assert.deepEqual(
      [diff.unchanged, diff.changed.map((c) => `${c.from.version}→${c.to.version}`), diff.added.length, diff.removed.length],
      [1, ['1.0.0→3.0.0'], 0, 0],
    );
  });

  it("compares an SBOM with a lockfile: the lockfile's integrity is its hash", () => {
    const lock = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'app' },
        'node_modules/a': { version: '1.0.0', integrity: `sha512-${Buffer.from('11'.repeat(64), 'hex').toString('base64')}` },
        'node_modules/@scope/c': { version: '2.0.0' },
      },
    });
    const fromLock = inventoryOf(parseFile('/w/package-lock.json', lock)!);
    const diff = diffInventories(
      inventory([
        { name: 'a', version: '1.0.0', sha512Hex: '11'.repeat(64) },
        { name: '@scope/c', version: '2.0.0' },
      ]),
      fromLock,
    );
    assert.deepEqual([diff.unchanged, diff.changed.length, diff.added.length, diff.removed.length], [2, 0, 0, 0]);
  });
});
