// Helm: Chart.yaml, Chart.lock and helmfile are read with their ranges (classic-repository charts
// as `helm` dependencies, OCI charts as image references); classic charts are checked against a
// chart repository on 127.0.0.1 the way `helm pull --verify` checks them — index digest, a
// provenance file made here with GnuPG, the user's keyring — through the built CLI, with the
// repository named by helm's own configuration (and its credentials, for its host only).

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseChartLock, parseChartYaml, parseHelmfile } from '../../server/src/core/ecosystems/helm/charts';
import { runCli } from '../support/cli';
import { GpgSigner, gpgAvailable, helmProvenance } from '../support/gpg';
import { closeServer, listenOnLoopback } from '../support/loopback';

const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A real chart archive, as `helm package` makes it: `<name>/Chart.yaml` in a gzipped tar. */
function chartArchive(name: string, version: string): { archive: Buffer; chartYaml: string } {
  const dir = tempDir('pl-chart-');
  const chartYaml = `apiVersion: v2\nname: ${name}\nversion: ${version}\ndescription: A chart made for the test\ntype: application\n`;
  fs.mkdirSync(path.join(dir, name));
  fs.writeFileSync(path.join(dir, name, 'Chart.yaml'), chartYaml);
  const file = path.join(dir, `${name}-${version}.tgz`);
  execFileSync('tar', ['-czf', file, '-C', dir, name]);
  return { archive: fs.readFileSync(file), chartYaml };
}

