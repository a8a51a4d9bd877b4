// Ships three bundles: the extension (vscode is provided by the host), the server and the CLI.
import * as esbuild from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // jsonc-parser's UMD build hides its requires from bundlers; its ES module build does not.
  mainFields: ['module', 'main'],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  esbuild.build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js', external: ['pacote'] }),
  esbuild.build({ ...common, entryPoints: ['bench/registryProcess.ts'], outfile: 'dist/bench-registry.js' }),
  esbuild.build({ ...common, entryPoints: ['scripts/demo.ts'], outfile: 'dist/demo.js' }),
]);
