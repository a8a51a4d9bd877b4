// The benchmark's registry, in its own process so its work does not share an event loop with the
// clients being measured. Reads a scenario file, prints the base URL, serves until killed.

import * as fs from 'node:fs';
import { TestRegistry } from '../test/support/registryServer';

async function main(): Promise<void> {
  const registry = new TestRegistry();
  await registry.start();
  const url = registry.set('bench', JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
  process.stdout.write(url + '\n');
}

void main();
