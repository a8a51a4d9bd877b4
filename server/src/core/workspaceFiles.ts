// Finds the manifests and lockfiles below folders: the CLI's `check <folder>`, and the server's
// workspace scan (so a workspace is verified as a whole, not only the files that happen to be open).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileKind } from './fileKinds';

/** Enough for large monorepos; past it we stop rather than walk an unbounded tree. */
const MAX_FILES = 2000;
const MAX_DEPTH = 8;
const SKIPPED = new Set(['node_modules', 'bower_components', 'dist', 'out', 'build', 'coverage']);

/** True for paths below folders we never read manifests from (dependencies, build output, dot-folders). */
export function isSkippedPath(file: string): boolean {
  return file
    .split(/[\\/]/)
    .slice(0, -1)
    .some((segment) => segment !== '..' && segment !== '.' && isSkippedFolder(segment));
}

/** Dependencies, build output and dot-folders — except `.github`, where workflows name images. */
function isSkippedFolder(name: string): boolean {
  return SKIPPED.has(name) || (name.startsWith('.') && name !== '.github');
}

export async function findManifestFiles(folders: string[], log: (m: string) => void = () => undefined): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (found.length >= MAX_FILES || depth > MAX_DEPTH) return;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folders are skipped, not fatal
    }
    for (const entry of entries) {
      if (found.length >= MAX_FILES) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedFolder(entry.name)) await walk(full, depth + 1);
      } else if (entry.isFile() && fileKind(full)) {
        found.push(full);
      }
    }
  };
  for (const folder of folders) await walk(folder, 0);
  if (found.length >= MAX_FILES) log(`stopped looking for manifests after ${MAX_FILES} files`);
  return found.sort();
}
