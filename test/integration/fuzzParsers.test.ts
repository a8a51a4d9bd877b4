// Parser fuzzing (issue 8): every file kind's parser receives generated and mutated inputs —
// arbitrary text, truncations, insertions and duplications of real files, CRLF, byte-order marks,
// deep nesting, huge tokens, invalid UTF-8 — and must never throw, never take long, and report
// ranges inside the document. fast-check makes the inputs (seeded per run; the seed is printed
// on failure so a case can be replayed; see SEED).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseFile } from '../../server/src/core/fileKinds';
import type { Range } from '../../server/src/core/dependency';
import { FIXTURES } from '../support/fixtureRegistry';

/** Inputs per file kind and run (the issue asks for at least 10,000). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/**
 * The same inputs every run, so CI stays reproducible; FUZZ_SEED=random (or a number) explores
 * others — run it locally, and turn what it finds into fixes.
 */
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() : Number(process.env.FUZZ_SEED ?? 20261126);
/** A parse of a small input taking longer than this is a hang in the making. */
const SLOW_MS = 1000;
const SEED_LIMIT = 3000;

const sample = (...parts: string[]) => fs.readFileSync(path.join(FIXTURES, ...parts), 'utf8').slice(0, SEED_LIMIT);
/** A file name of each kind, and real text to mutate. */
const KINDS: Array<[string, string]> = [
  ['/w/package.json', '{ "name": "a", "dependencies": { "sigstore": "^1.0.0", "@scope/x": "1.2.3" }, "devDependencies": { "y": "latest" } }'],
  [
    '/w/package-lock.json',
    '{ "lockfileVersion": 3, "packages": { "": { "dependencies": { "a": "1.0.0" } }, "node_modules/a": { "version": "1.0.0", "integrity": "sha512-AAAA" } } }',
  ],
  ['/w/provenance-policy.json', '{ "packages": [{ "match": "*", "signers": [{ "issuer": "https://i", "subject": "s" }] }] }'],
  ['/w/provenance-policy.yaml', 'packages:\n  - match: "@scope/*"\n    requireProvenance: true\n'],
  [
    '/w/Dockerfile',
    'ARG V=1.0\nFROM --platform=linux/amd64 registry.example/app:${V} AS build\nCOPY --from=build /a /b\nFROM alpine@sha256:' + '0'.repeat(64) + '\n',
  ],
  ['/w/compose.yaml', 'services:\n  web:\n    image: registry.example/web:1.0\n  db:\n    image: "postgres:16"\n'],
  [
    '/w/k8s.yaml',
    'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: registry.example/a:1\n---\napiVersion: apps/v1\nkind: Deployment\n',
  ],
  ['/w/.github/workflows/ci.yml', sample('github', 'sigstore-python-ci.yml')],
  ['/w/values.yaml', 'image:\n  registry: registry.example\n  repository: app\n  tag: "1.0"\n'],
  [
    '/w/Chart.yaml',
    'apiVersion: v2\nname: x\ndependencies:\n  - name: y\n    version: 1.2.3\n    repository: oci://registry.example/charts\n  - name: z\n    version: ~1.0\n    repository: "@corp"\n',
  ],
  [
    '/w/Chart.lock',
    'dependencies:\n- name: z\n  repository: https://charts.example/corp\n  version: 1.0.4\ndigest: sha256:00\ngenerated: "2024-01-01T00:00:00Z"\n',
  ],
  [
    '/w/helmfile.yaml',
    'repositories:\n  - name: corp\n    url: https://charts.example/corp\n  - name: regy\n    url: registry.example/charts\n    oci: true\nreleases:\n  - name: a\n    chart: corp/api\n    version: 1.4.0\n  - name: b\n    chart: regy/cache\n    version: 3.1.0\n',
  ],
  ['/w/bom.json', sample('sbom', 'dev-dependencies.bom.1.6.json')],
  ['/w/bom.xml', sample('sbom', 'dev-dependencies.bom.1.6.xml')],
  ['/w/sbom.spdx.json', sample('sbom', 'syft-relationship-order.spdx.json')],
  ['/w/app.spdx', sample('sbom', 'cosign-go-mod.spdx')],
  ['/w/sbom.spdx3.json', sample('sbom', 'k8s-bom-example11.spdx3.json')],
  ['/w/requirements.txt', sample('python', 'sigstore-python.requirements.txt')],
  ['/w/pyproject.toml', sample('python', 'sigstore-python.pyproject.toml')],
  ['/w/poetry.lock', sample('python', 'poetry.poetry.lock')],
  ['/w/uv.lock', sample('python', 'sigstore-python.uv.lock')],
  ['/w/Pipfile.lock', sample('python', 'pipenv.Pipfile.lock')],
  ['/w/Gemfile.lock', sample('rubygems', 'vendor_gems.rb.lock')],
  [
    '/w/go.sum',
    'github.com/google/uuid v1.1.1 h1:Gkbcsh/GbpXz7lPftLA3P6TYMwjCLYm83jiFQZF/3gY=\ngithub.com/google/uuid v1.1.1/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=\n',
  ],
  ['/w/go.mod', 'module x\n\ngo 1.22\n\nrequire (\n\tgithub.com/google/uuid v1.1.1\n\tgolang.org/x/text v0.14.0 // indirect\n)\n'],
  [
    '/w/pom.xml',
    '<project><properties><v>1.0</v></properties><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${v}</version></dependency></dependencies></project>',
  ],
  ['/w/gradle/libs.versions.toml', '[versions]\na = "1.0"\n[libraries]\nx = { module = "g:a", version.ref = "a" }\ny = "g:b:2.0"\n'],
  ['/w/Cargo.lock', sample('cargo', 'rust_ruby_example.Cargo.lock')],
  ['/w/Cargo.toml', '[dependencies]\nserde = { version = "1", features = ["derive"] }\nmemchr = "2"\n[dev-dependencies]\nx = { path = "../x" }\n'],
];

