// `provenance-lens attestation verify` against gh's own tests of `gh attestation verify` (cli/cli
// @ 44ee177): every case they run on local data, as a command line of the built CLI with the flags
// gh's test uses, must pass or fail as gh's test expects (test/support/ghParityCases.ts lists them
// with our own cases for what gh's source decides beyond its tests). The API cases talk to a GitHub
// API on 127.0.0.1 serving what gh's test client serves. Prints `gh parity: N/N cases agree` and
// writes every outcome to test-artifacts/gh-parity-report.json.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CliRun, runCli } from '../support/cli';
import { FIXTURES } from '../support/fixtureRegistry';
import { GH_COMMIT, NOT_APPLICABLE, type ParityCase, TEMP_FILES, parityCases } from '../support/ghParityCases';
import { closeServer, listenOnLoopback } from '../support/loopback';
import { REPO_ROOT } from '../support/paths';
import { REASONS, type ReasonCode } from '../../server/src/core/reasons';

const DATA = path.join(FIXTURES, 'github');
const read = (name: string) => fs.readFileSync(path.join(DATA, name), 'utf8');

interface Outcome {
  run: CliRun;
  verdict?: string;
  code?: string;
  reason?: string;
  agrees: boolean;
}

/** gh's api.NewTestClient: the sigstore-js bundle twice, whatever is asked; the URLs asked are kept. */
function mockApi(seen: string[]): http.Server {
  const bundle = JSON.parse(read('sigstore-js-2.1.0-bundle.json')) as unknown;
  return http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const known = /^\/(orgs\/[^/]+|repos\/[^/]+\/[^/]+)\/attestations\/(sha256|sha512):[0-9a-f]+\?per_page=\d+$/.test(req.url ?? '');
    res.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(known ? { attestations: [{ bundle }, { bundle }] } : { message: 'Not Found' }));
  });
}

/** gh's api.NewFailTestClient: every request fails. */
function failingApi(): http.Server {
  return http.createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"message":"Server Error"}');
  });
}

/** The files some cases name, made from gh's data (see TEMP_FILES). */
function makeTempFiles(tmp: string): void {
  const jsonl = read('sigstore-js-2.1.0_with_2_bundles.jsonl');
  fs.writeFileSync(path.join(tmp, TEMP_FILES.empty), '');
  fs.writeFileSync(path.join(tmp, TEMP_FILES.extraLines), `${jsonl.trimEnd()}\n\n\n`);
  const good = read('github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl').trim();
  const broken = read('github_provenance_demo-0.0.12-py3-none-any-bundle-missing-cert.jsonl').trim();
  fs.writeFileSync(path.join(tmp, TEMP_FILES.mixed), `${good}\n${broken}\n`);
  // As `gh attestation trusted-root` prints them: public-good's root, then GitHub's, one a line.
  const github = fs.readFileSync(path.join(REPO_ROOT, 'server', 'src', 'core', 'attestations', 'github_trusted_root.json'), 'utf8');
  fs.writeFileSync(path.join(tmp, TEMP_FILES.roots), `${JSON.stringify(JSON.parse(read('trusted_root.json')))}\n${JSON.stringify(JSON.parse(github))}\n`);
}

/** Runs `tasks` with at most `width` at a time. */
async function pooled<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

function judge(c: ParityCase, run: CliRun): Outcome {
  let verdict: string | undefined;
  let code: string | undefined;
  let reason: string | undefined;
  if (run.status !== 2) {
    try {
      ({ verdict, code, reason } = JSON.parse(run.stdout) as { verdict?: string; code?: string; reason?: string });
    } catch {
      // Not a verdict (a fetch failure says why on stderr).
    }
  }
  const ours = c.compare === 'flags' ? run.status !== 2 : run.status === 0;
  return { run, verdict, code, reason: reason ?? run.stderr.trim(), agrees: ours === (c.ghExpects === 'pass') };
}

