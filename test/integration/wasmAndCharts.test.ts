// OCI charts and WebAssembly modules against the real local registry (docker-registry on
// 127.0.0.1): pushed as `helm push` and the wasm tools push them (config and layer media types),
// signed cosign-style in the test, and referenced from Chart.yaml, a helmfile, spin.toml, a
// wasmCloud application and a Kubernetes pod with a Wasm runtime class. They are verified like
// images (signed / unsigned / a stranger's key / a signature for another digest), and
// the CLI names what each artifact is.

import { testChecker } from '../support/testChecker';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Checker } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import { EMPTY_POLICY } from '../../server/src/core/trust/policy';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { codeActions } from '../../server/src/features/codeActions';
import { cleanEnv } from '../support/env';
import { runCli } from '../support/cli';
import { OciRegistry, skipWithoutRegistry } from '../support/ociRegistry';

const HELM_CHART = { configMediaType: 'application/vnd.cncf.helm.config.v1+json', layerMediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip' };
const WASM = { configMediaType: 'application/vnd.wasm.config.v0+json', layerMediaType: 'application/vnd.wasm.content.layer.v1+wasm' };
/** The smallest WebAssembly module: the magic number and version 1. */
const WASM_MODULE = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

describe('OCI charts and WebAssembly modules', function () {
  this.timeout(60_000);

  it('finds Wasm components in spin.toml, wasmCloud applications and pods with a Wasm runtime class', () => {
    const spin = parseFile(
      '/w/spin.toml',
      'spin_manifest_version = 2\n[application]\nname = "hello"\n[component.hello]\nsource = { registry = "registry.example.test", package = "acme:hello", version = "0.1.0" }\n[component.local]\nsource = "target/local.wasm"\n[component.loose]\nsource = { registry = "registry.example.test", package = "acme:loose" }\n',
    )!;
    assert.deepEqual(
      spin.dependencies.map((d) => [d.name, d.spec, d.source]),
      [['registry.example.test/acme/hello', '0.1.0', 'Spin component hello (package acme:hello)']],
    );
    assert.deepEqual(
      spin.problems.map((p) => p.code),
      ['image-invalid'],
    );
    const wadm = parseFile(
      '/w/wadm.yaml',
      'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: hello\nspec:\n  components:\n    - name: http-component\n      type: component\n      properties:\n        image: registry.example.test/acme/http-hello:0.1.0\n    - name: httpserver\n      type: capability\n      properties:\n        image: registry.example.test/acme/http-server:0.20.0\n',
    )!;
    assert.deepEqual(
      wadm.dependencies.map((d) => d.source),
      ['wasmCloud application hello component http-component', 'wasmCloud application hello capability httpserver'],
    );
    const pod = parseFile(
      '/w/pod.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: spin\nspec:\n  runtimeClassName: wasmtime-spin-v2\n  containers:\n    - name: app\n      image: registry.example.test/acme/spin-app:1.0\n',
    )!;
    assert.deepEqual(
      pod.dependencies.map((d) => d.source),
      ['Pod/spin container app (runtime class wasmtime-spin-v2)'],
    );
  });

  describe('against the real registry', () => {
    const registry = new OciRegistry();
    const signer = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const stranger = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    let dir: string;

    before(async function () {
      skipWithoutRegistry(this);
      await registry.start();
      const chart = (name: string) => ({
        ...HELM_CHART,
        config: Buffer.from(JSON.stringify({ apiVersion: 'v2', name, version: '1.2.0' })),
        layer: Buffer.from(`${name} chart archive`),
      });
      const signedChart = await registry.pushArtifact('charts/web', '1.2.0', chart('web'));
      await registry.signWithKey('charts/web', signedChart.digest, signer.privateKey);
      await registry.pushArtifact('charts/plain', '1.2.0', chart('plain'));
      const strangeChart = await registry.pushArtifact('charts/strange', '1.2.0', chart('strange'));
      await registry.signWithKey('charts/strange', strangeChart.digest, stranger.privateKey);
      const module = await registry.pushArtifact('acme/hello', '0.1.0', {
        ...WASM,
        config: Buffer.from('{"architecture":"wasm","os":"wasip2"}'),
        layer: WASM_MODULE,
      });
      await registry.signWithKey('acme/hello', module.digest, signer.privateKey);

      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-wasm-'));
      fs.writeFileSync(path.join(dir, 'cosign.pub'), signer.publicKey.export({ format: 'pem', type: 'spki' }));
      fs.writeFileSync(
        path.join(dir, 'Chart.yaml'),
        `apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n${['web', 'plain', 'strange'].map((n) => `  - name: ${n}\n    version: 1.2.0\n    repository: oci://${registry.host}/charts\n`).join('')}`,
      );
      fs.writeFileSync(
        path.join(dir, 'helmfile.yaml'),
        `repositories:\n  - name: local\n    url: ${registry.host}/charts\n    oci: true\nreleases:\n  - name: web\n    chart: local/web\n    version: 1.2.0\n`,
      );
      fs.writeFileSync(
        path.join(dir, 'spin.toml'),
        `spin_manifest_version = 2\n[application]\nname = "hello"\n[component.hello]\nsource = { registry = "${registry.host}", package = "acme:hello", version = "0.1.0" }\n`,
      );
    });
    after(() => registry.stop());

    const check = async (cwd: string) => {
      const r = await runCli(['check', '--format', 'json', '--no-cache', '--no-tuf-refresh', '--key', 'cosign.pub', '--insecure-ignore-tlog'], cwd);
      return (JSON.parse(r.stdout).results as Array<{ file: string; name: string; verdict: string; code: string; artifactType?: string; reason: string }>)
        .map((x) => [x.file, x.name.replace(registry.host, 'REGISTRY'), x.verdict, x.artifactType])
        .sort();
    };

    it("verifies signed charts and modules like images and names what they are; unsigned and a stranger's are not verified", async () => {
      assert.deepEqual(await check(dir), [
        ['Chart.yaml', 'REGISTRY/charts/plain', 'unsigned', 'Helm chart'],
        ['Chart.yaml', 'REGISTRY/charts/strange', 'policy-violation', 'Helm chart'],
        ['Chart.yaml', 'REGISTRY/charts/web', 'verified', 'Helm chart'],
        ['helmfile.yaml', 'REGISTRY/charts/web', 'verified', 'Helm chart'],
        ['spin.toml', 'REGISTRY/acme/hello', 'verified', 'WebAssembly module'],
      ]);
    });

    it('pins a helmfile OCI chart to its digest, and reads the pinned reference back', async () => {
      const file = path.join(dir, 'helmfile.yaml');
      const text = fs.readFileSync(file, 'utf8').replace('chart: local/web', `chart: oci://${registry.host}/charts/web`);
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
      const checker = testChecker(home, {
        trust: () => embeddedTrust(),
        timeoutMs: 3000,
        imageKeys: [{ name: 'cosign.pub', pem: signer.publicKey.export({ format: 'pem', type: 'spki' }).toString(), ignoreTlog: true }],
      });
      try {
        const [web] = await checker.verify(file, parseFile(file, text)!);
        assert.equal(web.result.verdict, 'verified', web.result.reason);
        const actions = codeActions({
          uri: pathToFileURL(file).toString(),
          checked: web,
          diagnostics: [],
          policy: EMPTY_POLICY,
          policyFolder: dir,
          policyText: undefined,
          documentText: text,
        });
        const pin = actions.find((a) => a.title.startsWith('Pin'));
        assert.equal(pin?.title, `Pin ${registry.host}/charts/web to its digest`);
        const pinned = TextDocument.applyEdits(TextDocument.create('h', 'yaml', 1, text), pin!.edit!.changes![pathToFileURL(file).toString()]);
        assert.match(pinned, new RegExp(`chart: oci://${registry.host.replace(/[.:]/g, '\\$&')}/charts/web@${web.result.digest}\n    version: 1.2.0`));
        const [again] = await checker.verify(file, parseFile(file, pinned)!);
        assert.deepEqual([again.dependency.image?.digest, again.result.verdict], [web.result.digest, 'verified']);
      } finally {
        await checker.dispose();
      }
    });

    it('finds a chart whose signature is for another digest invalid', async () => {
      const other = await registry.pushArtifact('charts/misdigest', '0.9.0', {
        ...HELM_CHART,
        config: Buffer.from('{"name":"misdigest","version":"0.9.0"}'),
        layer: Buffer.from('an older archive'),
      });
      const current = await registry.pushArtifact('charts/misdigest', '1.2.0', {
        ...HELM_CHART,
        config: Buffer.from('{"name":"misdigest","version":"1.2.0"}'),
        layer: Buffer.from('the current archive'),
      });
      // The signature under the current chart's signature tag names the older chart's digest.
      await registry.signWithKey('charts/misdigest', current.digest, signer.privateKey, other.digest);
      const misdigest = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-wasm-'));
      fs.copyFileSync(path.join(dir, 'cosign.pub'), path.join(misdigest, 'cosign.pub'));
      fs.writeFileSync(
        path.join(misdigest, 'Chart.yaml'),
        `apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n  - name: misdigest\n    version: 1.2.0\n    repository: oci://${registry.host}/charts\n`,
      );
      const rows = await check(misdigest);
      assert.deepEqual(rows, [['Chart.yaml', 'REGISTRY/charts/misdigest', 'invalid', 'Helm chart']]);
    });
  });
});
