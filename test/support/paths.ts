import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root, found from wherever this module was compiled (out/test/support) or bundled (dist). */
export const REPO_ROOT = findUp(__dirname);

function findUp(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'esbuild.mjs')) && fs.existsSync(path.join(dir, 'test', 'fixtures', 'MANIFEST.md'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`the repository root is not above ${from}`);
  }
}
