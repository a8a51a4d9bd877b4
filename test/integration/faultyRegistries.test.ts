// Faulty registries: the CLI checks a workspace in seven ecosystems (npm, Python, Ruby, Go, Maven, Cargo, Helm)
// whose registries sit behind FaultProxy (test/support/faultProxy.ts). For each fault, one package
// of every ecosystem is served badly — no answer, a reset, 429 with Retry-After, 503, a truncated,
// oversized or web-page body, or a body that drips in a byte at a time — and every other package
// normally. Each faulty package must end `unverifiable` (never verified, never invalid), within
// the deadline and after a bounded number of tries; its neighbours must keep their verdicts.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli';
import { FaultProxy, REGISTRY_FAULTS } from '../support/faultProxy';
import { FIXTURES, recordedScenario } from '../support/fixtureRegistry';
import { TestGemServer } from '../support/gemServer';
import { closeServer, listenOnLoopback } from '../support/loopback';
import { TestPypiIndex, provenanceObject } from '../support/pypiIndex';
import { TestRegistry } from '../support/registryServer';
import { TestSumdb } from '../support/sumdbServer';

const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const fixture = (relative: string) => fs.readFileSync(path.join(FIXTURES, relative));
/** The CLI's per-request deadline here; it makes 3 tries (2 retries, 250 and 500 ms apart). */
const TIMEOUT_MS = 1500;
const TRIES = 3;

interface Row {
  file: string;
  name: string;
  verdict: string;
  reason: string;
}