/** Text from a seed: cut, spliced, repeated, re-encoded — the shapes broken files take. */
function mutated(seed: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: seed.length });
  return fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    at.map((n) => seed.slice(0, n)),
    fc.tuple(at, fc.string({ unit: 'binary', maxLength: 20 })).map(([n, s]) => seed.slice(0, n) + s + seed.slice(n)),
    fc.tuple(at, at).map(([a, b]) => seed.slice(0, Math.max(a, b)) + seed.slice(Math.min(a, b))),
    fc.tuple(at, at).map(([a, b]) => seed.slice(0, Math.min(a, b)) + seed.slice(Math.max(a, b))),
    fc.constant(seed.replace(/\n/g, '\r\n')),
    fc.constant(`\uFEFF${seed}`),
    fc.integer({ min: 100, max: 3000 }).map((n) => '['.repeat(n) + seed + ']'.repeat(n / 2)),
    fc.integer({ min: 100, max: 3000 }).map((n) => '{"a":'.repeat(n)),
    fc.integer({ min: 1, max: 4 }).map((n) => `${seed.slice(0, 40)}${'x'.repeat(n * 25_000)}`),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
    fc.tuple(at, fc.uint8Array({ maxLength: 40 })).map(([n, bytes]) => seed.slice(0, n) + Buffer.from(bytes).toString('latin1') + seed.slice(n)),
  );
}

function inside(range: Range, lines: string[]): boolean {
  const ok = (p: Range['start']) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  const ordered = range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character);
  return ok(range.start) && ok(range.end) && ordered;
}

describe('parser fuzzing', function () {
  this.timeout(300_000);
  let total = 0;

  for (const [file, seed] of KINDS) {
    it(`${path.basename(file)}: ${RUNS.toLocaleString('en')} generated and mutated inputs, no throw, no stall, ranges inside the text`, () => {
      let slowest = 0;
      fc.assert(
        fc.property(mutated(seed), (text) => {
          const started = performance.now();
          const parsed = parseFile(file, text);
          const took = performance.now() - started;
          slowest = Math.max(slowest, took);
          if (took > SLOW_MS) throw new Error(`parsing took ${took.toFixed(0)} ms for ${text.length} characters`);
          if (!parsed) return;
          // Lines as an editor counts them: \r\n, \r and \n all end a line.
          const lines = text.split(/\r\n|\r|\n/);
          for (const d of parsed.dependencies) {
            assert.ok(inside(d.nameRange, lines) && inside(d.specRange, lines), `dependency ${d.name}: ${JSON.stringify([d.nameRange, d.specRange])}`);
          }
          for (const p of parsed.problems) assert.ok(inside(p.range, lines), `problem "${p.message}" at ${JSON.stringify(p.range)}`);
        }),
        { numRuns: RUNS, seed: SEED + file.length },
      );
      total += RUNS;
      assert.ok(slowest <= SLOW_MS);
    });
  }

  after(() => console.log(`      fuzzed ${KINDS.length} file kinds with ${total.toLocaleString('en')} inputs`));
});
