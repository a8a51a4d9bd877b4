// Maven: pom.xml (properties, dependencyManagement, parent, scopes, repositories) and Gradle
// version catalogs read with ranges; artifacts verified against the Sigstore bundle beside them in
// the repository settings.xml mirrors to (a test repository on 127.0.0.1, with credentials for
// that host only), on real recorded Sigstore data (a stand-in for a Maven Central bundle).

import { testChecker } from '../support/testChecker';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Checker } from '../../server/src/core/checker';
import { fileKind, parseFile } from '../../server/src/core/fileKinds';
import type { PackageResult } from '../../server/src/core/result';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { cleanEnv } from '../support/env';
import { FIXTURES } from '../support/fixtureRegistry';
import { closeServer, listenOnLoopback } from '../support/loopback';

const ARTIFACT = fs.readFileSync(path.join(FIXTURES, 'maven', 'artifact.txt'));
const BUNDLE = fs.readFileSync(path.join(FIXTURES, 'maven', 'bundle.v3_1.sigstore'));

const POM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.example</groupId>
    <artifactId>parent</artifactId>
    <version>2.0.0</version>
  </parent>
  <artifactId>app</artifactId>
  <properties>
    <signed.version>1.0</signed.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>com.example</groupId>
        <artifactId>managed</artifactId>
        <version>1.0</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>com.example</groupId>
      <artifactId>signed</artifactId>
      <version>\${signed.version}</version>
    </dependency>
    <dependency>
      <groupId>com.example</groupId>
      <artifactId>managed</artifactId>
    </dependency>
    <dependency>
      <groupId>com.example</groupId>
      <artifactId>sibling</artifactId>
      <version>\${project.version}</version>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>com.example</groupId>
      <artifactId>from-parent</artifactId>
      <version>\${parent.defined}</version>
    </dependency>
  </dependencies>
