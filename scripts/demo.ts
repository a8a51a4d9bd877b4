// `npm start`: the main job on bundled examples. A replay of recorded registry data is served on
// 127.0.0.1, each example project gets an .npmrc naming it (the way a user configures a registry),
// and the CLI checks the project.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../server/src/cli/main';
import { cleanEnv } from '../test/support/env';
import { recordedScenario } from '../test/support/fixtureRegistry';
import { REPO_ROOT } from '../test/support/paths';
import { TestRegistry } from '../test/support/registryServer';

const EXAMPLES = path.join(REPO_ROOT, 'examples');

async function main(): Promise<number> {
  const registry = new TestRegistry();
  await registry.start();
  const base = registry.set('recorded', recordedScenario());
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'provenance-lens-demo-'));
  const expectations: Record<string, number> = { webapp: 1, 'tampered-lockfile': 1 };
  let ok = true;
  try {
    for (const example of Object.keys(expectations)) {
      const dir = path.join(home, example);
      fs.cpSync(path.join(EXAMPLES, example), dir, { recursive: true });
      fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${base}\n`);
      process.stdout.write(`\n=== provenance-lens check ${example}  (registry: recorded data replayed on ${base})\n\n`);
      const code = await runCli(['check', example, '--no-cache', '--no-tuf-refresh'], cleanEnv({ HOME: home }), { cwd: home });
      process.stdout.write(`\n(exit code ${code})\n`);
      ok &&= code === expectations[example];
    }
  } finally {
    await registry.stop();
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 2;
  },
);
