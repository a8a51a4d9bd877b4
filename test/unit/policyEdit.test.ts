import * as assert from 'node:assert/strict';
import { applyEdits } from 'jsonc-parser';
import { parsePolicy } from '../../server/src/core/trust/policy';
import { trustSignerEdits } from '../../server/src/core/trust/policyEdit';

const SIGNER = { issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1' };

const edited = (text: string | undefined) => applyEdits(text ?? '', trustSignerEdits(text, 'left-pad', SIGNER));
const editedYaml = (text: string) => applyEdits(text, trustSignerEdits(text, 'left-pad', SIGNER, true));
const yamlPolicy = (text: string) => parsePolicy(text, 'provenance-policy.yaml').policy;

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
    assert.deepEqual(
      parsePolicy(out).policy.packages.map((r) => r.match),
      ['left-pad', 'other'],
    );
    assert.deepEqual(
      parsePolicy(edited('{ "requireProvenance": true }')).policy.packages.map((r) => r.match),
      ['left-pad'],
    );
  });

  it('edits a YAML policy in place: the signer joins the rule that applies, comments and other lines stay', () => {
    const text = `# our policy
requireProvenance: false
packages:
  # left-* are ours
  - match: "left-*"
    signers:
      - issuer: i
        subject: s # the old release identity
  - match: other
`;
    const edits = trustSignerEdits(text, 'left-pad', SIGNER, true);
    assert.equal(edits.length, 1);
    const out = applyEdits(text, edits);
    assert.deepEqual(yamlPolicy(out).packages[0].signers, [{ issuer: 'i', subject: 's' }, SIGNER]);
    // Only the insertion differs: every original line is still there, in order.
    const kept = out.split('\n').filter((line) => text.split('\n').includes(line));
    assert.deepEqual(kept, text.split('\n'));
  });

  it('gives a YAML rule its first signer, puts a new rule first, and starts an empty YAML file', () => {
    assert.deepEqual(yamlPolicy(editedYaml('packages:\n  - match: left-pad\n    requireProvenance: true\n')).packages, [
      { match: 'left-pad', requireProvenance: true, signers: [SIGNER] },
    ]);
    assert.deepEqual(
      yamlPolicy(editedYaml('packages:\n  - match: other\n')).packages.map((r) => r.match),
      ['left-pad', 'other'],
    );
    assert.deepEqual(
      yamlPolicy(editedYaml('requireProvenance: true\n')).packages.map((r) => r.match),
      ['left-pad'],
    );
    assert.deepEqual(yamlPolicy(editedYaml('')).packages, [{ match: 'left-pad', signers: [SIGNER] }]);
  });

  it("keeps a YAML file's own style: list items flush with their key, unpadded flow collections", () => {
    const text = 'packages:\n- match: other\n  keys: [{path: a.pub}]\n';
    const out = editedYaml(text);
    assert.ok(out.endsWith('- match: other\n  keys: [{path: a.pub}]\n'), out);
    assert.ok(out.startsWith('packages:\n- match: left-pad\n'), out);
  });

  it('leaves a YAML file that is not a policy mapping alone', () => {
    assert.deepEqual(trustSignerEdits('- just\n- a list\n', 'left-pad', SIGNER, true), []);
  });
});
