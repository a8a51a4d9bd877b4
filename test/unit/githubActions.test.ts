// GitHub Actions in workflows: every `uses:` with its ranges (a real workflow pinned to commits with
// the tag as a comment), an action at a tag flagged as not pinned, the commit it names looked up
// through the GitHub API the environment names (a test API on 127.0.0.1, with the token sent to
// that host only), and "Pin to commit" keeping the tag as a comment.

import { testChecker } from '../support/testChecker';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type Checker } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import { parsePolicy } from '../../server/src/core/trust/policy';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { codeActions } from '../../server/src/features/codeActions';
import { cleanEnv } from '../support/env';
import { FIXTURES } from '../support/fixtureRegistry';
import { closeServer, listenOnLoopback } from '../support/loopback';

const CHECKOUT_V4 = '11bd71901bbe5b1630ceea73d27597364c9af683';
/** bdehamer/delme v6: a real immutable release GitHub attested (test/fixtures/github/github_release_bundle.json). */
const DELME_V6 = 'c5e17a62e06a1d201570249c61fae531e9244e1b';
const RELEASE = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'github', 'github_release_bundle.json'), 'utf8'));

describe('GitHub Actions', function () {
  this.timeout(20000);
  let api: http.Server;
  let apiUrl: string;
  const seen: Array<{ path: string; authorization?: string; accept?: string }> = [];
  let home: string;
  const checkers: Checker[] = [];

  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    api = http.createServer((req, res) => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, accept: req.headers.accept });
      const commits: Record<string, string> = {
        '/api/v3/repos/actions/checkout/commits/v4': CHECKOUT_V4,
        '/api/v3/repos/bdehamer/delme/commits/v6': DELME_V6,
        '/api/v3/repos/bdehamer/delme/commits/v7': CHECKOUT_V4,
      };
      const commit = commits[req.url ?? ''];
      if (commit) {
        res.writeHead(200, { 'content-type': 'application/vnd.github.sha' });
        return res.end(commit);
      }
      // The release attestation is served for any commit asked about: only the right one must verify.
      if (req.url?.startsWith('/api/v3/repos/bdehamer/delme/attestations/sha1:')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ attestations: [{ bundle: RELEASE }] }));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"Not Found"}');
    });
    apiUrl = `http://127.0.0.1:${await listenOnLoopback(api)}/api/v3`;
  });
  after(async () => {
    await Promise.all(checkers.map((c) => c.dispose()));
    await closeServer(api);
  });

  const check = async (text: string, env: Record<string, string> = {}) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-actions-'));
    const file = path.join(dir, '.github', 'workflows', 'ci.yml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    const trust = embeddedTrust();
    const checker = testChecker(home, { trust: () => trust, env: cleanEnv({ HOME: home, ...env }), timeoutMs: 3000 });
    checkers.push(checker);
    return { file, checked: await checker.verify(file, parseFile(file, text)!) };
  };

  it('reads every action of a real workflow, pinned to commits with the tag as a comment; local actions are not dependencies', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'github', 'sigstore-python-ci.yml'), 'utf8');
    const parsed = parseFile('/w/.github/workflows/ci.yml', text)!;
    const actions = parsed.dependencies.filter((d) => d.ecosystem === 'github-actions');
    assert.ok(actions.length >= 6, `${actions.length} actions`);
    assert.ok(
      actions.every((d) => d.version && /^[0-9a-f]{40}$/.test(d.version)),
      'all pinned',
    );
    const checkout = actions.find((d) => d.name === 'actions/checkout')!;
    assert.equal(checkout.source, 'job test, pinned as v7.0.1');
    const line = text.split('\n')[checkout.specRange.start.line];
    assert.equal(line.slice(checkout.nameRange.start.character, checkout.nameRange.end.character), 'actions/checkout');
    assert.equal(line.slice(checkout.specRange.start.character, checkout.specRange.end.character), '3d3c42e5aac5ba805825da76410c181273ba90b1');
    assert.ok(!actions.some((d) => d.name.startsWith('.')), 'no local action');
  });

  it('flags an action at a tag, looks up its commit through GITHUB_API_URL, and pins it keeping the tag as a comment', async () => {
    const text =
      'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: "actions/setup-node@v4" # node\n      - uses: ./local\n  reuse:\n    uses: octo/workflows/.github/workflows/build.yml@main\n';
    const { file, checked } = await check(text, { GITHUB_API_URL: apiUrl, GITHUB_TOKEN: 'ghs_test_token' });
    assert.deepEqual(
      checked.map((c) => [c.dependency.name, c.dependency.spec, c.result.findings.map((f) => f.code)]),
      [
        ['actions/checkout', 'v4', ['action-not-pinned']],
        ['actions/setup-node', 'v4', ['action-not-pinned']],
        ['octo/workflows/.github/workflows/build.yml', 'main', ['action-not-pinned']],
      ],
    );
    const checkout = checked[0];
    assert.equal(checkout.result.commit, CHECKOUT_V4);
    assert.match(checkout.result.findings[0].message, new RegExp(`names ${CHECKOUT_V4} now`));
    assert.match(checked[1].result.findings[0].message, /The repository has no ref v4/);
    assert.ok(
      seen.every((r) => r.authorization === 'Bearer ghs_test_token'),
      'the token goes to the API host',
    );
    assert.equal(seen[0].accept, 'application/vnd.github.sha');

    const uri = `file://${file}`;
    const diagnostic = { range: checkout.dependency.specRange, message: checkout.result.findings[0].message, code: 'action-not-pinned' };
    const [pin] = codeActions({
      uri,
      checked: checkout,
      diagnostics: [diagnostic],
      policy: parsePolicy('{}', '/w/provenance-policy.json').policy,
      policyFolder: '/w',
      policyText: undefined,
      documentText: text,
    });
    assert.equal(pin.title, 'Pin actions/checkout@v4 to its commit');
    const after = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, text), pin.edit!.changes![uri]);
    assert.equal(after.split('\n')[5], `      - uses: actions/checkout@${CHECKOUT_V4} # v4`);
  });

  it('verifies an action at a commit GitHub attests as an immutable release, and refuses a release attestation of another commit', async () => {
    const { checked } = await check(
      `on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - uses: bdehamer/delme@${DELME_V6} # v6\n      - uses: bdehamer/delme@v6\n      - uses: bdehamer/delme@v7\n      - uses: actions/checkout@v4\n`,
      { GITHUB_API_URL: apiUrl },
    );
    const [pinned, byTag, moved, unattested] = checked.map((c) => c.result);
    assert.deepEqual([pinned.verdict, pinned.findings], ['verified', []], pinned.reason);
    assert.match(pinned.reason, /immutable release v6 of bdehamer\/delme at commit c5e17a6/);
    assert.deepEqual([byTag.verdict, byTag.findings.map((f) => f.code)], ['verified', ['action-not-pinned']]);
    assert.deepEqual([moved.verdict, moved.code], ['invalid', 'provenance-invalid'], moved.reason);
    assert.deepEqual([unattested.verdict, unattested.code], ['unsigned', 'release-unattested']);
  });

  it('still flags an unpinned action without an API to ask, and says how to name one', async () => {
    const { checked } = await check('on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n');
    assert.equal(checked[0].result.findings[0].code, 'action-not-pinned');
    assert.match(checked[0].result.findings[0].message, /Set GITHUB_API_URL/);
    assert.equal(checked[0].result.commit, undefined);
  });
});
