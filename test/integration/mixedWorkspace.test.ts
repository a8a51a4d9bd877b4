// One workspace in several languages, checked by the CLI with one JSON result list: npm (recorded
// registry data), Python (PEP 740), Ruby (gem attestation), Go (checksum database) and a
// Dockerfile image (a real OCI registry) and Maven (a Sigstore bundle beside a jar), each served on
// 127.0.0.1 where the workspace's own configuration says.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli';
import { FIXTURES, recordedScenario } from '../support/fixtureRegistry';
import { TestGemServer } from '../support/gemServer';
import { closeServer, listenOnLoopback } from '../support/loopback';
import { OciRegistry, registryAvailable } from '../support/ociRegistry';
import { TestPypiIndex, provenanceObject } from '../support/pypiIndex';
import { TestRegistry } from '../support/registryServer';
import { TestSumdb } from '../support/sumdbServer';

const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

describe('a mixed-language workspace through the CLI', function () {
  this.timeout(60000);
  const npm = new TestRegistry();
  const pypi = new TestPypiIndex();
  const gems = new TestGemServer();
  const sumdb = new TestSumdb();
  const oci = new OciRegistry();
  const withImages = registryAvailable();

  before(async () => {
    await Promise.all([npm.start(), pypi.start(), gems.start(), sumdb.start(), ...(withImages ? [oci.start()] : [])]);
  });
  after(async () => {
    await Promise.all([npm.stop(), pypi.stop(), gems.stop(), sumdb.stop(), ...(withImages ? [oci.stop()] : [])]);
  });

  it('verifies npm, Python, Ruby, Go, Maven and image dependencies in one run, one JSON list', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-mixed-'));
    // npm: the project's .npmrc names the (recorded) registry.
    fs.writeFileSync(path.join(dir, '.npmrc'), `registry=${npm.set('mixed', recordedScenario())}\n`);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'mixed', dependencies: { sigstore: '1.0.0' } }, null, 2));
    // Python: the requirements file names its index.
    const pyFile = fs.readFileSync(path.join(FIXTURES, 'pypi', 'gitlab_oidc_project-0.0.3.tar.gz'));
    const attestation = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pypi', 'gitlab_oidc_project-0.0.3.tar.gz.publish.attestation'), 'utf8'));
    pypi.projects.set('gitlab-oidc-project', [
      {
        filename: 'gitlab_oidc_project-0.0.3.tar.gz',
        sha256: sha256(pyFile),
        provenance: provenanceObject(attestation, { kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml' }),
      },
    ]);
    fs.writeFileSync(path.join(dir, 'requirements.txt'), `-i ${pypi.url}\ngitlab-oidc-project==0.0.3 --hash=sha256:${sha256(pyFile)}\n`);
    // Ruby: the lock's remote is the gem server.
    const gem = fs.readFileSync(path.join(FIXTURES, 'rubygems', 'sigstore-1.0.0.gem'));
    gems.gems.push({
      fullName: 'sigstore-1.0.0',
      gem,
      checksum: sha256(gem),
      attestations: [JSON.parse(fs.readFileSync(path.join(FIXTURES, 'rubygems', 'sigstore-1.0.0.gem.sigstore.json'), 'utf8'))],
    });
    fs.writeFileSync(
      path.join(dir, 'Gemfile.lock'),
      `GEM\n  remote: ${gems.url}\n  specs:\n    sigstore (1.0.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  sigstore\n\nCHECKSUMS\n  sigstore (1.0.0) sha256=${sha256(gem)}\n`,
    );
    // Go: the environment names the checksum database (through its proxy).
    const record = {
      module: 'example.test/lib',
      version: 'v1.2.3',
      zip: `h1:${Buffer.alloc(32, 1).toString('base64')}`,
      mod: `h1:${Buffer.alloc(32, 2).toString('base64')}`,
    };
    sumdb.setRecords([record, { ...record, module: 'example.test/other' }]);
    fs.writeFileSync(path.join(dir, 'go.sum'), `${record.module} ${record.version} ${record.zip}\n${record.module} ${record.version}/go.mod ${record.mod}\n`);
    // Maven: the pom names its repository.
    const maven = http.createServer((req, res) => {
      const body =
        req.url === '/m2/com/example/signed/1.0/signed-1.0.jar'
          ? fs.readFileSync(path.join(FIXTURES, 'maven', 'artifact.txt'))
          : req.url === '/m2/com/example/signed/1.0/signed-1.0.jar.sigstore.json'
            ? fs.readFileSync(path.join(FIXTURES, 'maven', 'bundle.v3_1.sigstore'))
            : undefined;
      res.writeHead(body ? 200 : 404);
      res.end(body ?? '');
    });
    const mavenUrl = `http://127.0.0.1:${await listenOnLoopback(maven)}/m2`;
    fs.writeFileSync(
      path.join(dir, 'pom.xml'),
      `<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>app</artifactId><version>1</version><repositories><repository><id>corp</id><url>${mavenUrl}</url></repository></repositories><dependencies><dependency><groupId>com.example</groupId><artifactId>signed</artifactId><version>1.0</version></dependency></dependencies></project>\n`,
    );
    // An image, signed with a key the command line accepts.
    const args = ['check', '--format', 'json', '--no-cache', '--no-tuf-refresh'];
    if (withImages) {
      const signer = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const { digest } = await oci.pushImage('acme/app', '1.0');
      await oci.signWithKey('acme/app', digest, signer.privateKey);
      fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${oci.host}/acme/app@${digest}\n`);
      fs.writeFileSync(path.join(dir, 'cosign.pub'), signer.publicKey.export({ format: 'pem', type: 'spki' }));
      args.push('--key', 'cosign.pub', '--insecure-ignore-tlog');
    }

    const r = await runCli(args, dir, { GOSUMDB: sumdb.vkey, GOPROXY: sumdb.proxy }).finally(() => closeServer(maven));
    const results = JSON.parse(r.stdout).results as Array<{ file: string; ecosystem: string; name: string; verdict: string; reason: string }>;
    const rows = results.map((x) => [x.file, x.ecosystem, x.name, x.verdict]);
    const expected = [
      ['Gemfile.lock', 'gem', 'sigstore', 'verified'],
      ...(withImages ? [['Dockerfile', 'oci', `${oci.host}/acme/app`, 'verified']] : []),
      ['go.sum', 'golang', 'example.test/lib', 'verified'],
      ['go.sum', 'golang', 'example.test/lib', 'verified'],
      ['package.json', 'npm', 'sigstore', 'verified'],
      ['pom.xml', 'maven', 'com.example:signed', 'verified'],
      ['requirements.txt', 'pypi', 'gitlab-oidc-project', 'verified'],
    ];
    assert.deepEqual(
      rows.sort(),
      expected.sort(),
      JSON.stringify(
        results.filter((x) => x.verdict !== 'verified'),
        null,
        1,
      ),
    );
    assert.equal(r.status, 0, r.stderr);
  });
});
