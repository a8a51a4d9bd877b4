import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../server/src/core/ecosystems/oci/dockerfile';
import { parseImageReference } from '../../server/src/core/formats/imageReference';
import { parseYamlImages } from '../../server/src/core/formats/yamlImages';
import type { Dependency, Range } from '../../server/src/core/dependency';

const DIGEST = 'sha256:' + 'a'.repeat(64);
const at = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
const summary = (images: Dependency[]) => images.map((i) => [i.image!.written, i.name, i.spec, at(i.specRange), i.source]);

describe('image references', () => {
  it('normalises names as the distribution reference grammar does', () => {
    const cases: Array<[string, string, string | undefined, string | undefined]> = [
      ['nginx', 'docker.io/library/nginx', undefined, undefined],
      ['nginx:1.25-alpine', 'docker.io/library/nginx', '1.25-alpine', undefined],
      ['bitnami/redis:7', 'docker.io/bitnami/redis', '7', undefined],
      ['ghcr.io/sigstore/cosign/cosign:v2.4.1', 'ghcr.io/sigstore/cosign/cosign', 'v2.4.1', undefined],
      [`127.0.0.1:5000/app@${DIGEST}`, '127.0.0.1:5000/app', undefined, DIGEST],
      [`localhost/app:1@${DIGEST}`, 'localhost/app', '1', DIGEST],
    ];
    for (const [written, name, tag, digest] of cases) {
      const ref = parseImageReference(written);
      assert.ok(!('error' in ref), written);
      assert.deepEqual([ref.name, ref.tag, ref.digest], [name, tag, digest], written);
    }
  });

  it('rejects what is not a reference, saying why', () => {
    for (const bad of ['', 'Nginx', 'nginx:', 'nginx@sha256:short', 'a//b', 'nginx:tag with space']) {
      assert.ok('error' in parseImageReference(bad), bad);
    }
  });
});