/** A classic chart repository: index.yaml, archives and provenance files, behind Basic authentication. */
class ChartRepository {
  readonly files = new Map<string, Buffer>();
  readonly seen: Array<{ path: string; authorization?: string }> = [];
  private server?: http.Server;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
      if (req.headers.authorization !== `Basic ${Buffer.from('reader:chart-s3cret').toString('base64')}`)
        return void res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end();
      const body = this.files.get(req.url ?? '');
      res.writeHead(body ? 200 : 404, { 'content-type': req.url?.endsWith('.yaml') ? 'text/yaml' : 'application/octet-stream' }).end(body ?? '');
    });
    await listenOnLoopback(this.server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/charts`;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** Publishes a chart version: its archive, the index entry (with `digest`), and a provenance file unless `prov` is null. */
  publish(name: string, version: string, archive: Buffer, prov: string | null, indexDigest = sha256(archive)): void {
    this.files.set(`/charts/${name}-${version}.tgz`, archive);
    if (prov === null) this.files.delete(`/charts/${name}-${version}.tgz.prov`);
    else this.files.set(`/charts/${name}-${version}.tgz.prov`, Buffer.from(prov));
    this.entries.set(`${name}@${version}`, { name, version, digest: indexDigest, urls: [`${name}-${version}.tgz`] });
    const entries: Record<string, unknown[]> = {};
    for (const e of this.entries.values()) (entries[e.name] ??= []).push({ apiVersion: 'v2', ...e });
    this.files.set('/charts/index.yaml', Buffer.from(JSON.stringify({ apiVersion: 'v1', entries })));
  }

  private readonly entries = new Map<string, { name: string; version: string; digest: string; urls: string[] }>();
}

describe('Helm charts', function () {
  this.timeout(60_000);

  describe('reading Chart.yaml, Chart.lock and helmfile', () => {
    it('finds classic-repository charts with ranges, OCI charts as images, and skips local ones', () => {
      const chart = [
        'apiVersion: v2',
        'name: shop',
        'version: 1.0.0',
        'dependencies:',
        '  - name: web',
        '    version: "~1.2.0"',
        '    repository: https://charts.example.test/stable',
        '  - name: db',
        '    version: 2.0.1',
        '    repository: "@corp"',
        '  - name: cache',
        '    version: 3.1.0',
        '    repository: oci://registry.example.test/charts',
        '  - name: local',
        '    version: 0.1.0',
        '    repository: file://../local',
        '',
      ].join('\n');
      const parsed = parseChartYaml(chart);
      assert.deepEqual(parsed.problems, []);
      const rows = parsed.dependencies.map((d) => [d.ecosystem, d.name, d.spec, d.version, d.index]);
      assert.deepEqual(rows, [
        ['helm', 'web', '~1.2.0', undefined, 'https://charts.example.test/stable'],
        ['helm', 'db', '2.0.1', '2.0.1', '@corp'],
        ['oci', 'registry.example.test/charts/cache', '3.1.0', undefined, undefined],
      ]);
      const db = parsed.dependencies[1];
      assert.deepEqual(db.specRange, { start: { line: 8, character: 13 }, end: { line: 8, character: 18 } });
      const lock = parseChartLock(
        'dependencies:\n- name: web\n  repository: https://charts.example.test/stable\n  version: 1.2.3\ndigest: sha256:abc\ngenerated: "2024-01-01T00:00:00Z"\n',
      );
      assert.deepEqual(
        lock.dependencies.map((d) => [d.name, d.version]),
        [['web', '1.2.3']],
      );
    });

    it('resolves helmfile releases through its repositories, and says what it cannot check', () => {
      const helmfile = [
        'repositories:',
        '  - name: corp',
        '    url: https://charts.example.test/corp',
        '  - name: regy',
        '    url: registry.example.test/charts',
        '    oci: true',
        'releases:',
        '  - name: api',
        '    chart: corp/api',
        '    version: 1.4.0',
        '  - name: cache',
        '    chart: regy/cache',
        '    version: 3.1.0',
        '  - name: own',
        '    chart: ./charts/own',
        '  - name: other',
        '    chart: stable/nginx',
        '    version: 9.0.0',
        '  - name: floating',
        '    chart: regy/float',
        '    version: ">=1"',
        '',
      ].join('\n');
      const parsed = parseHelmfile(helmfile);
      assert.deepEqual(
        parsed.dependencies.map((d) => [d.ecosystem, d.name, d.spec, d.index]),
        [
          ['helm', 'api', '1.4.0', 'https://charts.example.test/corp'],
          ['oci', 'registry.example.test/charts/cache', '3.1.0', undefined],
          ['helm', 'nginx', '9.0.0', '@stable'],
        ],
      );
      assert.deepEqual(
        parsed.dependencies[0].nameRange,
        { start: { line: 8, character: 16 }, end: { line: 8, character: 19 } },
        'the chart name, after its repository',
      );
      assert.deepEqual(
        parsed.problems.map((p) => p.code),
        ['image-unresolved'],
      );
    });

    it('says where a file is not YAML', () => {
      assert.equal(parseHelmfile('releases: [\n').problems[0].code, 'parse-error');
    });
  });

  describe('classic chart repositories (GnuPG-signed provenance, a repository on 127.0.0.1)', function () {
    const repo = new ChartRepository();
    let author: GpgSigner;
    let stranger: GpgSigner;
    let home: string;
    let keyring: string;

    before(async function () {
      if (!gpgAvailable()) {
        console.warn('SKIPPED: gpg is not installed (apt-get install -y gnupg)');
        this.skip();
      }
      await repo.start();
      author = new GpgSigner('Chart Author <author@example.test>');
      stranger = new GpgSigner('Someone Else <else@example.test>');
      home = tempDir('pl-helm-home-');
      // helm's own repository configuration, with the repository's credentials.
      fs.mkdirSync(path.join(home, '.config', 'helm'), { recursive: true });
      fs.writeFileSync(
        path.join(home, '.config', 'helm', 'repositories.yaml'),
        `apiVersion: ""\nrepositories:\n- name: corp\n  url: ${repo.url}\n  username: reader\n  password: chart-s3cret\n`,
      );
      keyring = path.join(home, 'author.gpg');
      fs.writeFileSync(keyring, author.publicKeyring());

      const publish = (name: string, version: string, how: 'signed' | 'unsigned' | 'stranger' | 'tampered-archive' | 'swapped-archive' | 'altered-prov') => {
        const { archive, chartYaml } = chartArchive(name, version);
        const archiveName = `${name}-${version}.tgz`;
        const prov = helmProvenance(how === 'stranger' ? stranger : author, chartYaml, archiveName, sha256(archive));
        const other = Buffer.concat([archive, Buffer.from('\0')]);
        if (how === 'unsigned') repo.publish(name, version, archive, null);
        else if (how === 'tampered-archive')
          repo.publish(name, version, other, prov, sha256(archive)); // the index still names the signed archive
        else if (how === 'swapped-archive')
          repo.publish(name, version, other, prov); // the repository's index agrees with the swapped archive; the signature does not
        else if (how === 'altered-prov') repo.publish(name, version, archive, prov.replace('A chart made for the test', 'A chart changed after signing'));
        else repo.publish(name, version, archive, prov);
      };
      publish('signed', '1.0.0', 'signed');
      publish('signed', '1.1.0', 'signed');
      publish('plain', '1.0.0', 'unsigned');
      publish('strange', '1.0.0', 'stranger');
      publish('tampered', '1.0.0', 'tampered-archive');
      publish('swapped', '1.0.0', 'swapped-archive');
      publish('altered', '1.0.0', 'altered-prov');
    });
    after(() => repo.stop());

    const check = async (files: Record<string, string>, extra: string[] = ['--helm-keyring', 'KEYRING']) => {
      const dir = tempDir('pl-helm-');
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
      const args = ['check', '--format', 'json', '--no-cache', '--no-tuf-refresh', ...extra.map((a) => (a === 'KEYRING' ? keyring : a))];
      const r = await runCli(args, dir, { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') });
      return (JSON.parse(r.stdout).results as Array<{ file: string; name: string; version: string; verdict: string; code: string; reason: string }>).sort(
        (a, b) => `${a.file}${a.name}`.localeCompare(`${b.file}${b.name}`),
      );
    };
    const chartYaml = (deps: Array<[string, string]>) =>
      `apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n${deps.map(([name, version]) => `  - name: ${name}\n    version: "${version}"\n    repository: "@corp"\n`).join('')}`;

    it('verifies a chart signed by a key of the keyring, the way helm verify does', async () => {
      const [r] = await check({ 'Chart.yaml': chartYaml([['signed', '1.0.0']]) });
      assert.deepEqual([r.verdict, r.code], ['verified', 'verified'], r.reason);
      assert.match(r.reason, /Chart Author <author@example.test>/);
      assert.match(r.reason, new RegExp(author.fingerprint, 'i'));
      // The credentials of helm's configuration went to the repository's host, and only there.
      assert.ok(repo.seen.some((s) => s.authorization?.startsWith('Basic ')));
    });

    it("checks a range at the version Chart.lock pins, and helmfile releases through helm's repositories", async () => {
      const rows = await check({
        'Chart.yaml': chartYaml([['signed', '^1.0.0']]),
        'Chart.lock': `dependencies:\n- name: signed\n  repository: "@corp"\n  version: 1.1.0\ndigest: sha256:00\n`,
        'helmfile.yaml': 'releases:\n  - name: web\n    chart: corp/signed\n    version: 1.0.0\n',
      });
      assert.deepEqual(
        rows.map((r) => [r.file, r.name, r.version, r.verdict]),
        [
          ['Chart.lock', 'signed', '1.1.0', 'verified'],
          ['Chart.yaml', 'signed', '1.1.0', 'verified'],
          ['helmfile.yaml', 'signed', '1.0.0', 'verified'],
        ],
      );
    });

    for (const [name, verdict, code, pattern] of [
      ['plain', 'unsigned', 'signature-missing', /no provenance file/],
      ['strange', 'policy-violation', 'signer-not-allowed', /not in your keyring/],
      ['tampered', 'invalid', 'integrity-mismatch', /the index .* lists/],
      ['swapped', 'invalid', 'signature-invalid', /signed digest of swapped-1.0.0.tgz/],
      ['altered', 'invalid', 'signature-invalid', /does not verify/],
    ] as const) {
      it(`finds ${name} ${verdict}`, async () => {
        const [r] = await check({ 'Chart.yaml': chartYaml([[name, '1.0.0']]) });
        assert.deepEqual([r.verdict, r.code], [verdict, code], r.reason);
        assert.match(r.reason, pattern);
      });
    }

    it('cannot decide without a keyring, or for a version the repository does not list', async () => {
      const [noKeyring] = await check({ 'Chart.yaml': chartYaml([['signed', '1.0.0']]) }, []);
      assert.deepEqual([noKeyring.verdict, noKeyring.code], ['unverifiable', 'trust-material-missing'], noKeyring.reason);
      const [missing] = await check({ 'Chart.yaml': chartYaml([['signed', '9.9.9']]) });
      assert.deepEqual([missing.verdict, missing.code], ['unverifiable', 'version-not-found']);
      const [unknownRepo] = await check({
        'Chart.yaml': 'apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n  - name: a\n    version: 1.0.0\n    repository: "@nowhere"\n',
      });
      assert.match(unknownRepo.reason, /no chart repository named "nowhere"/);
    });
  });
});
