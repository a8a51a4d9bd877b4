// The lockfile beside a package.json is parsed once and reused until it changes on disk.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { npmSiblingLocks } from '../../server/src/core/ecosystems/npm';

const lock = (version: string) =>
  JSON.stringify({
    lockfileVersion: 3,
    packages: { '': {}, 'node_modules/a': { version, integrity: 'sha512-x' }, 'node_modules/a/node_modules/b': { version: '1.0.0' } },
  });

describe('sibling lockfile', () => {
  it('reads top-level packages, reuses the parse while the file is unchanged, and re-reads a changed file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-lock-'));
    const locks = npmSiblingLocks();
    assert.equal(locks.get(dir), undefined);
    fs.writeFileSync(path.join(dir, 'package-lock.json'), lock('1.0.0'));
    const first = locks.get(dir)!;
    assert.deepEqual([...first.keys()], ['a']);
    assert.equal(first.get('a')?.version, '1.0.0');
    assert.equal(locks.get(dir), first, 'the same parse, not a new one');
    fs.writeFileSync(path.join(dir, 'package-lock.json'), lock('1.0.10'));
    assert.equal(locks.get(dir)?.get('a')?.version, '1.0.10');
  });

  it('prefers npm-shrinkwrap.json, as npm does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-lock-'));
    fs.writeFileSync(path.join(dir, 'package-lock.json'), lock('1.0.0'));
    fs.writeFileSync(path.join(dir, 'npm-shrinkwrap.json'), lock('2.0.0'));
    assert.equal(npmSiblingLocks().get(dir)?.get('a')?.version, '2.0.0');
  });
});
