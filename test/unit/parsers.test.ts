import * as assert from 'node:assert/strict';
import { normaliseRepository, parsePackageJson } from '../../server/src/core/ecosystems/npm/packageJson';
import { lockGraph } from '../../server/src/core/ecosystems/npm/lockGraph';
import { nameFromLocation, parsePackageLock } from '../../server/src/core/ecosystems/npm/packageLock';

const MANIFEST = `{
  "name": "app",
  "repository": "github:acme/app",
  "dependencies": {
    "left-pad": "^1.3.0",
    "@scope/pkg": "npm:@other/pkg@2.0.0"
  },
  "devDependencies": { "mocha": "11.0.0" }
}`;

describe('package.json parser', () => {
  it('reads dependencies with exact ranges for name and version', () => {
    const m = parsePackageJson(MANIFEST);
    assert.deepEqual(m.problems, []);
    assert.equal(m.name, 'app');
    assert.equal(m.repository, 'https://github.com/acme/app');
    assert.deepEqual(
      m.dependencies.map((d) => [d.group, d.name, d.spec]),
      [
        ['dependencies', 'left-pad', '^1.3.0'],
        ['dependencies', '@scope/pkg', 'npm:@other/pkg@2.0.0'],
        ['devDependencies', 'mocha', '11.0.0'],
      ],
    );
    const leftPad = m.dependencies[0];
    assert.deepEqual(leftPad.nameRange, { start: { line: 4, character: 4 }, end: { line: 4, character: 14 } });
    assert.deepEqual(leftPad.specRange, { start: { line: 4, character: 16 }, end: { line: 4, character: 24 } });
    const mocha = m.dependencies[2];
    assert.deepEqual(mocha.specRange, { start: { line: 7, character: 32 }, end: { line: 7, character: 40 } });
  });

  it('accepts comments and trailing commas (JSONC) and a byte-order mark', () => {
    const m = parsePackageJson('\ufeff{\n  // pinned\n  "dependencies": { "a": "1.0.0", },\n}');
    assert.deepEqual(m.problems, []);
    assert.deepEqual(
      m.dependencies.map((d) => d.name),
      ['a'],
    );
    assert.deepEqual(m.dependencies[0].specRange.start, { line: 2, character: 25 });
  });

  it('keeps ranges right with CRLF line endings', () => {
    const m = parsePackageJson('{\r\n"dependencies": {\r\n  "a": "1.0.0"\r\n}\r\n}');
    assert.deepEqual(m.dependencies[0].specRange, { start: { line: 2, character: 7 }, end: { line: 2, character: 14 } });
  });

  for (const [label, text] of [
    ['truncated', '{ "dependencies": { "a": "1.0.0", '],
    ['not JSON at all', 'this is not json'],
    ['a bare array', '[1, 2, 3]'],
    ['binary noise', '\u0000\u0001\u0002{{{'],
  ] as const) {
    it(`reports a malformed file (${label}) as one problem, without throwing`, () => {
      const m = parsePackageJson(text);
      assert.equal(m.problems.length, 1, JSON.stringify(m.problems));
      const p = m.problems[0].range.start;
      assert.ok(p.line >= 0 && p.character >= 0);
    });
  }

  it('reports a non-string version and keeps the other dependencies', () => {
    const m = parsePackageJson('{"dependencies": {"a": 1, "b": "2.0.0"}, "devDependencies": []}');
    assert.deepEqual(
      m.dependencies.map((d) => d.name),
      ['b'],
    );
    assert.equal(m.problems.length, 2);
  });

  it('an empty file has no dependencies and no problem', () => {
    assert.deepEqual(parsePackageJson(''), { dependencies: [], problems: [] });
  });

  it('normalises repository spellings', () => {
    assert.equal(normaliseRepository('git+https://github.com/Sigstore/sigstore-js.git'), 'https://github.com/sigstore/sigstore-js');
    assert.equal(normaliseRepository('git@github.com:a/b.git'), 'https://github.com/a/b');
    assert.equal(normaliseRepository('a/b'), 'https://github.com/a/b');
    assert.equal(normaliseRepository('gitlab:a/b'), 'https://gitlab.com/a/b');
    assert.equal(normaliseRepository(undefined), undefined);
  });
});

const LOCK_V1 = `{
  "name": "app",
  "lockfileVersion": 1,
  "dependencies": {
    "a": {
      "version": "1.0.0",
      "integrity": "sha512-AAAA",
      "dependencies": {
        "b": { "version": "2.0.0", "integrity": "sha512-BBBB" }
      }
    },
    "c": { "version": "3.0.0", "bundled": true },
    "d": { "version": "npm:@real/d@4.0.0" },
    "e": { "version": "github:owner/e#abc" }
  }
}`;

