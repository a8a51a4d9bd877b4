// `npm run generate`: writes what is derived from the code's own tables, so that no list is kept
// by hand — the editor's document globs (from the plugins), and from the table of reason codes
// (server/src/core/reasons.ts) the `provenanceLens.rules` schema in package.json and the README's
// table of codes. `--check` writes nothing and exits 1 when a file is not current
// (test/unit/generated.test.ts checks the same).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../test/support/paths';
import { DOCUMENT_PATTERNS_FILE, documentPatternsSource } from './generate/documentPatterns';
import { PACKAGE_JSON_FILE, README_FILE, packageJsonSource, readmeSource } from './generate/reasons';

/** Every generated file: its path (from the repository root) and what it must hold. */
export function generatedFiles(): Array<{ file: string; text: string }> {
  return [
    { file: DOCUMENT_PATTERNS_FILE, text: documentPatternsSource() },
    { file: PACKAGE_JSON_FILE, text: packageJsonSource() },
    { file: README_FILE, text: readmeSource() },
  ];
}

function main(): number {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const { file, text } of generatedFiles()) {
    const target = path.join(REPO_ROOT, file);
    if (fs.readFileSync(target, 'utf8') === text) continue;
    stale++;
    if (check) console.error(`${file} is not current: run npm run generate`);
    else {
      fs.writeFileSync(target, text);
      console.log(`wrote ${file}`);
    }
  }
  return check && stale > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
