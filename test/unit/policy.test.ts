import * as assert from 'node:assert/strict';
import type { PackageResult } from '../../server/src/core/result';
import { applyPolicy, artifactRuleFor, parsePolicy, signerMatches } from '../../server/src/core/trust/policy';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'https://github.com/sigstore/sigstore-js/.github/workflows/publish.yml@refs/tags/v1.0.0';

function result(overrides: Partial<PackageResult> = {}): PackageResult {
  return {
    ecosystem: 'npm',
    name: 'sigstore',
    version: '1.0.0',
    signature: 'verified',
    signatureReason: '',
    provenance: 'verified',
    provenanceReason: '',
    provenanceDetails: { predicateTypes: [], issuer: ISSUER, subjectAlternativeName: SUBJECT },
    verdict: 'verified',
    code: 'verified',
    reason: 'ok',
    findings: [],
    ...overrides,
  };
}

const policy = (json: unknown) => {
  const { policy: p, problems } = parsePolicy(JSON.stringify(json, null, 2));
  assert.deepEqual(problems, []);
  return p;
};

describe('policy', () => {
  it('accepts provenance signed by a listed signer (exact or anchored pattern)', () => {
    const exact = policy({ packages: [{ match: 'sigstore', signers: [{ issuer: ISSUER, subject: SUBJECT }] }] });
    assert.equal(applyPolicy(result(), exact, false).verdict, 'verified');
    const pattern = policy({
      packages: [
        {
          match: 'sig*',
          signers: [{ issuer: ISSUER, subjectPattern: 'https://github\\.com/sigstore/sigstore-js/\\.github/workflows/publish\\.yml@refs/tags/v.*' }],
        },
      ],
    });
    assert.equal(applyPolicy(result(), pattern, false).verdict, 'verified');
  });

  it('rejects another signer, naming both identities', () => {
    const p = policy({
      packages: [{ match: 'sigstore', signers: [{ issuer: ISSUER, subject: 'https://github.com/someone/else/.github/workflows/x.yml@refs/heads/main' }] }],
    });
    const r = applyPolicy(result(), p, false);
    assert.equal(r.verdict, 'policy-violation');
    assert.equal(r.code, 'signer-not-allowed');
    assert.match(r.reason, /sigstore-js.*someone\/else/s);
  });

  it('compares identities exactly: a prefix or substring is not a match', () => {
    assert.equal(signerMatches({ issuer: 'i', subject: 'alice' }, 'i', 'alice@example.com'), false);
    assert.equal(signerMatches({ issuer: 'i', subjectPattern: 'alice' }, 'i', 'alice@example.com'), false);
    assert.equal(signerMatches({ issuer: 'i', subjectPattern: 'alice@.*' }, 'i', 'alice@example.com'), true);
    assert.equal(signerMatches({ issuer: 'other', subject: 'alice' }, 'i', 'alice'), false);
  });

  it('requires provenance where a rule, the file or the setting asks for it', () => {
    const absent = result({ provenance: 'absent', provenanceDetails: undefined });
    assert.equal(applyPolicy(absent, policy({}), false).verdict, 'verified');
    assert.equal(applyPolicy(absent, policy({}), true).code, 'provenance-required');
    assert.equal(applyPolicy(absent, policy({ requireProvenance: true }), false).verdict, 'policy-violation');
    assert.equal(
      applyPolicy(absent, policy({ requireProvenance: true, packages: [{ match: 'sigstore', requireProvenance: false }] }), false).verdict,
      'verified',
    );
    assert.equal(
      applyPolicy(absent, policy({ packages: [{ match: 'sigstore', signers: [{ issuer: ISSUER, subject: SUBJECT }] }] }), false).verdict,
      'policy-violation',
      'signers imply provenance',
    );
  });

  it('never improves failing evidence', () => {
    const p = policy({ packages: [{ match: '*', requireProvenance: false }] });
    for (const verdict of ['invalid', 'unverifiable'] as const) assert.equal(applyPolicy(result({ verdict, provenance: 'absent' }), p, true).verdict, verdict);
  });

  it('accepts an image when one verified signature is by an accepted identity, rejects it otherwise', () => {
    const image = (signers: PackageResult['signers']) =>
      result({ ecosystem: 'oci', name: 'ghcr.io/acme/api', provenance: 'absent', provenanceDetails: undefined, signers });
    const p = policy({
      packages: [
        {
          match: 'ghcr.io/acme/*',
          signers: [{ issuer: ISSUER, subjectPattern: 'https://github\\.com/acme/api/\\.github/workflows/release\\.yml@refs/tags/v.*' }],
        },
      ],
    });
    const ours = { subject: 'https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v2.1.0', issuer: ISSUER };
    const theirs = { subject: 'https://github.com/evil/fork/.github/workflows/release.yml@refs/tags/v2.1.0', issuer: ISSUER };
    assert.equal(applyPolicy(image([theirs, ours]), p, false).verdict, 'verified');
    const rejected = applyPolicy(image([theirs]), p, false);
    assert.deepEqual([rejected.verdict, rejected.code], ['policy-violation', 'signer-not-allowed']);
    assert.match(rejected.reason, /evil\/fork/);
    // A key-signed image has no identity to accept.
    assert.equal(applyPolicy(image([{ key: 'cosign.pub' }]), p, false).verdict, 'policy-violation');
    // Required provenance: an image without a SLSA provenance attestation violates the policy.
    const required = applyPolicy(image([ours]), policy({ packages: [{ match: 'ghcr.io/acme/*', requireProvenance: true }] }), false);
    assert.deepEqual([required.verdict, required.code], ['policy-violation', 'provenance-required']);
    assert.equal(applyPolicy({ ...image([ours]), provenance: 'verified' }, policy({ requireProvenance: true }), false).verdict, 'verified');
  });

  it('reads the same policy from YAML, with ranges for its problems', () => {
    const yaml = [
      'requireProvenance: true',
      'packages:',
      '  - match: "@corp/*"',
      '    signers:',
      `      - issuer: ${ISSUER}`,
      "        subjectPattern: 'https://github\\.com/corp/.*'",
      '  - match: ghcr.io/corp/*',
      '    keys: [{ path: keys/cosign.pub, ignoreTlog: true }]',
      '  - signers: []',
    ].join('\n');
    const { policy: p, problems } = parsePolicy(yaml, '/w/provenance-policy.yaml');
    assert.equal(p.requireProvenance, true);
    assert.deepEqual(p.packages, [
      { match: '@corp/*', signers: [{ issuer: ISSUER, subjectPattern: 'https://github\\.com/corp/.*' }] },
      { match: 'ghcr.io/corp/*', keys: [{ path: 'keys/cosign.pub', ignoreTlog: true }] },
    ]);
    assert.deepEqual(
      problems.map((x) => [x.code, x.range.start.line]),
      [['policy-invalid', 8]],
    );
    assert.equal(parsePolicy('packages: [unclosed', 'x.yml').problems[0].code, 'parse-error');
  });

  it('reports every problem of a malformed policy with its range', () => {
    const { problems } = parsePolicy(`{
  "requireProvenance": "yes",
  "packages": [
    { "name": "x" },
    { "match": "y", "signers": [{ "issuer": "i" }, { "issuer": "i", "subjectPattern": "(" }], "extra": 1 }
  ]
}`);
    assert.deepEqual(
      problems.map((p) => [p.range.start.line, p.code]),
      [
        [1, 'policy-invalid'],
        [3, 'policy-invalid'],
        [4, 'policy-invalid'],
        [4, 'policy-invalid'],
        [4, 'policy-invalid'],
      ],
    );
  });

  it('reads artifact rules: signers and keys for local files, matched by their path relative to the policy', () => {
    const { policy: p, problems } = parsePolicy(
      JSON.stringify({
        artifacts: [
          { match: 'dist/*', signers: [{ issuer: ISSUER, subject: 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1' }] },
          { match: '*.bin', keys: [{ path: 'release.pub' }] },
          { signers: [] },
        ],
      }),
      '/w/provenance-policy.json',
    );
    assert.equal(problems.length, 1, 'the rule without "match" is reported');
    assert.deepEqual(artifactRuleFor(p, 'dist/app.tgz')?.signers?.[0].issuer, ISSUER);
    assert.deepEqual(artifactRuleFor(p, 'tools/x.bin')?.keys, [{ path: 'release.pub' }]);
    assert.equal(artifactRuleFor(p, 'README.md'), undefined);
    assert.deepEqual(p.packages, [], 'artifact rules are not package rules');
  });
});
