// The TextMate grammars we contribute (syntaxes/), tokenised by VS Code's own engine
// (vscode-textmate with the Oniguruma WebAssembly build): each part of a line gets its scope.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, type IGrammar, Registry, parseRawGrammar } from 'vscode-textmate';
import { REPO_ROOT } from '../support/paths';

async function loadGrammar(scopeName: string, file: string): Promise<IGrammar> {
  const wasm = fs.readFileSync(path.join(REPO_ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s) => new oniguruma.OnigScanner(s), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => (scope === scopeName ? parseRawGrammar(fs.readFileSync(path.join(REPO_ROOT, 'syntaxes', file), 'utf8'), file) : null),
  });
  return (await registry.loadGrammar(scopeName))!;
}

/** Each token's text with the last (innermost) scope, for lines tokenised in sequence. */
function tokens(grammar: IGrammar, lines: string[]): Array<Array<[string, string]>> {
  let state = INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens
      .map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]] as [string, string])
      .filter(([text]) => text.trim() !== '');
  });
}

describe('grammars', () => {
  it('colours pip requirements: packages, extras, specifiers, markers, hashes over continuations, options, URLs, comments', async () => {
    const grammar = await loadGrammar('source.pip-requirements', 'pip-requirements.tmLanguage.json');
    const [option, requirement, continued, hash, comment, url] = tokens(grammar, [
      '--index-url https://index.example/simple',
      'Flask[async]>=2.0,<3 ; python_version > "3.8"  # web',
      'requests==2.31.0 \\',
      '    --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f',
      '# via pydantic',
      'my-pkg @ https://files.example/my_pkg-1.0-py3-none-any.whl',
    ]);
    assert.deepEqual(option, [
      ['--index-url', 'keyword.other.option.pip-requirements'],
      ['https://index.example/simple', 'markup.underline.link.pip-requirements'],
    ]);
    const scopeOf = (line: Array<[string, string]>, text: string) => line.find(([t]) => t === text)?.[1];
    assert.equal(scopeOf(requirement, 'Flask'), 'entity.name.type.package.pip-requirements');
    assert.equal(scopeOf(requirement, 'async'), 'variable.parameter.extras.pip-requirements');
    assert.equal(scopeOf(requirement, '>='), 'keyword.operator.comparison.pip-requirements');
    assert.equal(scopeOf(requirement, '2.0'), 'constant.numeric.version.pip-requirements');
    assert.equal(scopeOf(requirement, 'python_version'), 'variable.language.marker.pip-requirements');
    assert.equal(scopeOf(requirement, '"3.8"'), 'string.quoted.pip-requirements');
    assert.equal(scopeOf(requirement, '# web'), 'comment.line.number-sign.pip-requirements');
    assert.equal(scopeOf(continued, '\\'), 'constant.character.escape.line-continuation.pip-requirements');
    assert.equal(scopeOf(hash, '--hash'), 'keyword.other.option.pip-requirements', "the continued line is still the requirement's");
    assert.equal(scopeOf(hash, '58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f'), 'constant.other.hash.pip-requirements');
    assert.deepEqual(comment, [['# via pydantic', 'comment.line.number-sign.pip-requirements']]);
    assert.equal(scopeOf(url, 'https://files.example/my_pkg-1.0-py3-none-any.whl'), 'markup.underline.link.pip-requirements');
  });
});