describe("gh parity: attestation verify on gh's own test data and flags", function () {
  this.timeout(180_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-gh-parity-'));
  const cases = parityCases(tmp);
  const outcomes = new Map<ParityCase, Outcome>();
  const seen: string[] = [];
  let mock: http.Server;
  let failing: http.Server;

  before(async () => {
    makeTempFiles(tmp);
    mock = mockApi(seen);
    failing = failingApi();
    const ports = { mock: await listenOnLoopback(mock), failing: await listenOnLoopback(failing) };
    const runs = await pooled(
      cases.map((c) => () => {
        const env: Record<string, string> = { ...c.env };
        if (c.api) env.GITHUB_API_URL = `http://127.0.0.1:${ports[c.api]}`;
        const extra = c.args.includes('--format') ? ['--no-tuf-refresh'] : ['--no-tuf-refresh', '--format', 'json'];
        return runCli(['attestation', 'verify', ...c.args, ...extra], DATA, env);
      }),
      6,
    );
    cases.forEach((c, i) => outcomes.set(c, judge(c, runs[i])));
  });

  after(async () => {
    await closeServer(mock);
    await closeServer(failing);
    fs.rmSync(tmp, { recursive: true, force: true });
    const rows = cases.map((c) => {
      const o = outcomes.get(c);
      return {
        gh: c.gh,
        point: c.point,
        ghExpects: c.ghExpects,
        compare: c.compare ?? 'outcome',
        args: c.args,
        env: c.env,
        api: c.api,
        exit: o?.run.status,
        expectedExit: c.exit,
        verdict: o?.verdict,
        reason: o?.reason,
        agrees: o?.agrees ?? false,
        note: c.note,
      };
    });
    const agreeing = rows.filter((r) => r.agrees).length;
    console.log(`      gh parity: ${agreeing}/${rows.length} cases agree (${NOT_APPLICABLE.length} of gh's cases not applicable)`);
    fs.mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    const report = { gh: `cli/cli@${GH_COMMIT}`, agree: agreeing, total: rows.length, cases: rows, notApplicable: NOT_APPLICABLE };
    fs.writeFileSync(path.join(REPO_ROOT, 'test-artifacts', 'gh-parity-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  });

  for (const c of cases) {
    it(`${c.ghExpects === 'pass' ? 'passes' : 'fails'} as gh: ${c.gh}`, () => {
      const o = outcomes.get(c)!;
      const detail = `${c.args.join(' ')}\n${o.run.stdout}${o.run.stderr}`;
      assert.ok(o.agrees, `disagrees with gh (${c.ghExpects}, ${c.compare ?? 'outcome'}): ${detail}`);
      assert.equal(o.run.status, c.exit, detail);
      if (c.verdict) assert.equal(o.verdict, c.verdict, detail);
      // The verdict is the one its reason code stands for (core/reasons.ts).
      if (o.verdict !== undefined)
        assert.equal((REASONS[o.code as ReasonCode] as { verdict?: string } | undefined)?.verdict, o.verdict, `code ${o.code}: ${detail}`);
      if (c.reason) assert.match(o.reason ?? '', c.reason, detail);
    });
  }

  it("asks the API for the file's digest under --digest-alg, and pages by --limit (at most 100 a page)", () => {
    const tgz = fs.readFileSync(path.join(DATA, 'sigstore-js-2.1.0.tgz'));
    const sha512 = crypto.createHash('sha512').update(tgz).digest('hex');
    const sha256 = crypto.createHash('sha256').update(tgz).digest('hex');
    assert.ok(seen.includes(`/orgs/sigstore/attestations/sha512:${sha512}?per_page=30`), seen.join('\n'));
    assert.ok(seen.includes(`/repos/sigstore/sigstore-js/attestations/sha512:${sha512}?per_page=30`), seen.join('\n'));
    assert.ok(seen.includes(`/orgs/sigstore/attestations/sha256:${sha256}?per_page=30`), seen.join('\n'));
    assert.ok(seen.includes(`/orgs/sigstore/attestations/sha256:${sha256}?per_page=100`), 'gh --limit 101: 100 a page');
  });
});
