// Shape rules that lint does not express. (That server/src/core imports no protocol or editor
// library is enforced by eslint's no-restricted-imports, see eslint.config.mjs.)

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

const SERVER = path.join(REPO_ROOT, 'server', 'src');

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('architecture', () => {
  it('keeps modules small (under 400 lines)', () => {
    const large = sources(SERVER).filter((f) => fs.readFileSync(f, 'utf8').split('\n').length > 400);
    assert.deepEqual(large, []);
  });

  it('packages every file the bundles load at run time (workers, schemas, wasm, webview assets), and no source maps', function () {
    this.timeout(60000);
    const listed = execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).split('\n');
    const needed = [
      'dist/extension.js',
      'dist/server.js',
      'dist/cli.js',
      'dist/schemaWorker.js',
      'dist/helmIndexWorker.js',
      'dist/xmllint-node.js',
      'dist/xmllint.wasm',
      'dist/cyclonedx-res/schema/bom-1.6.SNAPSHOT.schema.json',
      'dist/cyclonedx-res/schema/bom-1.6.SNAPSHOT.xsd',
      'dist/cyclonedx-res/schema/spdx.SNAPSHOT.xsd',
      'media/sbomReview/review.js',
      'media/sbomReview/review.css',
      'syntaxes/pip-requirements.tmLanguage.json',
      'syntaxes/pip-requirements.language-configuration.json',
    ];
    assert.deepEqual(
      needed.filter((f) => !listed.includes(f)),
      [],
    );
    assert.deepEqual(
      listed.filter((f) => f.endsWith('.map') || f.startsWith('test/') || f.startsWith('server/')),
      [],
    );
  });
});
