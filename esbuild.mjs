// Ships three bundles: the extension (vscode is provided by the host), the server and the CLI.
import * as fs from 'node:fs';
import * as esbuild from 'esbuild';

// The CycloneDX library reads its JSON schemas from `<its folder>/../res/schema` at run time. In
// a bundle that folder is dist/, so the schemas are copied to dist/cyclonedx-res and the library
// is pointed there. Its XML validator's optional native dependency is not shipped: XML schemas are
// applied by xmllint-wasm, which starts `xmllint-node.js` (loading `xmllint.wasm`) from beside the
// bundle as a worker, so both are copied to dist/ too.
const CYCLONEDX_RES = 'dist/cyclonedx-res/schema';
fs.mkdirSync(CYCLONEDX_RES, { recursive: true });
for (const file of fs.readdirSync('node_modules/@cyclonedx/cyclonedx-library/res/schema').filter((f) => f.endsWith('.json') || f.endsWith('.xsd'))) {
  fs.copyFileSync(`node_modules/@cyclonedx/cyclonedx-library/res/schema/${file}`, `${CYCLONEDX_RES}/${file}`);
}
for (const file of ['xmllint-node.js', 'xmllint.wasm']) fs.copyFileSync(`node_modules/xmllint-wasm/${file}`, `dist/${file}`);
const cyclonedxResources = {
  name: 'cyclonedx-resources',
  setup(build) {
    build.onLoad({ filter: /cyclonedx-library[\\/]dist\.node[\\/]resources\.node\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const patched = source.replace("(__dirname, '..', 'res')", "(__dirname, 'cyclonedx-res')");
      if (patched === source) throw new Error('the CycloneDX library no longer names its resources as expected');
      return { contents: patched, loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // jsonc-parser's UMD build hides its requires from bundlers; its ES module build does not.
  mainFields: ['module', 'main'],
  plugins: [cyclonedxResources],
  // openpgp's ES module build reads import.meta.url, which a CommonJS bundle does not have; its CommonJS build does not.
  // ajv-formats-draft2019 requires `punycode`, which Node resolves to its deprecated built-in (a
  // warning on every run under Node 22+) although it depends on the userland package of that name.
  alias: { openpgp: './node_modules/openpgp/dist/node/openpgp.cjs', punycode: './node_modules/punycode/punycode.js' },
  external: ['libxmljs2'],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', ...common.external] }),
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  // The SBOM schema validator's worker thread (server and CLI start it from beside their bundle).
  esbuild.build({ ...common, entryPoints: ['server/src/core/sbom/schemaWorker.ts'], outfile: 'dist/schemaWorker.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/core/ecosystems/helm/helmIndexWorker.ts'], outfile: 'dist/helmIndexWorker.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  esbuild.build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js', external: ['pacote', ...common.external] }),
  esbuild.build({ ...common, entryPoints: ['bench/registryProcess.ts'], outfile: 'dist/bench-registry.js' }),
  esbuild.build({ ...common, entryPoints: ['scripts/demo.ts'], outfile: 'dist/demo.js' }),
]);
