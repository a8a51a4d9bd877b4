// The core is protocol-free (the CLI runs it without an editor): nothing under server/src/core
// may import the LSP or VS Code libraries.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CORE = path.resolve(__dirname, '../../../server/src/core');
const FORBIDDEN = /from ['"](vscode|vscode-languageserver[^'"]*|vscode-languageclient[^'"]*|vscode-jsonrpc[^'"]*)['"]/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('architecture', () => {
  it('keeps server/src/core free of protocol and editor imports', () => {
    const offenders = sources(CORE).filter((f) => FORBIDDEN.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('keeps modules small (under 400 lines)', () => {
    const large = [...sources(CORE), ...sources(path.join(CORE, '..'))].filter((f) => fs.readFileSync(f, 'utf8').split('\n').length > 400);
    assert.deepEqual([...new Set(large)], []);
  });
});
