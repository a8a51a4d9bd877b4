import * as assert from 'node:assert/strict';
import { applyEdits } from 'jsonc-parser';
import { parsePolicy } from '../../server/src/core/trust/policy';
import { trustSignerEdits } from '../../server/src/core/trust/policyEdit';

const SIGNER = { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1' };

const edited = (text: string | undefined) => applyEdits(text ?? '', trustSignerEdits(text, 'left-pad', SIGNER));

describe('policy edits: trust a signer', () => {
  it('creates a policy file with one rule', () => {
    const out = edited(undefined);
    assert.deepEqual(parsePolicy(out).policy.packages, [{ match: 'left-pad', signers: [SIGNER] }]);
  });

  it('adds the signer to the rule that applies, keeping comments', () => {
    const text = `{
  // our policy
  "packages": [
    { "match": "left-*", "signers": [{ "issuer": "i", "subject": "s" }] }
  ]
}`;
    const out = edited(text);
    assert.match(out, /\/\/ our policy/);
    const rule = parsePolicy(out).policy.packages[0];
    assert.equal(rule.match, 'left-*');
    assert.deepEqual(rule.signers, [{ issuer: 'i', subject: 's' }, SIGNER]);
  });

  it('gives a rule without signers its first signer', () => {
    const out = edited('{ "packages": [ { "match": "left-pad", "requireProvenance": true } ] }');
    assert.deepEqual(parsePolicy(out).policy.packages, [{ match: 'left-pad', requireProvenance: true, signers: [SIGNER] }]);
  });

  it('puts a new rule first when no rule applies, and adds "packages" when missing', () => {
    const out = edited('{ "packages": [ { "match": "other" } ] }');
    assert.deepEqual(parsePolicy(out).policy.packages.map((r) => r.match), ['left-pad', 'other']);
    assert.deepEqual(parsePolicy(edited('{ "requireProvenance": true }')).policy.packages.map((r) => r.match), ['left-pad']);
  });
});