const LOCK_V3 = `{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": { "name": "app", "dependencies": { "a": "^1.0.0" } },
    "node_modules/a": { "version": "1.0.0", "integrity": "sha512-AAAA" },
    "node_modules/a/node_modules/@s/b": { "version": "2.0.0", "integrity": "sha512-BBBB" },
    "node_modules/alias": { "name": "real", "version": "4.0.0" },
    "node_modules/ws": { "resolved": "packages/ws", "link": true },
    "packages/ws": { "version": "0.0.1" }
  }
}`;

describe('package-lock.json parser', () => {
  it('reads lockfile v1 nested dependencies (aliases by their real name, bundled ones skipped)', () => {
    const l = parsePackageLock(LOCK_V1);
    assert.equal(l.lockfileVersion, 1);
    assert.deepEqual(
      l.packages.map((p) => [p.location, p.name, p.version, p.integrity]),
      [
        ['node_modules/a', 'a', '1.0.0', 'sha512-AAAA'],
        ['node_modules/a/node_modules/b', 'b', '2.0.0', 'sha512-BBBB'],
        ['node_modules/d', '@real/d', '4.0.0', undefined],
        ['node_modules/e', 'e', 'github:owner/e#abc', undefined],
      ],
    );
    assert.deepEqual(l.packages[1].specRange.start, { line: 8, character: 26 });
  });

  it('reads lockfile v3 packages (aliases by their real name, links and workspaces skipped)', () => {
    const l = parsePackageLock(LOCK_V3);
    assert.equal(l.lockfileVersion, 3);
    assert.deepEqual(
      l.packages.map((p) => [p.location, p.name, p.version]),
      [
        ['node_modules/a', 'a', '1.0.0'],
        ['node_modules/a/node_modules/@s/b', '@s/b', '2.0.0'],
        ['node_modules/alias', 'real', '4.0.0'],
      ],
    );
    assert.deepEqual(l.packages[0].specRange, { start: { line: 5, character: 35 }, end: { line: 5, character: 42 } });
  });

  it('reads lockfile v2 from "packages", not the duplicate v1 section', () => {
    const v2 = LOCK_V3.replace('"lockfileVersion": 3', '"lockfileVersion": 2').replace(
      '"packages": {',
      '"dependencies": { "a": { "version": "1.0.0" } },\n  "packages": {',
    );
    const l = parsePackageLock(v2);
    assert.equal(l.lockfileVersion, 2);
    assert.equal(l.packages.length, 3);
  });

  it('flags an unknown lockfileVersion and a malformed lockfile without throwing', () => {
    assert.equal(parsePackageLock('{"lockfileVersion": 9, "packages": {}}').problems.length, 1);
    assert.equal(parsePackageLock('{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0"').problems.length, 1);
  });

  it('derives names from node_modules paths', () => {
    assert.equal(nameFromLocation('node_modules/a/node_modules/@s/b'), '@s/b');
    assert.equal(nameFromLocation('packages/ws'), undefined);
  });
});

describe('lockfile dependency graph', () => {
  it('resolves requirements the way Node does, nested copies first', () => {
    const lock = parsePackageLock(`{
      "lockfileVersion": 3,
      "packages": {
        "": { "dependencies": { "a": "^1" }, "devDependencies": { "d": "^1" } },
        "node_modules/a": { "version": "1.0.0", "dependencies": { "b": "^2", "c": "^1" } },
        "node_modules/a/node_modules/b": { "version": "2.0.0" },
        "node_modules/b": { "version": "1.0.0" },
        "node_modules/c": { "version": "1.0.0", "dependencies": { "b": "^1" } },
        "node_modules/d": { "version": "1.0.0", "peerDependencies": { "a": "^1" } },
        "node_modules/stray": { "version": "1.0.0" }
      }
    }`);
    assert.deepEqual(lock.rootRequires, ['a', 'd']);
    const graph = lockGraph(lock.packages, lock.rootRequires);
    assert.deepEqual(graph.roots, ['node_modules/a', 'node_modules/d', 'node_modules/stray']);
    assert.deepEqual(graph.children.get('node_modules/a'), ['node_modules/a/node_modules/b', 'node_modules/c']);
    assert.deepEqual(graph.children.get('node_modules/c'), ['node_modules/b']);
    assert.deepEqual(graph.children.get('node_modules/d'), ['node_modules/a']);
  });

  it('finds the direct dependencies of a v1 lockfile from its requires', () => {
    const lock = parsePackageLock(`{
      "lockfileVersion": 1,
      "dependencies": {
        "a": { "version": "1.0.0", "requires": { "b": "^1" } },
        "b": { "version": "1.0.0", "requires": { "a": "^1" } },
        "x": { "version": "1.0.0", "requires": { "b": "^1" } }
      }
    }`);
    const graph = lockGraph(lock.packages, lock.rootRequires);
    assert.deepEqual(graph.roots, ['node_modules/x']);
    assert.deepEqual(graph.children.get('node_modules/b'), ['node_modules/a']);
  });
});
