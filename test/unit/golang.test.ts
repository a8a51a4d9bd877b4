// Go modules against the checksum database: real signed tree heads and lookups (the public
// database's own notes, checked with its real key), and a test database on 127.0.0.1 speaking the
// whole protocol — lookups, tiles, signed notes — where go.sum must match a record that is proven
// to be in the signed tree. Forged records, altered tiles and foreign signatures are invalid.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Checker } from '../../server/src/core/checker';
import { fileKind, parseFile } from '../../server/src/core/fileKinds';
import { isExcluded, sumdbConfig } from '../../server/src/core/ecosystems/golang/goSumdb';
import type { PackageResult } from '../../server/src/core/result';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { openNote, parseTreeHead, parseVerifierKey } from '../../server/src/core/ecosystems/golang/note';
import { tilePath } from '../../server/src/core/ecosystems/golang/tlog';
import { cleanEnv } from '../support/env';
import { FIXTURES } from '../support/fixtureRegistry';
import { type SumRecord, TestSumdb } from '../support/sumdbServer';

const real = (name: string) => fs.readFileSync(path.join(FIXTURES, 'gosumdb', name), 'utf8');
const h1 = (n: number) => `h1:${Buffer.alloc(32, n).toString('base64')}`;

describe('Go checksum database', function () {
  this.timeout(20000);
  const sumdb = new TestSumdb();
  const checkers: Checker[] = [];
  let home: string;
  // 600 records: two full level-0 tiles and a partial one, two stored level-1 hashes.
  const records: SumRecord[] = Array.from({ length: 600 }, (_, i) => ({
    module: `example.test/mod${i}`,
    version: `v1.0.${i}`,
    zip: h1(i % 250),
    mod: h1((i + 1) % 250),
  }));
  records[513] = { module: 'github.com/Azure/go-autorest', version: 'v14.2.0+incompatible', zip: h1(251), mod: h1(252) };

  const check = async (
    name: 'go.sum' | 'go.mod',
    text: string,
    env: Record<string, string> = {},
    beside: Record<string, string> = {},
  ): Promise<PackageResult[]> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-go-'));
    fs.writeFileSync(path.join(dir, name), text);
    for (const [file, content] of Object.entries(beside)) fs.writeFileSync(path.join(dir, file), content);
    const trust = embeddedTrust();
    const checker = new Checker({
      trust: () => trust,
      offline: false,
      requireProvenance: false,
      allowProcessExecution: false,
      env: cleanEnv({ HOME: home, GOSUMDB: sumdb.vkey, GOPROXY: `${sumdb.proxy},direct`, ...env }),
      homeDir: home,
      timeoutMs: 3000,
    });
    checkers.push(checker);
    return (await checker.verify(path.join(dir, name), parseFile(path.join(dir, name), text)!)).map((c) => c.result);
  };
  const goSum = (r: SumRecord, zip = r.zip) => `${r.module} ${r.version} ${zip}\n${r.module} ${r.version}/go.mod ${r.mod}\n`;

  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    sumdb.setRecords(records);
    await sumdb.start();
  });
  beforeEach(() => (sumdb.fault = 'none'));
  after(async () => {
    await Promise.all(checkers.map((c) => c.dispose()));
    await sumdb.stop();
  });

  it("verifies the public database's real signed tree heads with its real key, and refuses altered ones", () => {
    const key = parseVerifierKey(real('sum.golang.org.vkey'));
    assert.ok(!('error' in key), JSON.stringify(key));
    const head = openNote(real('latest_tree_63512409.note'), key);
    assert.ok(!('error' in head), JSON.stringify(head));
    assert.deepEqual({ ...parseTreeHead(head.text), root: undefined }, { size: 63512409, root: undefined });
    const lookup = real('lookup_github.com_google_uuid@v1.1.1.txt');
    const note = lookup.slice(lookup.indexOf('\n\n') + 2);
    assert.ok(!('error' in openNote(note, key)), "a real lookup's tree head");
    assert.match(JSON.stringify(openNote(note.replace('445646', '445647'), key)), /does not verify: the tree head was altered/);
    assert.match(JSON.stringify(openNote(note, parseVerifierKey(sumdb.vkey) as never)), /not signed by sumdb.test/);
    assert.match(JSON.stringify(parseVerifierKey(real('sum.golang.org.vkey').replace('033de0ae', '033de0af'))), /does not match its hash/);
  });

  it('reads go.sum and go.mod with ranges', () => {
    assert.deepEqual([fileKind('/m/go.sum'), fileKind('/m/go.mod')], ['go-sum', 'go-mod']);
    const text =
      'module example.test/app\n\ngo 1.22\n\nrequire github.com/google/uuid v1.1.1\n\nrequire (\n\tgolang.org/x/text v0.14.0 // indirect\n\texample.test/mod7 v1.0.7\n)\n';
    const mod = parseFile('/m/go.mod', text)!;
    assert.deepEqual(
      mod.dependencies.map((d) => [d.name, d.version, d.group]),
      [
        ['github.com/google/uuid', 'v1.1.1', 'dependencies'],
        ['golang.org/x/text', 'v0.14.0', 'lockfile'],
        ['example.test/mod7', 'v1.0.7', 'dependencies'],
      ],
    );
    const uuid = mod.dependencies[0];
    assert.equal(text.split('\n')[uuid.specRange.start.line].slice(uuid.specRange.start.character, uuid.specRange.end.character), 'v1.1.1');
    const lookup = real('lookup_github.com_google_uuid@v1.1.1.txt');
    const sum = parseFile('/m/go.sum', lookup.split('\n').slice(1, 3).join('\n') + '\nnot a line\n')!;
    assert.deepEqual(
      sum.dependencies.map((d) => [d.name, d.spec, d.hashes]),
      [
        ['github.com/google/uuid', 'v1.1.1', ['h1:Gkbcsh/GbpXz7lPftLA3P6TYMwjCLYm83jiFQZF/3gY=']],
        ['github.com/google/uuid', 'v1.1.1/go.mod', ['go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=']],
      ],
    );
    assert.equal(sum.problems.length, 1);
  });

  it('verifies go.sum lines whose record is proven in the signed tree, across full and partial tiles, with escaped paths', async () => {
    for (const i of [0, 255, 256, 513, 599]) {
      const results = await check('go.sum', goSum(records[i]));
      assert.deepEqual(
        results.map((r) => r.verdict),
        ['verified', 'verified'],
        `record ${i}: ${results[0].reason}`,
      );
      assert.match(results[0].reason, new RegExp(`record ${i} in its signed tree of 600`));
    }
    assert.ok(
      sumdb.requests.some((r) => r.includes('/lookup/github.com/!azure/go-autorest@v14.2.0+incompatible')),
      'upper case escaped',
    );
    assert.ok(
      sumdb.requests.some((r) => r.endsWith(`/${tilePath(0, 2, 88)}`)),
      'the partial tile',
    );
  });

  it('checks go.mod requirements with the hashes of the go.sum beside it', async () => {
    const [r] = await check('go.mod', `module x\n\nrequire ${records[7].module} ${records[7].version}\n`, {}, { 'go.sum': goSum(records[7]) });
    assert.equal(r.verdict, 'verified', r.reason);
    const [missing] = await check('go.mod', `module x\n\nrequire ${records[8].module} ${records[8].version}\n`);
    assert.deepEqual([missing.verdict, missing.code], ['unverifiable', 'spec-unsupported']);
  });

  for (const [label, setup, code] of [
    ['a go.sum hash the database did not record', () => undefined, 'integrity-mismatch'],
    ['a record that is not in the signed tree', () => (sumdb.fault = 'forged-record'), 'provenance-invalid'],
    ['an altered tile', () => (sumdb.fault = 'bad-tile'), 'provenance-invalid'],
    ['a tree head signed by another key', () => (sumdb.fault = 'other-key'), 'signature-invalid'],
  ] as const) {
    it(`finds ${label} invalid`, async () => {
      setup();
      const text = label.startsWith('a go.sum') ? goSum(records[42], h1(249)) : goSum(records[42]);
      const [r] = await check('go.sum', text);
      assert.deepEqual([r.verdict, r.code], ['invalid', code], r.reason);
    });
  }

  it('honours GOSUMDB=off, GONOSUMDB/GOPRIVATE, an unknown database and an unreachable one, never verified', async () => {
    const text = goSum(records[1]);
    assert.match((await check('go.sum', text, { GOSUMDB: 'off' }))[0].reason, /turned off/);
    assert.equal((await check('go.sum', text, { GONOSUMDB: 'example.test' }))[0].code, 'spec-unsupported');
    assert.match((await check('go.sum', text, { GOSUMDB: 'sumdb.other' }))[0].reason, /key of the checksum database sumdb.other is not known/);
    assert.equal((await check('go.sum', text, { GOPROXY: 'http://127.0.0.1:9' }))[0].verdict, 'unverifiable');
    assert.equal((await check('go.sum', `example.test/absent v1.0.0 ${h1(1)}\n`))[0].code, 'version-not-found');
    assert.ok(isExcluded('corp.example/team/lib', ['corp.example/*']) && !isExcluded('corp.example.com/x', ['corp.example']));
    const config = sumdbConfig({ GOSUMDB: real('sum.golang.org.vkey').trim(), GOPROXY: 'https://proxy.example,direct' });
    assert.ok(!config.off && config.base === 'https://proxy.example/sumdb/sum.golang.org');
  });
});
