// `sbom generate` of a workspace with every ecosystem: each dependency is listed under its own
// package URL, a folder's lockfile stands for the manifests of the same ecosystem beside it, and
// what a manifest names of another ecosystem (a chart's OCI chart) stays. (Before the plugins
// named their packages, Go, Cargo, Maven, Helm and Actions dependencies were silently left out.)

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFile } from '../../server/src/core/fileKinds';
import { routePurl } from '../../server/src/core/ecosystems/registry';
import { generateCycloneDx } from '../../server/src/core/sbom/generate';
import { FIXTURES } from '../support/fixtureRegistry';

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';

const WORKSPACE: Record<string, string> = {
  'web/package.json': JSON.stringify({ dependencies: { sigstore: '^1.0.0' } }),
  'web/package-lock.json': JSON.stringify({
    lockfileVersion: 3,
    packages: {
      '': { dependencies: { sigstore: '^1.0.0' } },
      'node_modules/sigstore': {
        version: '1.0.0',
        integrity: 'sha512-e+qfbn/zf1+rCza/BhIA//Awmf0v1pa5HQS8Xk8iXrn9bgytytVLqYD0P7NSqZ6IELTgq+tcDvLPkQjNHyWLNg==',
      },
    },
  }),
  'lib/package.json': JSON.stringify({ dependencies: { 'left-pad': '1.3.0' } }),
  'py/requirements.txt': 'requests==2.31.0\n',
  'go/go.mod': 'module example.com/m\n\ngo 1.22\n\nrequire github.com/google/uuid v1.1.1\n',
  'go/go.sum':
    'github.com/google/uuid v1.1.1 h1:Gkbcsh/GbpXz7lPftLA3P6TYMwjCLYm83jiFQZF/3gY=\ngithub.com/google/uuid v1.1.1/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=\n',
  'java/pom.xml':
    '<project><dependencies><dependency><groupId>dev.sigstore</groupId><artifactId>sigstore-java</artifactId><version>1.3.0</version></dependency></dependencies></project>',
  'chart/Chart.yaml':
    'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: "~18.0.0"\n    repository: https://charts.example/\n  - name: cache\n    version: 1.2.3\n    repository: oci://registry.example/charts\n',
  'chart/Chart.lock':
    'dependencies:\n- name: redis\n  repository: https://charts.example/\n  version: 18.0.4\ndigest: sha256:0000\ngenerated: "2024-01-01T00:00:00Z"\n',
  'app/.github/workflows/ci.yml': `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    container: node:20@sha256:${'a'.repeat(64)}\n    steps:\n      - uses: actions/checkout@${SHA}\n`,
  'app/Dockerfile': `FROM alpine:3.19@sha256:${'b'.repeat(64)}\n`,
};

function inputs() {
  const files: Record<string, string> = {
    ...WORKSPACE,
    'rust/Cargo.lock': fs.readFileSync(path.join(FIXTURES, 'cargo', 'rust_ruby_example.Cargo.lock'), 'utf8'),
    'ruby/dev_gems.rb.lock': fs.readFileSync(path.join(FIXTURES, 'rubygems', 'dev_gems.rb.lock'), 'utf8'),
  };
  return Object.entries(files).map(([file, text]) => {
    const parsed = parseFile(path.join('/ws', file), text);
    assert.ok(parsed, file);
    return { file: path.join('/ws', file), parsed, checked: [] };
  });
}

describe('sbom generate: every ecosystem', () => {
  const bom = JSON.parse(generateCycloneDx(inputs(), { name: 'ws', timestamp: new Date(0) })) as {
    components: Array<{ purl: string; name: string; group?: string; version?: string; type: string }>;
    dependencies: Array<{ ref: string; dependsOn?: string[] }>;
  };
  const purls = bom.components.map((c) => c.purl);
  const ofType = (type: string) => purls.filter((p) => p.startsWith(`pkg:${type}/`));

  it("lists each ecosystem's dependencies under their package URLs", () => {
    assert.ok(purls.includes('pkg:npm/sigstore@1.0.0'));
    assert.ok(!purls.some((p) => p.includes('left-pad')), "a manifest's range without a lockfile or a verified version names no exact package");
    assert.ok(purls.includes('pkg:pypi/requests@2.31.0'));
    assert.deepEqual(ofType('golang'), ['pkg:golang/github.com/google/uuid@v1.1.1'], 'go.sum lists a module twice (zip and go.mod): one component');
    assert.ok(purls.includes('pkg:maven/dev.sigstore/sigstore-java@1.3.0'));
    assert.ok(purls.includes('pkg:cargo/aho-corasick@0.7.20'));
    assert.ok(ofType('cargo').length > 10);
    assert.ok(purls.includes('pkg:gem/diff-lcs@1.6.1'));
    assert.ok(
      purls.some((p) => p.startsWith('pkg:gem/nokogiri@1.18.6?platform=')),
      'a native gem names its platform',
    );
    assert.deepEqual(ofType('helm'), [`pkg:helm/redis@18.0.4?repository_url=${encodeURIComponent('https://charts.example/')}`]);
    assert.ok(purls.includes(`pkg:github/actions/checkout@${SHA}`));
    assert.ok(purls.some((p) => p.startsWith(`pkg:oci/alpine@sha256:${'b'.repeat(64)}`)));
    assert.ok(
      purls.some((p) => p.startsWith(`pkg:oci/node@sha256:${'a'.repeat(64)}`)),
      "a workflow's images as well as its actions",
    );
  });

  it('lets a lockfile stand for the manifests of its ecosystem beside it, and keeps what a manifest names of another', () => {
    assert.deepEqual(
      ofType('npm').filter((p) => p.includes('sigstore')),
      ['pkg:npm/sigstore@1.0.0'],
      'package.json beside package-lock.json adds nothing',
    );
    assert.equal(ofType('helm').length, 1, "Chart.yaml's range is Chart.lock's pin, not a second component");
    assert.ok(
      purls.some((p) => p.startsWith('pkg:oci/cache?') && p.includes('tag=1.2.3')),
      "the chart's OCI chart is an image reference, still listed",
    );
  });

  it('names components as their package URLs do, images as containers by their full name', () => {
    const java = bom.components.find((c) => c.purl.startsWith('pkg:maven/'))!;
    assert.deepEqual([java.group, java.name, java.version, java.type], ['dev.sigstore', 'sigstore-java', '1.3.0', 'library']);
    const alpine = bom.components.find((c) => c.purl.startsWith('pkg:oci/alpine'))!;
    assert.deepEqual([alpine.type, alpine.name], ['container', 'docker.io/library/alpine']);
  });

  it('reads a Maven package URL back as the name the Maven verifier takes (group:artifact)', () => {
    const target = routePurl('pkg:maven/dev.sigstore/sigstore-java@1.3.0', {});
    assert.ok(!('error' in target));
    assert.deepEqual([target.ecosystem, target.name, target.version], ['maven', 'dev.sigstore:sigstore-java', '1.3.0']);
  });
});
