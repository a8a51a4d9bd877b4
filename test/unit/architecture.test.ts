// Shape rules that lint does not express. (That server/src/core imports no protocol or editor
// library is enforced by eslint's no-restricted-imports, see eslint.config.mjs.)

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

const SERVER = path.join(REPO_ROOT, 'server', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('architecture', () => {
  it('keeps modules small (under 400 lines)', () => {
    const large = sources(SERVER).filter((f) => fs.readFileSync(f, 'utf8').split('\n').length > 400);
    assert.deepEqual(large, []);
  });
});
