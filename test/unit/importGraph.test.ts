// The import graph of the code, as files import files (type imports too), at any depth: no cycle,
// and nothing running back up — the front doors (server.ts, cli/) over features/ over the core;
// shared machinery below the ecosystems; each ecosystem its own; the client and the server meeting
// only in server/src/shared/. (Lint's path patterns only see a fixed depth; this sees every file.)

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

const SRC = path.join(REPO_ROOT, 'server', 'src');
const CLIENT = path.join(REPO_ROOT, 'client', 'src');
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [base, `${base}.ts`, path.join(base, 'index.ts')].find(
    (candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile() && candidate.endsWith('.ts'),
  );
}

/** file (relative to the repository) → the files it imports. */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const targets = [...text.matchAll(SPECIFIER)].map((m) => resolve(file, m[2])).filter((t): t is string => t !== undefined);
    graph.set(path.relative(REPO_ROOT, file), [...new Set(targets.map((t) => path.relative(REPO_ROOT, t)))]);
  }
  return graph;
}

/** Every cycle's files, once each (strongly connected components of more than one file, or a file importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

const server = importGraph(sources(SRC));
const under = (file: string, ...prefixes: string[]) => prefixes.some((p) => file === p || file.startsWith(p.endsWith('.ts') ? p : `${p}/`));
const S = 'server/src';
const CORE = `${S}/core`;
/** Machinery every part of the core shares: it knows no ecosystem, and nothing above it. */
const SHARED_MACHINERY = [
  'formats',
  'http',
  'sigstore',
  'trust',
  'cache',
  'signing',
  'dependency.ts',
  'parsedFile.ts',
  'result.ts',
  'verdict.ts',
  'scheduler.ts',
  'readText.ts',
  'siblingLock.ts',
  'workerClient.ts',
  'reachable.ts',
  'reasons.ts',
].map((p) => `${CORE}/${p}`);
/** The SBOM document's data types: shared like the dependency they hold. */
const SBOM_MODEL = `${CORE}/sbom/sbomModel.ts`;
/** What brings the ecosystems together: above them, never imported by them. */
const ABOVE_ECOSYSTEMS = ['checker.ts', 'fileKinds.ts', 'workspaceFiles.ts', 'sbom/generate.ts', 'sbom/diff.ts', 'sbom/diffProvenance.ts'].map(
  (p) => `${CORE}/${p}`,
);

function violations(rule: (from: string, to: string) => string | undefined): string[] {
  return [...server].flatMap(([from, targets]) => targets.flatMap((to) => rule(from, to) ?? []).map((why) => `${from} → ${why}`));
}

describe('import graph', () => {
  it('has no cycle, at any depth (type imports count)', () => {
    assert.deepEqual(
      cycles(server).map((c) => c.join(' ↔ ')),
      [],
    );
  });

  it('runs downwards: front doors → features → core; the core knows no editor, no protocol, no front door', () => {
    assert.deepEqual(
      violations((from, to) => {
        if (under(from, `${S}/features`) && under(to, `${S}/cli`, `${S}/cli.ts`, `${S}/server.ts`)) return to;
        if (under(from, CORE) && under(to, `${S}/features`, `${S}/cli`, `${S}/cli.ts`, `${S}/server.ts`, `${S}/shared/protocol.ts`)) return to;
        return undefined;
      }),
      [],
    );
  });

  it('keeps shared machinery free of ecosystems and of what sits above it', () => {
    assert.deepEqual(
      violations((from, to) =>
        under(from, ...SHARED_MACHINERY) &&
        under(to, `${CORE}/ecosystems`, ...ABOVE_ECOSYSTEMS, `${CORE}/sbom`, `${CORE}/artifacts`, `${CORE}/attestations`) &&
        !under(to, SBOM_MODEL)
          ? to
          : undefined,
      ),
      [],
    );
  });

  it('keeps each ecosystem to itself: no ecosystem imports another, or what brings them together', () => {
    const ecosystemOf = (file: string) => /^server\/src\/core\/ecosystems\/([^/]+)\//.exec(file)?.[1];
    assert.deepEqual(
      violations((from, to) => {
        const mine = ecosystemOf(from);
        if (!mine) return undefined;
        const theirs = ecosystemOf(to);
        if (theirs && theirs !== mine) return to;
        return under(to, ...ABOVE_ECOSYSTEMS, `${CORE}/ecosystems/registry.ts`) ? to : undefined;
      }),
      [],
    );
  });

  it('shares only server/src/shared/ between the client and the server, and shared/ imports nothing else', () => {
    const client = importGraph(sources(CLIENT));
    const crossing = [...client].flatMap(([from, targets]) => targets.filter((to) => under(to, S) && !under(to, `${S}/shared`)).map((to) => `${from} → ${to}`));
    const sharedOut = [...server].flatMap(([from, targets]) =>
      under(from, `${S}/shared`) ? targets.filter((to) => !under(to, `${S}/shared`)).map((to) => `${from} → ${to}`) : [],
    );
    assert.deepEqual([...crossing, ...sharedOut], []);
  });

  it('keeps parsers to text: no module with a parser reaches HTTP, a registry client or a verifier', () => {
    const text = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
    // HTTP itself, what speaks it (registry clients), and verifiers.
    const http = `${CORE}/http/http.ts`;
    const io = (file: string) => file === http || (server.get(file) ?? []).includes(http) || /\bclass \w+Verifier\b/.test(text(file));
    const reach = (file: string, seen = new Set<string>()): Set<string> => {
      for (const next of server.get(file) ?? []) if (!seen.has(next)) reach(next, seen.add(next));
      return seen;
    };
    const parsers = [...server.keys()].filter(
      (file) => under(file, `${CORE}/ecosystems`, `${CORE}/formats`, `${CORE}/sbom`) && /\bexport function parse[A-Z]\w*\(/.test(text(file)) && !io(file),
    );
    assert.ok(parsers.length > 20, `found ${parsers.length} parser modules`);
    assert.deepEqual(
      parsers.flatMap((file) => [...reach(file)].filter(io).map((to) => `${file} → ${to}`)),
      [],
    );
  });
});
