// Entry point VS Code loads as `extensionTestsPath`: runs every *.e2e.js beside it with mocha, in
// the real extension host (mocha 11: CommonJS, as the host requires).

import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  // run.ts reads this line: the VS Code and the Node the extension host (and the language server it forks) run on.
  console.log(`e2e host: VS Code ${vscode.version}, Node ${process.version}`);
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const file of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.e2e.js'))
    .sort())
    mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} end-to-end test(s) failed`)) : resolve()));
  });
}
