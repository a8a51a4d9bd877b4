// `provenance-lens verify` (the built CLI) on every sigstore-conformance bundle-verify case, the
// way that suite runs a client: the case's artifact (else a.txt; for DSSE the statement's
// subject), identity and issuer (else the suite's defaults), key.pub instead of an identity where
// given, the case's trusted_root.json (else the public-good root, our bundled snapshot). A case
// whose name ends in _fail must fail; every other must verify. Then real sigstore-js bundles.

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv } from '../support/env';
import { FIXTURES } from '../support/fixtureRegistry';
import { REPO_ROOT } from '../support/paths';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const CASES = path.join(FIXTURES, 'conformance', 'bundle-verify');
const DEFAULT_IDENTITY = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

function verify(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'verify', ...args, '--no-tuf-refresh', '--format', 'json'], { env: cleanEnv({}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function caseArgs(dir: string): string[] {
  const has = (name: string) => fs.existsSync(path.join(dir, name));
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8').trim();
  const artifact = has('artifact') ? path.join(dir, 'artifact') : path.join(CASES, 'a.txt');
  const args = [artifact, '--bundle', path.join(dir, 'bundle.sigstore.json')];
  if (has('key.pub')) args.push('--key', path.join(dir, 'key.pub'));
  else args.push('--certificate-identity', has('identity') ? read('identity') : DEFAULT_IDENTITY, '--certificate-oidc-issuer', has('issuer') ? read('issuer') : DEFAULT_ISSUER);
  if (has('trusted_root.json')) args.push('--trusted-root', path.join(dir, 'trusted_root.json'));
  return args;
}

describe('sigstore-conformance bundle-verify cases through the CLI', function () {
  this.timeout(120000);
  const cases = fs.readdirSync(CASES).filter((name) => fs.statSync(path.join(CASES, name)).isDirectory()).sort();

  it(`agrees with the expected outcome on all ${cases.length} cases`, async () => {
    const disagreements: string[] = [];
    const outcomes: Array<{ case: string; expected: 'pass' | 'fail'; exit: number | null; agrees: boolean; reason?: string }> = [];
    let passed = 0;
    // A few at a time: each case is a CLI process.
    for (let i = 0; i < cases.length; i += 4) {
      await Promise.all(
        cases.slice(i, i + 4).map(async (name) => {
          const { status, stdout, stderr } = await verify(caseArgs(path.join(CASES, name)));
          const shouldFail = name.endsWith('_fail');
          const agrees = shouldFail ? status === 1 : status === 0;
          const reason = stdout.match(/"reason": "([^"]*)"/)?.[1] ?? (stderr.trim() || undefined);
          outcomes.push({ case: name, expected: shouldFail ? 'fail' : 'pass', exit: status, agrees, reason });
          if (agrees) passed++;
          else disagreements.push(`${name}: exit ${status} ${reason}`);
        }),
      );
    }
    console.log(`      conformance: ${passed}/${cases.length} cases agree`);
    fs.mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    outcomes.sort((a, b) => a.case.localeCompare(b.case));
    fs.writeFileSync(path.join(REPO_ROOT, 'test-artifacts', 'conformance-report.json'), JSON.stringify({ agree: passed, cases: cases.length, outcomes }, null, 2));
    assert.deepEqual(disagreements, []);
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
      const verified = await verify([subject, '--bundle', path.join(dir, name), '--certificate-identity-regexp', '.+', '--certificate-oidc-issuer-regexp', '.+']);
      assert.equal(verified.status, 0, `${name}: ${verified.stdout}`);
      const other = await verify([`sha512:${'0'.repeat(128)}`, '--bundle', path.join(dir, name), '--certificate-identity-regexp', '.+', '--certificate-oidc-issuer-regexp', '.+']);
      assert.match(other.stdout, /"code": "artifact-mismatch"/, name);
    }
  });
});
