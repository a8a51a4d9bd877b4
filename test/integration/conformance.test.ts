// `provenance-lens verify` (the built CLI) on every sigstore-conformance bundle-verify case, run
// the way that suite runs a client (its docs/cli_protocol.md, test/client.py): once with the
// artifact's path and once with its digest (`sha256:<hex>` — FILE_OR_DIGEST); the case's artifact
// (else a.txt; for DSSE the statement's subject), identity and issuer (else the suite's defaults),
// key.pub instead of an identity where given, the case's trusted_root.json (else the public-good
// root, our bundled snapshot). A case whose name ends in _fail must fail; every other must verify.
// Then real sigstore-js bundles: DSSE statements by their subject digest, and DSSE envelopes of a
// plain-text payload, which must be the file itself.

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv } from '../support/env';
import { FIXTURES } from '../support/fixtureRegistry';
import { REPO_ROOT } from '../support/paths';
import { REASONS, type ReasonCode } from '../../server/src/core/reasons';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const CASES = path.join(FIXTURES, 'conformance', 'bundle-verify');
const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';
const ANY_SIGNER = ['--certificate-identity-regexp', '.+', '--certificate-oidc-issuer-regexp', '.+'];

type Mode = 'file' | 'digest';

function verify(args: string[], format: 'json' | 'text' = 'json'): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'verify', ...args, '--no-tuf-refresh', '--format', format], { env: cleanEnv({}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function caseArgs(dir: string, mode: Mode): string[] {
  const has = (name: string) => fs.existsSync(path.join(dir, name));
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8').trim();
  const artifact = has('artifact') ? path.join(dir, 'artifact') : path.join(CASES, 'a.txt');
  const input = mode === 'file' ? artifact : `sha256:${crypto.createHash('sha256').update(fs.readFileSync(artifact)).digest('hex')}`;
  const args = [input, '--bundle', path.join(dir, 'bundle.sigstore.json')];
  if (has('key.pub')) args.push('--key', path.join(dir, 'key.pub'));
  else
    args.push(
      '--certificate-identity',
      has('identity') ? read('identity') : DEFAULT_IDENTITY,
      '--certificate-oidc-issuer',
      has('issuer') ? read('issuer') : DEFAULT_ISSUER,
    );
  if (has('trusted_root.json')) args.push('--trusted-root', path.join(dir, 'trusted_root.json'));
  return args;
}

interface Outcome {
  case: string;
  mode: Mode;
  expected: 'pass' | 'fail';
  exit: number | null;
  agrees: boolean;
  verdict?: string;
  code?: string;
  reason?: string;
}

/**
 * Whether the CLI ended as the case expects. A failing case must end in a verdict other than
 * verified (exit 1), or — for a trusted root the CLI refuses to load — in exit 2 saying why; never
 * in a crash.
 */
function agrees(expected: Outcome['expected'], status: number | null, stdout: string, stderr: string): boolean {
  if (expected === 'pass') return status === 0;
  if (status === 1) return /"verdict": "(invalid|unverifiable|unsigned|policy-violation)"/.test(stdout);
  return status === 2 && /trusted root is malformed/.test(stderr);
}

describe('sigstore-conformance bundle-verify cases through the CLI', function () {
  this.timeout(240000);
  const cases = fs
    .readdirSync(CASES)
    .filter((name) => fs.statSync(path.join(CASES, name)).isDirectory())
    .sort();

  it(`agrees with the expected outcome on all ${cases.length} cases, by file and by digest`, async () => {
    const outcomes: Outcome[] = [];
    const runs = cases.flatMap((name) => (['file', 'digest'] as const).map((mode) => ({ name, mode })));
    // A few at a time: each run is a CLI process.
    for (let i = 0; i < runs.length; i += 6) {
      await Promise.all(
        runs.slice(i, i + 6).map(async ({ name, mode }) => {
          const { status, stdout, stderr } = await verify(caseArgs(path.join(CASES, name), mode));
          const expected = name.endsWith('_fail') ? 'fail' : 'pass';
          const json = /^\{/.test(stdout) ? (JSON.parse(stdout) as { verdict?: string; code?: string; reason?: string }) : {};
          outcomes.push({
            case: name,
            mode,
            expected,
            exit: status,
            agrees: agrees(expected, status, stdout, stderr),
            verdict: json.verdict,
            code: json.code,
            reason: json.reason ?? (stderr.trim() || undefined),
          });
        }),
      );
    }
    outcomes.sort((a, b) => a.case.localeCompare(b.case) || a.mode.localeCompare(b.mode));
    const tally = (mode: Mode) => `${outcomes.filter((o) => o.mode === mode && o.agrees).length}/${cases.length}`;
    console.log(`      conformance: ${tally('file')} cases agree by file, ${tally('digest')} by digest`);
    fs.mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    const report = {
      suite: 'sigstore/sigstore-conformance test/assets/bundle-verify @ a73de49',
      cases: cases.length,
      agree: { file: outcomes.filter((o) => o.mode === 'file' && o.agrees).length, digest: outcomes.filter((o) => o.mode === 'digest' && o.agrees).length },
      outcomes,
    };
    fs.writeFileSync(path.join(REPO_ROOT, 'test-artifacts', 'conformance-report.json'), JSON.stringify(report, null, 2));
    assert.deepEqual(
      outcomes.filter((o) => !o.agrees).map((o) => `${o.case} (${o.mode}): exit ${o.exit} ${o.reason}`),
      [],
    );
    // Every verdict is the one its reason code stands for (core/reasons.ts).
    const verdictOfCode = (code: string | undefined) => (REASONS[code as ReasonCode] as { verdict?: string } | undefined)?.verdict;
    assert.deepEqual(
      outcomes
        .filter((o) => o.verdict !== undefined && verdictOfCode(o.code) !== o.verdict)
        .map((o) => `${o.case} (${o.mode}): ${o.verdict} with code ${o.code}`),
      [],
    );
  });

  it('verifies real sigstore-js bundles (DSSE with dsse and intoto log entries, v0.1 to v0.3) by their subject digest', async () => {
    const dir = path.join(FIXTURES, 'sigstore-js-bundles');
    const names = fs.readdirSync(dir).filter((n) => n.endsWith('.sigstore'));
    assert.equal(names.length, 9);
    for (const name of names) {
      const bundle = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
      const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
      // The subject is an npm tarball, named by its sha512; the suite's digest form stands in for it.
      const subject = `sha512:${statement.subject[0].digest.sha512}`;
      const verified = await verify([subject, '--bundle', path.join(dir, name), ...ANY_SIGNER]);
      assert.equal(verified.status, 0, `${name}: ${verified.stdout}`);
      const other = await verify([`sha512:${'0'.repeat(128)}`, '--bundle', path.join(dir, name), ...ANY_SIGNER]);
      assert.match(other.stdout, /"code": "artifact-mismatch"/, name);
    }
  });

  describe('a DSSE envelope of another payload than an in-toto statement (real sigstore-js bundles, text/plain)', () => {
    const dir = path.join(FIXTURES, 'sigstore-js-dsse');
    const hello = path.join(dir, 'hello.txt');
    const digest = `sha256:${crypto.createHash('sha256').update(fs.readFileSync(hello)).digest('hex')}`;
    const bundles = ['dsse-text-v01.sigstore.json', 'dsse-text-v03.sigstore.json'];

    for (const name of bundles) {
      it(`${name}: verifies against the file the payload is, by path and by digest, naming the signer and the payload type`, async () => {
        for (const input of [hello, digest]) {
          const r = await verify([
            input,
            '--bundle',
            path.join(dir, name),
            '--certificate-identity',
            'brian@dehamer.com',
            '--certificate-oidc-issuer',
            'https://github.com/login/oauth',
          ]);
          assert.equal(r.status, 0, r.stdout);
          const json = JSON.parse(r.stdout);
          assert.equal(json.verdict, 'verified');
          assert.equal(json.kind, 'dsse');
          assert.equal(json.payloadType, 'text/plain');
        }
      });

      it(`${name}: another file, or an altered payload or signature, is not verified`, async () => {
        const other = await verify([path.join(CASES, 'a.txt'), '--bundle', path.join(dir, name), ...ANY_SIGNER]);
        assert.equal(other.status, 1);
        assert.match(other.stdout, /"code": "artifact-mismatch"/);
        const tmp = fs.mkdtempSync(path.join(REPO_ROOT, 'out', 'dsse-'));
        try {
          const bundle = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
          // The payload says "hello, world?" and so does the file: the signature no longer covers it.
          const altered = Buffer.from('hello, world?');
          fs.writeFileSync(path.join(tmp, 'altered.txt'), altered);
          fs.writeFileSync(
            path.join(tmp, 'payload.json'),
            JSON.stringify({ ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope, payload: altered.toString('base64') } }),
          );
          const payload = await verify([path.join(tmp, 'altered.txt'), '--bundle', path.join(tmp, 'payload.json'), ...ANY_SIGNER]);
          assert.equal(payload.status, 1);
          assert.match(payload.stdout, /"verdict": "invalid"/);
          const sig = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
          sig[sig.length - 2] ^= 1;
          fs.writeFileSync(
            path.join(tmp, 'sig.json'),
            JSON.stringify({
              ...bundle,
              dsseEnvelope: { ...bundle.dsseEnvelope, signatures: [{ ...bundle.dsseEnvelope.signatures[0], sig: sig.toString('base64') }] },
            }),
          );
          const signature = await verify([hello, '--bundle', path.join(tmp, 'sig.json'), ...ANY_SIGNER]);
          assert.equal(signature.status, 1);
          assert.match(signature.stdout, /"verdict": "invalid"/);
        } finally {
          fs.rmSync(tmp, { recursive: true, force: true });
        }
      });
    }

    it('another signer than the one expected is a policy violation', async () => {
      const r = await verify([
        hello,
        '--bundle',
        path.join(dir, bundles[0]),
        '--certificate-identity',
        'someone@example.com',
        '--certificate-oidc-issuer',
        'https://github.com/login/oauth',
      ]);
      assert.equal(r.status, 1);
      assert.match(r.stdout, /"verdict": "policy-violation"/);
    });
  });

  describe('what a verified bundle shows about its log entry and time', () => {
    const beacon = (name: string) => [
      '--bundle',
      path.join(CASES, name, 'bundle.sigstore.json'),
      '--certificate-identity',
      DEFAULT_IDENTITY,
      '--certificate-oidc-issuer',
      DEFAULT_ISSUER,
    ];

    it('a Rekor v2 entry: the time the signed timestamp proves and its authority, no integration time, no entry link; and no warning on this runtime', async () => {
      const name = 'rekor2-happy-path';
      const text = await verify([path.join(CASES, 'a.txt'), ...beacon(name), '--trusted-root', path.join(CASES, name, 'trusted_root.json')], 'text');
      assert.equal(text.status, 0, text.stdout);
      assert.equal(text.stderr, '', 'nothing on stderr: no deprecation or other warning');
      assert.doesNotMatch(text.stdout, /1970|log\/entries|integrated/);
      assert.match(text.stdout, /transparency log entry \d+\n/);
      assert.match(text.stdout, /signed timestamp 20\d\d-\d\d-\d\dT[\d:.]+Z by sigstore-tsa-selfsigned, https:\/\/\S+/);
      const json = JSON.parse(
        (await verify([path.join(CASES, 'a.txt'), ...beacon(name), '--trusted-root', path.join(CASES, name, 'trusted_root.json')])).stdout,
      );
      assert.equal(json.integratedTime, undefined);
      assert.equal(json.logEntryUrl, undefined);
      assert.match(json.timestamp, /^20\d\d-/);
      assert.match(json.timestampAuthority, /sigstore-tsa-selfsigned/);
    });

    it('control: a Rekor v1 entry shows when the log integrated it and links to the entry in the log the root names', async () => {
      const text = await verify([path.join(CASES, 'a.txt'), ...beacon('happy-path-v0.3')], 'text');
      assert.equal(text.status, 0, text.stdout);
      assert.equal(text.stderr, '');
      assert.match(text.stdout, /transparency log entry \d+, integrated at 20\d\d-[^ ]+Z \(https:\/\/\S+\/api\/v1\/log\/entries\?logIndex=\d+\)/);
      assert.doesNotMatch(text.stdout, /signed timestamp/);
    });
  });
});
