// Text edits that add a trusted signer to a policy file, keeping the user's formatting and
// comments (jsonc-parser's modify). Pure: policy text in, edits out.

import { type Edit, type Node, applyEdits, findNodeAtLocation, modify, parseTree } from 'jsonc-parser';
import { type Signer, parsePolicy, ruleFor } from './policy';

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

/**
 * Adds `signer` for the package: to the signers of the rule that already applies to it, or as a
 * new rule `{ match: name, signers: [signer] }` at the front (first match wins). `text` is the
 * current policy, or undefined when there is no policy file yet.
 */
export function trustSignerEdits(text: string | undefined, packageName: string, signer: Signer): Edit[] {
  const source = text ?? '{\n  "packages": []\n}\n';
  const root = parseTree(source);
  const rule = ruleFor(parsePolicy(source).policy, packageName);
  const rules = root && findNodeAtLocation(root, ['packages']);
  const index = rule && rules ? ruleIndex(rules, rule.match) : -1;
  let edits: Edit[];
  if (index >= 0 && findNodeAtLocation(root!, ['packages', index, 'signers'])?.type === 'array') {
    edits = modify(source, ['packages', index, 'signers', -1], signer, { ...FORMAT, isArrayInsertion: true });
  } else if (index >= 0) {
    edits = modify(source, ['packages', index, 'signers'], [signer], FORMAT);
  } else if (rules?.type === 'array') {
    edits = modify(source, ['packages', 0], { match: packageName, signers: [signer] }, { ...FORMAT, isArrayInsertion: true });
  } else {
    edits = modify(source, ['packages'], [{ match: packageName, signers: [signer] }], FORMAT);
  }
  // A new file is written whole: one insertion of the complete text.
  return text === undefined ? [{ offset: 0, length: 0, content: applyEdits(source, edits) }] : edits;
}

function ruleIndex(rules: Node, match: string): number {
  return (rules.children ?? []).findIndex((r) => r.type === 'object' && findNodeAtLocation(r, ['match'])?.value === match);
}