describe('Dockerfile parser', () => {
  it('finds FROM and COPY --from images, skipping stages and scratch, substituting global ARGs', () => {
    const text = [
      'ARG BASE=node',
      'ARG VERSION=20-alpine',
      'FROM --platform=linux/amd64 ${BASE}:${VERSION} AS build',
      'RUN npm ci',
      'FROM build AS test',
      `FROM gcr.io/distroless/nodejs20-debian12@${DIGEST}`,
      'COPY --from=build /app /app',
      'COPY --from=ghcr.io/acme/assets:1.2 /assets /assets',
      'FROM scratch',
    ].join('\n');
    const { images, problems } = parseDockerfile(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(summary(images), [
      ['node:20-alpine', 'docker.io/library/node', '20-alpine', '2:28-2:46', 'FROM (stage build)'],
      [`gcr.io/distroless/nodejs20-debian12@${DIGEST}`, 'gcr.io/distroless/nodejs20-debian12', DIGEST, '5:5-5:112', 'FROM'],
      ['ghcr.io/acme/assets:1.2', 'ghcr.io/acme/assets', '1.2', '7:12-7:35', 'COPY --from'],
    ]);
    assert.equal(images[0].platform, 'linux/amd64');
  });

  it('reports an image that depends on an argument without a default, and an invalid one', () => {
    const { images, problems } = parseDockerfile('ARG TAG\nFROM node:${TAG}\nFROM Not_Valid\n');
    assert.deepEqual(images, []);
    assert.deepEqual(
      problems.map((p) => [p.code, p.range.start.line]),
      [
        ['image-unresolved', 1],
        ['image-invalid', 2],
      ],
    );
  });

  it('survives malformed input', () => {
    for (const text of ['FROM', 'FROM \\\n', '\u0000\u0001', 'ARG ${', '\ufeffFROM nginx\r\n']) {
      const { images, problems } = parseDockerfile(text);
      assert.ok(Array.isArray(images) && Array.isArray(problems));
    }
    assert.equal(parseDockerfile('\ufeffFROM nginx\r\n').images[0]?.name, 'docker.io/library/nginx');
  });
});

describe('YAML image parsers', () => {
  it('compose: every service image, quoted or not', () => {
    const text = 'services:\n  web:\n    image: "nginx:1.25"\n  db:\n    image: postgres:16\n  built:\n    build: .\n';
    const { images } = parseYamlImages(text, 'compose');
    assert.deepEqual(summary(images), [
      ['nginx:1.25', 'docker.io/library/nginx', '1.25', '2:12-2:22', 'compose service web'],
      ['postgres:16', 'docker.io/library/postgres', '16', '4:11-4:22', 'compose service db'],
    ]);
  });

  it('Kubernetes: containers, init and ephemeral containers across documents and kinds', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: api }',
      'spec:',
      '  template:',
      '    spec:',
      '      initContainers:',
      '        - name: migrate',
      '          image: ghcr.io/acme/migrate:3',
      '      containers:',
      '        - name: app',
      '          image: ghcr.io/acme/api:1.4.0',
      '---',
      'apiVersion: batch/v1',
      'kind: CronJob',
      'metadata: { name: nightly }',
      'spec:',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        spec:',
      '          containers: [{ name: job, image: "busybox:1.36" }]',
      '---',
      'just: some other yaml',
    ].join('\n');
    const { images, problems } = parseYamlImages(text, 'kubernetes');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      images.map((i) => [i.image!.written, i.source]),
      [
        ['ghcr.io/acme/migrate:3', 'Deployment/api initContainer migrate'],
        ['ghcr.io/acme/api:1.4.0', 'Deployment/api container app'],
        ['busybox:1.36', 'CronJob/nightly container job'],
      ],
    );
  });

  it('Kubernetes: a YAML file that is not a manifest yields nothing, not even a problem', () => {
    assert.deepEqual(parseYamlImages('name: ci\non: push\n', 'kubernetes'), { images: [], problems: [] });
  });

  it('GitHub Actions: job containers, services and docker:// steps', () => {
    const text = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    container: node:20',
      '    services:',
      '      redis: { image: "redis:7" }',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: docker://alpine:3.20',
      '  lint:',
      '    container: { image: "${{ matrix.image }}" }',
    ].join('\n');
    const { images, problems } = parseYamlImages(text, 'workflow');
    assert.deepEqual(summary(images), [
      ['node:20', 'docker.io/library/node', '20', '4:15-4:22', 'job test container'],
      ['redis:7', 'docker.io/library/redis', '7', '6:23-6:30', 'job test service redis'],
      ['alpine:3.20', 'docker.io/library/alpine', '3.20', '9:23-9:34', 'job test step'],
    ]);
    assert.deepEqual(
      problems.map((p) => p.code),
      ['image-unresolved'],
    );
  });

  it('Helm values: registry/repository/tag/digest maps and plain image strings', () => {
    const text = [
      'image:',
      '  registry: ghcr.io',
      '  repository: acme/api',
      '  tag: "1.4.0"',
      'sidecar:',
      '  image:',
      '    repository: envoyproxy/envoy',
      `    digest: ${DIGEST}`,
      'metrics:',
      '  exporterImage: prom/node-exporter:v1.8.2',
      'replicaCount: 2',
    ].join('\n');
    const { images } = parseYamlImages(text, 'helm-values');
    assert.deepEqual(
      images.map((i) => [i.image!.written, at(i.nameRange), at(i.specRange), i.source]),
      [
        ['ghcr.io/acme/api:1.4.0', '2:14-2:22', '3:8-3:13', 'values image'],
        [`envoyproxy/envoy@${DIGEST}`, '6:16-6:32', '7:12-7:83', 'values sidecar.image'],
        ['prom/node-exporter:v1.8.2', '9:17-9:42', '9:17-9:42', 'values metrics.exporterImage'],
      ],
    );
  });

  it('Chart.yaml: OCI dependencies with exact versions; ranges are left to helm', () => {
    const text = [
      'apiVersion: v2',
      'name: app',
      'dependencies:',
      '  - name: redis',
      '    version: 19.6.4',
      '    repository: oci://registry-1.example/bitnamicharts',
      '  - name: common',
      '    version: ^2.0.0',
      '    repository: oci://registry-1.example/bitnamicharts',
      '  - name: classic',
      '    version: 1.0.0',
      '    repository: https://charts.example',
    ].join('\n');
    const { images, problems } = parseYamlImages(text, 'helm-chart');
    assert.deepEqual(
      images.map((i) => [i.name, i.spec]),
      [['registry-1.example/bitnamicharts/redis', '19.6.4']],
    );
    assert.deepEqual(
      problems.map((p) => [p.code, p.range.start.line]),
      [['image-unresolved', 7]],
    );
  });

  it('reports malformed YAML as a problem, without throwing', () => {
    for (const kind of ['compose', 'workflow', 'helm-values', 'helm-chart'] as const) {
      const { problems } = parseYamlImages('services:\n  web:\n    image: [unclosed\n', kind);
      assert.equal(problems[0]?.code, 'parse-error', kind);
    }
    for (const text of ['\u0000', '- - - :', 'a: *unknown', '{{{', '\ufeff']) parseYamlImages(text, 'kubernetes');
  });
});
