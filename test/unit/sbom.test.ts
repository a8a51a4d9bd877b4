// SBOM parsing on real files (cyclonedx-npm and syft output, test/fixtures/sbom) and on SBOMs made
// with the CycloneDX library: components with ranges routed by purl, the dependency graph, the
// problems a reviewer should see, schema errors placed on their part of the file, and malformed
// input as a diagnostic rather than a crash.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileKind, laterProblems, parseFile } from '../../server/src/core/fileKinds';
import { sbomGraph } from '../../server/src/core/sbom/graph';
import { FIXTURES } from '../support/fixtureRegistry';
import { cycloneDxJson } from '../support/sbomFactory';

const sample = (name: string) => fs.readFileSync(path.join(FIXTURES, 'sbom', name), 'utf8');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

describe('SBOM files', () => {
  it('recognises SBOMs by content, whatever they are called, and leaves other JSON alone', () => {
    const bom = sample('dev-dependencies.bom.1.6.json');
    assert.equal(fileKind('/w/whatever.json', bom), 'sbom');
    assert.equal(fileKind('/w/inventory.json', sample('syft-relationship-order.spdx.json')), 'sbom');
    assert.equal(fileKind('/w/tsconfig.json', '{ "compilerOptions": {} }'), undefined);
    assert.equal(fileKind('/w/app.cdx.json'), 'sbom', 'by name, when the content is not at hand (folder scans)');
    const notOne = parseFile('/w/bom.json', '{ "hello": 1 }')!;
    assert.equal(notOne.problems.length, 1, 'named like an SBOM but is not one: said');
  });

  it('reads a real cyclonedx-npm SBOM: every component routed by purl to the npm verifier, on its version line', () => {
    const text = sample('dev-dependencies.bom.1.6.json');
    const parsed = parseFile('/w/bom.json', text)!;
    assert.deepEqual(parsed.problems, []);
    const types = parsed.dependencies.find((d) => d.name === '@types/node')!;
    assert.deepEqual([types.ecosystem, types.version, types.group], ['npm', '20.14.10', 'sbom']);
    assert.match(types.integrity ?? '', /^sha512-/, "the SBOM's SHA-512 becomes an integrity to compare with the registry's");
    assert.equal(types.specRange.start.line, lineOf(text, '"version": "20.14.10"'));
    assert.ok(parsed.sbom!.graph.size > 0, 'the dependency graph is read');
    assert.ok(
      parsed.sbom!.components.every((c) => c.licenses.length > 0 || c.name === ''),
      'licences are read',
    );
  });

  it('reads real syft SPDX: other ecosystems are kept (not verified yet), images become image references, a bad purl is a problem', () => {
    const text = sample('syft-relationship-order.spdx.json');
    const parsed = parseFile('/w/sbom.spdx.json', text)!;
    assert.deepEqual(
      parsed.dependencies.map((d) => [d.ecosystem, d.name]),
      [
        ['other', 'debian/package-2'],
        ['oci', 'docker.io/library/user-image-input'],
      ],
    );
    assert.equal(parsed.dependencies[1].image?.digest, 'sha256:2731251dc34951c0e50fcc643b4c5f74922dad1a5d98f302b504cf46cd5d9368');
    assert.deepEqual(
      parsed.problems.map((p) => [p.code, p.range.start.line]),
      [['sbom-invalid', lineOf(text, '"a-purl-1"')]],
    );
    assert.deepEqual(parsed.sbom!.rootRefs, ['SPDXRef-DocumentRoot-Image-user-image-input']);
    const packageIds = parsed.sbom!.components.map((c) => c.ref).slice(0, 2);
    assert.deepEqual(parsed.sbom!.graph.get('SPDXRef-DocumentRoot-Image-user-image-input'), packageIds, 'the image contains both packages');
    const alpine = parseFile('/w/alpine.spdx.json', sample('alpine-3.10.syft.spdx.json'))!;
    assert.ok(alpine.problems.length > 0 && alpine.problems.every((p) => /does not declare/.test(p.message)), 'relationships to undeclared elements are named');
  });

  it('names duplicate bom-refs and dependencies on refs nobody declares', () => {
    const bom = JSON.parse(
      cycloneDxJson([
        { name: 'a', version: '1.0.0' },
        { name: 'b', version: '2.0.0' },
      ]),
    );
    bom.components[1]['bom-ref'] = bom.components[0]['bom-ref'];
    bom.dependencies.push({ ref: 'ghost', dependsOn: ['nobody'] });
    const text = JSON.stringify(bom, null, 2);
    const messages = parseFile('/w/bom.json', text)!.problems.map((p) => p.message);
    assert.equal(messages.filter((m) => /used by another component/.test(m)).length, 1);
    assert.ok(messages.some((m) => /names "ghost"/.test(m)) && messages.some((m) => /depends on "nobody"/.test(m)), messages.join('\n'));
  });

  it("validates against the CycloneDX schema of the document's version, placing the error where it is", async () => {
    const valid = cycloneDxJson([{ name: 'sigstore', version: '1.0.0', license: 'Apache-2.0' }]);
    assert.deepEqual(await laterProblems(valid, parseFile('/w/bom.json', valid)!), []);
    const bom = JSON.parse(valid);
    bom.components[0].type = 'not-a-type';
    const text = JSON.stringify(bom, null, 2);
    const [problem] = await laterProblems(text, parseFile('/w/bom.json', text)!);
    assert.equal(problem.code, 'sbom-invalid');
    assert.match(problem.message, /\/components\/0\/type/);
    assert.equal(problem.range.start.line, lineOf(text, '"not-a-type"'));
    const unknown = valid.replace('"specVersion": "1.6"', '"specVersion": "9.9"');
    assert.match((await laterProblems(unknown, parseFile('/w/bom.json', unknown)!))[0].message, /9\.9 is not one the validator knows/);
  });

  for (const [label, text] of [
    ['truncated', cycloneDxJson([{ name: 'a', version: '1' }]).slice(0, 200)],
    ['components not a list', '{ "bomFormat": "CycloneDX", "specVersion": "1.6", "components": 7 }'],
    ['an SPDX document without its required fields', '{ "spdxVersion": "SPDX-2.3", "packages": [{ "versionInfo": 1 }] }'],
  ] as const) {
    it(`gives a malformed SBOM (${label}) diagnostics, not a crash`, async () => {
      const parsed = parseFile('/w/bom.json', text)!;
      const later = await laterProblems(text, parsed);
      assert.ok(parsed.problems.length + later.length > 0);
    });
  }

  it('parses a 10,000-component SBOM', () => {
    const text = cycloneDxJson(Array.from({ length: 10_000 }, (_, i) => ({ name: `pkg-${i}`, version: `1.0.${i}` })));
    const parsed = parseFile('/w/bom.json', text)!;
    assert.equal(parsed.dependencies.length, 10_000);
    assert.equal(parsed.sbom!.graph.get('app')?.length, 10_000);
  });

  it("gives the provenance tree the SBOM's graph: what its subject depends on at the top, their dependencies below", () => {
    const parsed = parseFile('/w/bom.json', sample('bundled-dependencies.bom.1.5.json'))!;
    const keyOf = (d: { ref?: string; name: string }) => d.ref ?? d.name;
    const graph = sbomGraph(parsed.sbom!, parsed.dependencies, keyOf);
    const subjectDependsOn = parsed.sbom!.rootRefs.flatMap((r) => parsed.sbom!.graph.get(r) ?? []);
    assert.ok(subjectDependsOn.length > 0);
    assert.deepEqual(
      graph.roots.slice(0, subjectDependsOn.length),
      subjectDependsOn.filter((ref) => parsed.dependencies.some((d) => d.ref === ref)),
    );
    const everyone = new Set<string>();
    const walk = (k: string) => {
      if (everyone.has(k)) return;
      everyone.add(k);
      for (const c of graph.children.get(k) ?? []) walk(c);
    };
    graph.roots.forEach(walk);
    assert.equal(everyone.size, parsed.dependencies.length, 'every component is somewhere in the tree');
    assert.ok(graph.roots.length < parsed.dependencies.length, 'and not all of them at the top');
  });

  it('reads SPDX tag-value: packages with their purls, checksums and relationships', () => {
    const text = [
      'SPDXVersion: SPDX-2.3',
      'DataLicense: CC0-1.0',
      'SPDXID: SPDXRef-DOCUMENT',
      'DocumentName: app',
      'DocumentComment: <text>written by hand,',
      'over two lines</text>',
      '',
      'PackageName: sigstore',
      'SPDXID: SPDXRef-sigstore',
      'PackageVersion: 1.0.0',
      'PackageChecksum: SHA512: ' + 'ab'.repeat(64),
      'PackageLicenseDeclared: Apache-2.0',
      'ExternalRef: PACKAGE-MANAGER purl pkg:npm/sigstore@1.0.0',
      '',
      'PackageName: broken',
      'SPDXID: SPDXRef-broken',
      'ExternalRef: PACKAGE-MANAGER purl not-a-purl',
      '',
      'Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-sigstore',
      'Relationship: SPDXRef-sigstore DEPENDS_ON SPDXRef-ghost',
    ].join('\n');
    assert.equal(fileKind('/w/app.spdx', text), 'sbom');
    assert.equal(fileKind('/w/inventory.txt.json', text), 'sbom', 'by content');
    const parsed = parseFile('/w/app.spdx', text)!;
    assert.deepEqual(
      parsed.dependencies.map((d) => [d.ecosystem, d.name, d.version, d.specRange.start.line, d.integrity?.slice(0, 7)]),
      [['npm', 'sigstore', '1.0.0', 9, 'sha512-']],
    );
    assert.deepEqual(
      parsed.sbom!.components.map((c) => [c.name, c.licenses]),
      [
        ['sigstore', ['Apache-2.0']],
        ['broken', []],
      ],
    );
    assert.deepEqual(parsed.sbom!.rootRefs, ['SPDXRef-sigstore']);
    assert.deepEqual(
      parsed.problems.map((p) => [p.range.start.line, p.message.slice(0, 30)]),
      [
        [16, '"not-a-purl" is not a valid pa'],
        [19, 'The relationship names "SPDXRe'],
      ],
    );
  });

  it("reads a real generator's tag-value output, and says once that its relationship lines lack their colon", () => {
    const parsed = parseFile('/w/cosign.spdx', sample('cosign-go-mod.spdx'))!;
    assert.equal(parsed.sbom!.components.length, 143);
    assert.equal(parsed.problems.length, 1);
    assert.match(parsed.problems[0].message, /needs a colon .*here and on 619 more lines/);
    assert.deepEqual(parsed.sbom!.rootRefs, ['SPDXRef-Package-github.com.sigstore.cosign']);
    assert.equal(parsed.sbom!.graph.get('SPDXRef-Package-github.com.sigstore.cosign')?.length, 31, 'its direct dependencies, read from those lines');
    assert.equal(parsed.sbom!.graph.size, 73);
  });

  it('reads CycloneDX XML as it reads the JSON of the same SBOM, with ranges on the XML', () => {
    const xml = sample('dev-dependencies.bom.1.6.xml');
    assert.equal(fileKind('/w/anything.xml', xml), 'sbom');
    const fromXml = parseFile('/w/bom.xml', xml)!;
    const fromJson = parseFile('/w/bom.json', sample('dev-dependencies.bom.1.6.json'))!;
    const shape = (p: typeof fromXml) => p.dependencies.map((d) => [d.ecosystem, d.name, d.version, d.integrity, d.ref]);
    assert.deepEqual(shape(fromXml), shape(fromJson));
    assert.deepEqual([...fromXml.sbom!.graph.entries()], [...fromJson.sbom!.graph.entries()]);
    assert.deepEqual(fromXml.sbom!.rootRefs, fromJson.sbom!.rootRefs);
    assert.deepEqual(fromXml.problems, []);
    const types = fromXml.dependencies[0];
    assert.equal(xml.split('\n')[types.specRange.start.line].slice(types.specRange.start.character, types.specRange.end.character), '20.14.10');
  });

  it("validates CycloneDX XML against the library's XSD for its version: every error on its line", async () => {
    const xml = sample('dev-dependencies.bom.1.6.xml');
    assert.deepEqual(await laterProblems(xml, parseFile('/w/bom.xml', xml)!), [], 'the real SBOM is valid');
    const broken = xml.replace('type="library"', 'type="lib"').replace('<version>20.14.10</version>', '<version>20.14.10</version><colour>blue</colour>');
    const problems = await laterProblems(broken, parseFile('/w/bom.xml', broken)!);
    assert.equal(problems.length, 2, problems.map((p) => p.message).join('\n'));
    assert.match(problems[0].message, /^CycloneDX 1\.6 XML schema: Element 'component', attribute 'type': .*'lib' is not an element of the set/);
    assert.equal(problems[0].range.start.line, lineOf(broken, 'type="lib"'));
    assert.match(problems[1].message, /Element 'colour': This element is not expected/);
    const malformed = xml.slice(0, 3000);
    assert.deepEqual(
      await laterProblems(malformed, parseFile('/w/bom.xml', malformed)!),
      [],
      'not well-formed: said by the parser, not repeated by the schema',
    );
  });

  it('says what is wrong with a malformed or inconsistent CycloneDX XML, without crashing', () => {
    const xml = sample('dev-dependencies.bom.1.6.xml');
    const truncated = parseFile('/w/bom.xml', xml.slice(0, 2000))!;
    assert.ok(
      truncated.problems.some((p) => /not well-formed XML/.test(p.message)),
      truncated.problems.map((p) => p.message).join('\n'),
    );
    const duplicated = xml.replace('bom-ref="demo-dev-dependencies@0.0.0|@types/uuid@8.3.4"', 'bom-ref="demo-dev-dependencies@0.0.0|@types/node@20.14.10"');
    const messages = parseFile('/w/bom.xml', duplicated)!.problems.map((p) => p.message);
    assert.ok(
      messages.some((m) => /used by another component/.test(m)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => /names "demo-dev-dependencies@0.0.0\|@types\/uuid@8.3.4", which no component declares/.test(m)),
      messages.join('\n'),
    );
  });

  it('reads real SPDX 3 JSON-LD: packages with purls, licences and suppliers joined from their elements, the graph from relationships', () => {
    const k8s = sample('k8s-bom-example11.spdx3.json');
    assert.equal(fileKind('/w/sbom.json', k8s), 'sbom', 'by its @context');
    const parsed = parseFile('/w/sbom.spdx3.json', k8s)!;
    assert.deepEqual(parsed.problems, []);
    const sbom = parsed.sbom!;
    assert.equal(sbom.specVersion, '3.0.1');
    const id = (n: string) => `https://spdx.org/spdxdocs/k8s-releng-bom-7c6a33ab-bd76-4b06-b291-a850e0815b07-specv3/SPDXRef-gnrtd${n}`;
    const tokio = sbom.components.find((c) => c.name === 'tokio')!;
    assert.deepEqual([tokio.version, tokio.purl, tokio.ref], ['1.19.2', 'pkg:cargo/tokio@1.19.2', id('13')]);
    assert.deepEqual(
      sbom.components.find((c) => c.name === 'pretty_env_logger')!.licenses,
      ['(MIT OR Apache-2.0)'],
      'the concluded licence; NOASSERTION dropped',
    );
    assert.deepEqual(sbom.rootRefs, [id('3'), id('5')], "the document's root elements");
    assert.deepEqual(sbom.graph.get(id('5')), [id('7'), id('13'), id('17')], 'lifecycle-scoped dependsOn relationships');
    assert.deepEqual(
      parsed.dependencies.map((d) => [d.ecosystem, d.name, d.version]),
      [
        ['other', 'debian/libselinux1-dev', '3.1-3'],
        ['cargo', 'hyper', '0.14'],
        ['cargo', 'tokio', '1.19.2'],
        ['cargo', 'pretty_env_logger', '0.4.0'],
      ],
    );
    assert.equal(k8s.split('\n')[parsed.dependencies[2].specRange.start.line].trim(), '"software_packageVersion" : "1.19.2",');

    const maven = parseFile('/w/examplemaven.spdx3.json', sample('examplemaven-0.0.1.spdx3.json'))!;
    assert.deepEqual(maven.problems, []);
    const example = maven.sbom!.components.find((c) => c.name === 'examplemaven')!;
    assert.equal(example.supplier, 'SPDX', 'suppliedBy names an Organization element');
    assert.deepEqual(example.hashes, {}, 'a package verification code is not a hash of the package');
    assert.equal(maven.sbom!.graph.get(example.ref!)?.length, 3, 'contains ×2 and dependsOn; hasDynamicLink makes the linking package depend on it');
  });

  it('says what is wrong with an inconsistent SPDX 3 document', () => {
    const text = JSON.stringify(
      {
        '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
        '@graph': [
          { type: 'CreationInfo', '@id': '_:c', specVersion: '3.0.1' },
          { type: 'SpdxDocument', spdxId: 'urn:doc', rootElement: ['urn:app'], creationInfo: '_:c' },
          {
            type: 'software_Package',
            spdxId: 'urn:app',
            name: 'app',
            software_packageUrl: 'pkg:npm/app@1.0.0',
            verifiedUsing: [{ type: 'Hash', algorithm: 'sha512', hashValue: 'AB'.repeat(64) }],
          },
          { type: 'software_Package', spdxId: 'urn:app', name: 'twin', software_packageUrl: 'not a purl' },
          {
            type: 'Relationship',
            spdxId: 'urn:r1',
            from: 'urn:app',
            to: ['urn:ghost', 'https://spdx.org/rdf/3.0.1/terms/Core/NoAssertionElement'],
            relationshipType: 'dependsOn',
          },
          { type: 'Relationship', spdxId: 'urn:r2', from: 'urn:app', relationshipType: 'dependsOn' },
          { spdxId: 'urn:typeless' },
        ],
      },
      null,
      2,
    );
    const parsed = parseFile('/w/bad.spdx3.json', text)!;
    const messages = parsed.problems.map((p) => p.message);
    for (const expected of [
      /"urn:app" is used by another element/,
      /names "urn:ghost", which this document does not declare/,
      /not a purl|package URL/i,
      /needs "from", "to" and "relationshipType"/,
      /needs a "type"/,
    ]) {
      assert.ok(
        messages.some((m) => expected.test(m)),
        `${expected} in:\n${messages.join('\n')}`,
      );
    }
    assert.equal(messages.length, 5, messages.join('\n'));
    assert.match(parsed.dependencies[0].integrity ?? '', /^sha512-/, "an SPDX 3 sha512 hash is compared with the registry's integrity");
    for (const broken of [
      '{ "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld" }',
      '{ "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [1, {"type": ',
    ]) {
      assert.ok(parseFile('/w/x.spdx3.json', broken)!.problems.length > 0, broken);
    }
  });
});
