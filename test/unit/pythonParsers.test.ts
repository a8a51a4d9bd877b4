// Python manifests and lockfiles on real files (test/fixtures/python): requirements with hashes
// and continuations, pyproject (PEP 621, dependency groups, Poetry), poetry.lock, uv.lock and
// Pipfile.lock — every package with its ranges, pins, hashes and index; broken input as a problem.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileKind, parseFile } from '../../server/src/core/fileKinds';
import { poetrySpecifier } from '../../server/src/core/ecosystems/pypi/pyproject';
import type { Dependency } from '../../server/src/core/dependency';
import { FIXTURES } from '../support/fixtureRegistry';

const sample = (name: string) => fs.readFileSync(path.join(FIXTURES, 'python', name), 'utf8');
const textAt = (text: string, d: Dependency, which: 'nameRange' | 'specRange') => {
  const r = d[which];
  return text.split('\n')[r.start.line].slice(r.start.character, r.start.line === r.end.line ? r.end.character : undefined);
};

describe('Python files', () => {
  it('knows them by name', () => {
    assert.deepEqual(
      [
        '/p/requirements.txt',
        '/p/requirements-dev.in',
        '/p/requirements/test.txt',
        '/p/constraints.txt',
        '/p/pyproject.toml',
        '/p/poetry.lock',
        '/p/uv.lock',
        '/p/Pipfile.lock',
        '/p/notes.txt',
      ].map((f) => fileKind(f) ?? null),
      ['pip-requirements', 'pip-requirements', 'pip-requirements', 'pip-constraints', 'pyproject', 'poetry-lock', 'uv-lock', 'pipfile-lock', null],
    );
  });

  it('reads a real pip-compile requirements file: pins, every --hash across continuation lines, ranges on the name and the pin', () => {
    const text = sample('sigstore-python.requirements.txt');
    const parsed = parseFile('/p/requirements.txt', text)!;
    assert.deepEqual(parsed.problems, []);
    const cffi = parsed.dependencies.find((d) => d.name === 'cffi')!;
    assert.deepEqual([cffi.ecosystem, cffi.spec, cffi.version], ['pypi', '==2.1.0', '2.1.0']);
    assert.ok(cffi.hashes!.length > 40 && cffi.hashes!.every((h) => /^sha256:[0-9a-f]{64}$/.test(h)), "all of its wheels' hashes");
    assert.equal(textAt(text, cffi, 'nameRange'), 'cffi');
    assert.equal(textAt(text, cffi, 'specRange'), '==2.1.0');
    assert.ok(
      parsed.dependencies.every((d) => d.version && d.hashes),
      'every line is pinned with hashes',
    );
  });

  it('reads requirements options, markers, URLs and includes, and says what is wrong', () => {
    const text = [
      '-i https://index.example/simple',
      '--extra-index-url https://mirror.example/simple',
      '-r base.txt',
      '-c constraints.txt',
      'Flask[async] >= 2.0, < 3 ; python_version > "3.8"  # web',
      'requests==2.31.0 \\',
      '    --hash=sha256:58CD2187C01E70E6E26505BCA751777AA9F2EE0B7F4300988B709F44E013003F',
      'my_pkg @ https://files.example/my_pkg-1.0-py3-none-any.whl',
      '-e ./local-lib',
      'git+https://git.example/x.git#egg=xlib',
      '--frobnicate',
      'bad==',
    ].join('\n');
    const parsed = parseFile('/p/requirements.txt', text)!;
    assert.deepEqual(parsed.indexes, ['https://index.example/simple', 'https://mirror.example/simple']);
    assert.deepEqual(
      parsed.dependencies.map((d) => [d.name, d.spec, d.version ?? null, d.url ?? null]),
      [
        ['flask', '>=2.0,<3', null, null],
        ['requests', '==2.31.0', '2.31.0', null],
        ['my-pkg', 'https://files.example/my_pkg-1.0-py3-none-any.whl', null, 'https://files.example/my_pkg-1.0-py3-none-any.whl'],
        ['./local-lib', './local-lib', null, './local-lib'],
        ['xlib', 'git+https://git.example/x.git#egg=xlib', null, 'git+https://git.example/x.git#egg=xlib'],
      ],
    );
    assert.deepEqual(parsed.dependencies[1].hashes, ['sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f']);
    assert.equal(textAt(text, parsed.dependencies[0], 'specRange'), '>= 2.0, < 3');
    assert.deepEqual(
      parsed.problems.map((p) => [p.range.start.line, p.message]),
      [
        [10, 'pip does not know the option --frobnicate.'],
        [11, '"==" is not a version specifier (such as ==1.2.3 or >=2,<3).'],
      ],
    );
  });

  it('reads a real PEP 621 pyproject: dependencies with markers, extras groups and dependency groups, ranges inside the strings', () => {
    const text = sample('sigstore-python.pyproject.toml');
    const parsed = parseFile('/p/pyproject.toml', text)!;
    assert.deepEqual(parsed.problems, []);
    const models = parsed.dependencies.find((d) => d.name === 'sigstore-models')!;
    assert.deepEqual([models.spec, models.version, models.group], ['==0.0.6', '0.0.6', 'dependencies']);
    assert.equal(textAt(text, models, 'nameRange'), 'sigstore-models');
    assert.equal(textAt(text, models, 'specRange'), '== 0.0.6');
    assert.equal(parsed.dependencies.find((d) => d.name === 'importlib-resources')!.spec, '~=5.7', 'the marker is not part of the specifier');
    assert.ok(
      parsed.dependencies.some((d) => d.group === 'devDependencies' && d.name === 'pytest'),
      '[dependency-groups]',
    );
  });

  it("reads Poetry's pyprojects: PEP 621 with parenthesised specifiers and a git URL, caret and tilde constraints, tables, paths, sources", () => {
    const poetry = parseFile('/p/pyproject.toml', sample('poetry.pyproject.toml'))!;
    assert.deepEqual(poetry.problems, []);
    assert.equal(poetry.dependencies.find((d) => d.name === 'build')!.spec, '>=1.2.1,<2.0.0');
    assert.equal(poetry.dependencies.find((d) => d.name === 'poetry-core')!.url, 'git+https://github.com/python-poetry/poetry-core.git');
    assert.ok(
      poetry.dependencies.some((d) => d.group === 'devDependencies'),
      'Poetry groups',
    );

    const text = sample('poetry-sample-project.pyproject.toml');
    const sampleProject = parseFile('/p/pyproject.toml', text)!;
    const by = (name: string) => sampleProject.dependencies.find((d) => d.name === name)!;
    assert.equal(by('cleo').spec, '>=0.6,<0.7');
    assert.equal(by('requests').spec, '>=2.18,<3');
    assert.equal(by('pytest').spec, '>=3.4,<3.5');
    assert.equal(by('pendulum').url, 'https://github.com/sdispater/pendulum.git');
    assert.equal(by('demo').url, '../distributions/demo-0.1.0-py2.py3-none-any.whl');
    assert.ok(!sampleProject.dependencies.some((d) => d.name === 'python'), 'the Python version is not a package');
    assert.equal(textAt(text, by('cleo'), 'nameRange'), 'cleo');
    assert.deepEqual(parseFile('/p/pyproject.toml', sample('poetry-explicit-source.pyproject.toml'))!.indexes, ['https://explicit.com/simple/']);
    assert.deepEqual(
      [poetrySpecifier('^0.0.3'), poetrySpecifier('~1'), poetrySpecifier('2.0.1'), poetrySpecifier('>=1,<2')],
      [{ specifier: '>=0.0.3,<0.0.4' }, { specifier: '>=1,<2' }, { specifier: '==2.0.1', exact: '2.0.1' }, { specifier: '>=1,<2', exact: undefined }],
    );
  });

  it("reads real lockfiles: poetry.lock, uv.lock and Pipfile.lock, each package pinned with its files' hashes and its index", () => {
    const poetryText = sample('poetry.poetry.lock');
    const poetry = parseFile('/p/poetry.lock', poetryText)!;
    assert.deepEqual(poetry.problems, []);
    const anyio = poetry.dependencies.find((d) => d.name === 'anyio')!;
    assert.deepEqual(
      [anyio.version, anyio.group, anyio.hashes],
      [
        '4.13.0',
        'lockfile',
        ['sha256:08b310f9e24a9594186fd75b4f73f4a4152069e3853f1ed8bfbf58369f4ad708', 'sha256:334b70e641fd2221c1505b3890c69882fe4a2df910cba14d97019b90b24439dc'],
      ],
    );
    assert.equal(textAt(poetryText, anyio, 'specRange'), '"4.13.0"');

    const uv = parseFile('/p/uv.lock', sample('sigstore-python.uv.lock'))!;
    assert.deepEqual(uv.problems, []);
    assert.ok(!uv.dependencies.some((d) => d.name === 'sigstore'), 'the project itself (editable) is not a package from the index');
    const cryptography = uv.dependencies.find((d) => d.name === 'cryptography')!;
    assert.equal(cryptography.index, 'https://pypi.example/simple');
    assert.ok(cryptography.hashes!.length > 10, 'the sdist and every wheel');

    const pipenv = parseFile('/p/Pipfile.lock', sample('pipenv.Pipfile.lock'))!;
    assert.deepEqual(pipenv.problems, []);
    assert.deepEqual(pipenv.indexes, ['https://pypi.example/simple']);
    const packaging = pipenv.dependencies.find((d) => d.name === 'packaging')!;
    assert.deepEqual([packaging.version, packaging.index, packaging.hashes?.length], ['26.3', undefined, 2], "no index of its own: the file's sources apply");
    assert.ok(
      pipenv.dependencies.some((d) => d.group === 'devDependencies'),
      'the develop section',
    );
  });

  it('reports broken TOML and JSON as one problem, without throwing', () => {
    for (const [file, text] of [
      ['/p/pyproject.toml', '[project]\ndependencies = ["a",\n'],
      ['/p/uv.lock', '[[package]]\nname = '],
      ['/p/Pipfile.lock', '{"default": {'],
    ] as const) {
      const parsed = parseFile(file, text)!;
      assert.equal(parsed.problems.length, 1, `${file}: ${parsed.problems.map((p) => p.message).join('; ')}`);
    }
  });
});