</project>
`;

describe('Maven', function () {
  this.timeout(20000);
  let repository: http.Server;
  let url: string;
  const files = new Map<string, Buffer>();
  const seen: Array<{ path?: string; authorization?: string }> = [];
  const checkers: Checker[] = [];
  let home: string;

  before(async () => {
    repository = http.createServer((req, res) => {
      seen.push({ path: req.url, authorization: req.headers.authorization });
      const body = files.get(req.url ?? '');
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' });
      res.end(body ?? 'not found');
    });
    url = `http://127.0.0.1:${await listenOnLoopback(repository)}/maven2`;
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    fs.mkdirSync(path.join(home, '.m2'));
    fs.writeFileSync(
      path.join(home, '.m2', 'settings.xml'),
      `<settings><servers><server><id>corp</id><username>ci</username><password>p4ss</password></server></servers><mirrors><mirror><id>corp</id><mirrorOf>*</mirrorOf><url>${url}</url></mirror></mirrors></settings>`,
    );
  });
  beforeEach(() => {
    files.clear();
    files.set('/maven2/com/example/signed/1.0/signed-1.0.jar', ARTIFACT);
    files.set('/maven2/com/example/signed/1.0/signed-1.0.jar.sigstore.json', BUNDLE);
    files.set('/maven2/com/example/managed/1.0/managed-1.0.jar', Buffer.from('a jar without a bundle'));
  });
  after(async () => {
    await Promise.all(checkers.map((c) => c.dispose()));
    await closeServer(repository);
  });

  const check = async (text: string, name = 'pom.xml'): Promise<PackageResult[]> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-maven-'));
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const trust = embeddedTrust();
    const checker = testChecker(home, { trust: () => trust, timeoutMs: 3000 });
    checkers.push(checker);
    return (await checker.verify(file, parseFile(file, text)!)).map((c) => c.result);
  };

  it("reads a pom: properties, the parent's version, dependencyManagement, scopes; what a parent defines stays unresolved", () => {
    assert.deepEqual([fileKind('/p/pom.xml'), fileKind('/p/gradle/libs.versions.toml')], ['maven-pom', 'gradle-catalog']);
    const parsed = parseFile('/p/pom.xml', POM)!;
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.dependencies.map((d) => [d.name, d.version ?? null, d.group]),
      [
        ['com.example:signed', '1.0', 'dependencies'],
        ['com.example:managed', '1.0', 'dependencies'],
        ['com.example:sibling', '2.0.0', 'devDependencies'],
        ['com.example:from-parent', null, 'dependencies'],
      ],
    );
    const signed = parsed.dependencies[0];
    assert.equal(POM.split('\n')[signed.specRange.start.line].slice(signed.specRange.start.character, signed.specRange.end.character), '${signed.version}');
    const catalog = parseFile(
      '/p/gradle/libs.versions.toml',
      '[versions]\nsigned = "1.0"\n\n[libraries]\nsigned = { module = "com.example:signed", version.ref = "signed" }\nplain = "com.example:managed:1.0"\nbroken = { version = "1" }\n',
    )!;
    assert.deepEqual(
      catalog.dependencies.map((d) => [d.name, d.version]),
      [
        ['com.example:signed', '1.0'],
        ['com.example:managed', '1.0'],
      ],
    );
    assert.equal(catalog.problems.length, 1);
  });

  it('verifies an artifact against the Sigstore bundle beside it, in the mirror settings.xml names, with its credentials', async () => {
    const [signed, managed, , fromParent] = await check(POM);
    assert.deepEqual([signed.verdict, signed.purl], ['verified', 'pkg:maven/com.example/signed@1.0'], signed.reason);
    assert.deepEqual([managed.verdict, managed.code], ['unsigned', 'signature-missing']);
    assert.deepEqual([fromParent.verdict, fromParent.code], ['unverifiable', 'spec-unsupported']);
    const expected = `Basic ${Buffer.from('ci:p4ss').toString('base64')}`;
    assert.ok(seen.length > 0 && seen.every((r) => r.authorization === expected));
  });

  it('resolves versions a parent POM (on disk, or from the repository) and an imported BOM define', async () => {
    const parentPom = `<project><groupId>com.example</groupId><artifactId>parent</artifactId><version>2.0.0</version><properties><parent.defined>1.0</parent.defined></properties></project>`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-maven-tree-'));
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'pom.xml'), parentPom);
    files.set('/maven2/com/example/from-parent/1.0/from-parent-1.0.jar', ARTIFACT);
    files.set('/maven2/com/example/from-parent/1.0/from-parent-1.0.jar.sigstore.json', BUNDLE);
    const file = path.join(dir, 'app', 'pom.xml');
    fs.writeFileSync(file, POM);
    const trust = embeddedTrust();
    const checker = testChecker(home, { trust: () => trust, timeoutMs: 3000 });
    checkers.push(checker);
    const fromLocalParent = (await checker.verify(file, parseFile(file, POM)!)).map((c) => c.result)[3];
    assert.deepEqual(
      [fromLocalParent.name, fromLocalParent.version, fromLocalParent.verdict],
      ['com.example:from-parent', '1.0', 'verified'],
      fromLocalParent.reason,
    );

    // A parent only the repository has, which imports a BOM that manages the version.
    files.set(
      '/maven2/com/example/corp-parent/5/corp-parent-5.pom',
      Buffer.from(
        '<project><groupId>com.example</groupId><artifactId>corp-parent</artifactId><version>5</version><properties><bom.version>3.0</bom.version></properties><dependencyManagement><dependencies><dependency><groupId>com.example</groupId><artifactId>bom</artifactId><version>${bom.version}</version><type>pom</type><scope>import</scope></dependency></dependencies></dependencyManagement></project>',
      ),
    );
    files.set(
      '/maven2/com/example/bom/3.0/bom-3.0.pom',
      Buffer.from(
        '<project><groupId>com.example</groupId><artifactId>bom</artifactId><version>3.0</version><dependencyManagement><dependencies><dependency><groupId>com.example</groupId><artifactId>signed</artifactId><version>1.0</version></dependency></dependencies></dependencyManagement></project>',
      ),
    );
    const [viaBom] = await check(
      '<project><parent><groupId>com.example</groupId><artifactId>corp-parent</artifactId><version>5</version><relativePath/></parent><artifactId>svc</artifactId><dependencies><dependency><groupId>com.example</groupId><artifactId>signed</artifactId></dependency></dependencies></project>',
    );
    assert.deepEqual([viaBom.version, viaBom.verdict], ['1.0', 'verified'], viaBom.reason);
  });

  it('is undecided when the repository cannot be reached, and when none is configured', async () => {
    const settings = path.join(home, '.m2', 'settings.xml');
    const saved = fs.readFileSync(settings, 'utf8');
    try {
      fs.writeFileSync(settings, saved.replace(url, 'http://127.0.0.1:9/maven2'));
      const [down] = await check(POM);
      assert.deepEqual([down.verdict, down.code], ['unverifiable', 'network-error']);
      fs.rmSync(settings);
      const [none] = await check(POM);
      assert.deepEqual([none.verdict, none.code], ['unverifiable', 'registry-error']);
      assert.match(none.reason, /No Maven repository is configured/);
    } finally {
      fs.writeFileSync(settings, saved);
    }
  });

  it('finds a jar other than the one signed, and a broken bundle, invalid', async () => {
    files.set('/maven2/com/example/signed/1.0/signed-1.0.jar', Buffer.concat([ARTIFACT, Buffer.from('!')]));
    const [tampered] = await check(POM);
    assert.deepEqual([tampered.verdict, tampered.code], ['invalid', 'signature-invalid'], tampered.reason);
    files.set('/maven2/com/example/signed/1.0/signed-1.0.jar', ARTIFACT);
    files.set('/maven2/com/example/signed/1.0/signed-1.0.jar.sigstore.json', Buffer.from('{"mediaType": "nope"}'));
    const [broken] = await check(POM);
    assert.equal(broken.verdict, 'invalid');
  });
});
