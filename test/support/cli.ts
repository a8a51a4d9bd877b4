// The built CLI (dist/cli.js) as a user runs it: a process with an environment that only the
// test's own files configure (cleanEnv) and, unless the test names one, an empty HOME.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanEnv } from './env';
import { REPO_ROOT } from './paths';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), ...args], {
      cwd,
      env: cleanEnv({ HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-')), ...env }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