describe('faulty registries end unverifiable, in time, without harming other packages', function () {
  this.timeout(120_000);
  const npm = new TestRegistry();
  const pypi = new TestPypiIndex();
  const gems = new TestGemServer();
  const sumdb = new TestSumdb();
  let maven: http.Server;
  let mavenUrl: string;
  /** A Cargo sparse index and a classic Helm chart repository, as static files. */
  const files = new Map<string, Buffer>();
  let statics: http.Server;
  let staticUrl: string;
  const proxies: Record<string, FaultProxy> = {};
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    maven = http.createServer((req, res) => {
      const artifact = /^\/m2\/com\/example\/(\w+)\/1\.0\/\1-1\.0\.jar(\.sigstore\.json)?$/.exec(req.url ?? '');
      const body = artifact ? fixture(artifact[2] ? 'maven/bundle.v3_1.sigstore' : 'maven/artifact.txt') : undefined;
      res.writeHead(body ? 200 : 404);
      res.end(body ?? '');
    });
    statics = http.createServer((req, res) => {
      const body = files.get(req.url ?? '');
      res.writeHead(body ? 200 : 404, { 'content-type': req.url?.endsWith('.yaml') ? 'text/yaml' : 'application/octet-stream' });
      res.end(body ?? '');
    });
    await Promise.all([npm.start(), pypi.start(), gems.start(), sumdb.start(), listenOnLoopback(maven), listenOnLoopback(statics)]);
    mavenUrl = `http://127.0.0.1:${(maven.address() as AddressInfo).port}/m2`;
    staticUrl = `http://127.0.0.1:${(statics.address() as AddressInfo).port}`;

    // In each ecosystem the victim's paths get the fault; its neighbour is served as recorded.
    proxies.npm = new FaultProxy(npm.url('x'), /kms-demo/);
    proxies.pypi = new FaultProxy(pypi.url, /pypi[-_]attestation[-_]models/i);
    proxies.gem = new FaultProxy(gems.url, /sigstore/);
    proxies.golang = new FaultProxy(sumdb.proxy, /example\.test\/other/);
    proxies.maven = new FaultProxy(mavenUrl, /\/victim\//);
    proxies.cargo = new FaultProxy(staticUrl, /\/index\/.*victimcrate/);
    proxies.helm = new FaultProxy(staticUrl, /\/charts\/victimchart/);
    await Promise.all(Object.values(proxies).map((p) => p.start()));

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-faulty-'));
    fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${proxies.npm.through(npm.set('faulty', recordedScenario()))}\n`);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'faulty', dependencies: { sigstore: '1.0.0', 'kms-demo': '1.0.0' } }, null, 2));

    const gitlab = fixture('pypi/gitlab_oidc_project-0.0.3.tar.gz');
    const github = fixture('pypi/pypi_attestation_models-0.0.4a2.tar.gz');
    pypi.projects.set('gitlab-oidc-project', [
      {
        filename: 'gitlab_oidc_project-0.0.3.tar.gz',
        sha256: sha256(gitlab),
        provenance: provenanceObject(JSON.parse(fixture('pypi/gitlab_oidc_project-0.0.3.tar.gz.publish.attestation').toString()), {
          kind: 'GitLab',
          repository: 'facutuesca/gitlab-oidc-project',
          workflow_filepath: '.gitlab-ci.yml',
        }),
      },
    ]);
    pypi.projects.set('pypi-attestation-models', [
      {
        filename: 'pypi_attestation_models-0.0.4a2.tar.gz',
        sha256: sha256(github),
        provenance: provenanceObject(JSON.parse(fixture('pypi/pypi_attestation_models-0.0.4a2.tar.gz.attestation').toString()), {
          kind: 'GitHub',
          repository: 'trailofbits/pypi-attestation-models',
          workflow: 'release.yml',
        }),
      },
    ]);
    fs.writeFileSync(
      path.join(dir, 'requirements.txt'),
      `-i ${proxies.pypi.through(pypi.url)}\ngitlab-oidc-project==0.0.3 --hash=sha256:${sha256(gitlab)}\npypi-attestation-models==0.0.4a2 --hash=sha256:${sha256(github)}\n`,
    );

    const gem = fixture('rubygems/sigstore-1.0.0.gem');
    gems.gems.push({
      fullName: 'sigstore-1.0.0',
      gem,
      checksum: sha256(gem),
      attestations: [JSON.parse(fixture('rubygems/sigstore-1.0.0.gem.sigstore.json').toString())],
    });
    fs.writeFileSync(
      path.join(dir, 'Gemfile.lock'),
      `GEM\n  remote: ${proxies.gem.through(gems.url)}\n  specs:\n    sigstore (1.0.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  sigstore\n\nCHECKSUMS\n  sigstore (1.0.0) sha256=${sha256(gem)}\n`,
    );

    const record = {
      module: 'example.test/lib',
      version: 'v1.2.3',
      zip: `h1:${Buffer.alloc(32, 1).toString('base64')}`,
      mod: `h1:${Buffer.alloc(32, 2).toString('base64')}`,
    };
    const other = { ...record, module: 'example.test/other' };
    sumdb.setRecords([record, other]);
    fs.writeFileSync(path.join(dir, 'go.sum'), [record, other].map((r) => `${r.module} ${r.version} ${r.zip}\n`).join(''));

    const dependency = (id: string) => `<dependency><groupId>com.example</groupId><artifactId>${id}</artifactId><version>1.0</version></dependency>`;
    fs.writeFileSync(
      path.join(dir, 'pom.xml'),
      `<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>app</artifactId><version>1</version><repositories><repository><id>corp</id><url>${proxies.maven.through(mavenUrl)}</url></repository></repositories><dependencies>${dependency('signed')}${dependency('victim')}</dependencies></project>\n`,
    );

    // Cargo: a sparse index (crates have no signatures: a matching checksum is `unsigned`).
    const crate = (name: string) => ({ name, checksum: sha256(Buffer.from(name)) });
    const crates = [crate('goodcrate'), crate('victimcrate')];
    for (const c of crates)
      files.set(
        `/index/${c.name.slice(0, 2)}/${c.name.slice(2, 4)}/${c.name}`,
        Buffer.from(JSON.stringify({ name: c.name, vers: '1.0.0', cksum: c.checksum }) + '\n'),
      );
    const cargoSource = `sparse+${proxies.cargo.through(staticUrl)}/index/`;
    fs.writeFileSync(
      path.join(dir, 'Cargo.lock'),
      `version = 3\n\n${crates.map((c) => `[[package]]\nname = "${c.name}"\nversion = "1.0.0"\nsource = "${cargoSource}"\nchecksum = "${c.checksum}"\n`).join('\n')}`,
    );

    // Helm: a classic repository's index and archives (published without provenance: `unsigned`).
    const charts = ['goodchart', 'victimchart'];
    files.set(
      '/charts/index.yaml',
      Buffer.from(
        JSON.stringify({
          apiVersion: 'v1',
          entries: Object.fromEntries(charts.map((c) => [c, [{ name: c, version: '1.0.0', urls: [`${c}-1.0.0.tgz`], digest: sha256(Buffer.from(c)) }]])),
        }),
      ),
    );
    for (const c of charts) files.set(`/charts/${c}-1.0.0.tgz`, Buffer.from(c));
    fs.writeFileSync(
      path.join(dir, 'Chart.yaml'),
      `apiVersion: v2\nname: faulty\nversion: 0.1.0\ndependencies:\n${charts.map((c) => `  - name: ${c}\n    version: 1.0.0\n    repository: ${proxies.helm.through(staticUrl)}/charts\n`).join('')}`,
    );
    env = { GOSUMDB: sumdb.vkey, GOPROXY: proxies.golang.through(sumdb.proxy) };
  });

  after(async () => {
    await Promise.all(Object.values(proxies).map((p) => p.stop()));
    await Promise.all([npm.stop(), pypi.stop(), gems.stop(), sumdb.stop(), closeServer(maven), closeServer(statics)]);
  });

  const victim = (row: Row) =>
    ['kms-demo', 'pypi-attestation-models', 'sigstore@gem', 'example.test/other', 'com.example:victim', 'victimcrate', 'victimchart'].includes(
      row.file === 'Gemfile.lock' ? `${row.name}@gem` : row.name,
    );
  /** Each package's verdict when nothing is wrong: what its neighbours must still get under a fault. */
  let healthy: Map<string, string>;
  const rowKey = (r: Row) => `${r.file} ${r.name}`;

  it('serves every package well when nothing is wrong', async () => {
    const { rows } = await check(dir, env);
    healthy = new Map(rows.map((r) => [rowKey(r), r.verdict]));
    // Crates and charts without provenance files are unsigned at best; everything else verifies.
    const expected = (r: Row) => (r.file === 'Cargo.lock' || r.file === 'Chart.yaml' ? 'unsigned' : 'verified');
    assert.deepEqual(
      rows.filter((r) => r.verdict !== expected(r)).map((r) => `${r.file} ${r.name}: ${r.verdict} ${r.reason}`),
      [],
    );
    assert.equal(rows.length, 13);
  });

  for (const fault of REGISTRY_FAULTS) {
    it(`${fault}: the victims are unverifiable, their neighbours keep their verdicts`, async () => {
      for (const proxy of Object.values(proxies)) {
        proxy.fault = fault;
        proxy.victimHits.clear();
      }
      const started = performance.now();
      const { rows, stdout } = await check(dir, env).finally(() => {
        for (const proxy of Object.values(proxies)) proxy.fault = 'none';
      });
      const seconds = (performance.now() - started) / 1000;
      const summary = rows.map((r) => `${r.file} ${r.name}: ${r.verdict}`);
      assert.deepEqual(
        rows.filter(victim).map((r) => `${r.file} ${r.name}: ${r.verdict}`),
        [
          'Cargo.lock victimcrate: unverifiable',
          'Chart.yaml victimchart: unverifiable',
          'Gemfile.lock sigstore: unverifiable',
          'go.sum example.test/other: unverifiable',
          'package.json kms-demo: unverifiable',
          'pom.xml com.example:victim: unverifiable',
          'requirements.txt pypi-attestation-models: unverifiable',
        ],
        summary.join('\n'),
      );
      const neighbours = rows.filter((r) => !victim(r));
      assert.equal(neighbours.length, 6);
      assert.deepEqual(
        neighbours.map((r) => `${rowKey(r)}: ${r.verdict}`),
        neighbours.map((r) => `${rowKey(r)}: ${healthy.get(rowKey(r))}`),
        'the neighbours keep their verdicts',
      );
      for (const [ecosystem, proxy] of Object.entries(proxies)) {
        assert.ok(proxy.victimHits.size > 0, `${ecosystem}: the fault was reached`);
        assert.ok(proxy.mostRequestsForOnePath <= TRIES, `${ecosystem}: ${proxy.mostRequestsForOnePath} tries of one URL`);
      }
      // Each victim needs at most a few requests in a row, each bounded by the deadline and its tries.
      assert.ok(seconds < 3 * TRIES * (TIMEOUT_MS / 1000 + 1), `took ${seconds.toFixed(1)} s`);
      assert.doesNotMatch(stdout, /at .*\.js:\d+/, 'no stack trace');
      console.log(`      ${fault}: ${seconds.toFixed(1)} s; ${rows.filter(victim)[0].reason.slice(0, 110)}`);
    });
  }
});

async function check(cwd: string, env: Record<string, string>): Promise<{ rows: Row[]; stdout: string }> {
  const { stdout, stderr } = await runCli(['check', '--format', 'json', '--no-cache', '--no-tuf-refresh', '--timeout', String(TIMEOUT_MS)], cwd, env);
  let results: Row[];
  try {
    results = JSON.parse(stdout).results;
  } catch {
    throw new Error(`the CLI printed no JSON: ${stdout}${stderr}`);
  }
  return { rows: results.sort((a, b) => `${a.file} ${a.name}`.localeCompare(`${b.file} ${b.name}`)), stdout };
}
