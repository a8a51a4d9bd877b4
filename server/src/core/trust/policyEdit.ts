// Text edits that add a trusted signer to a policy file, keeping the user's formatting and
// comments: jsonc-parser's modify for JSON, the yaml library's document model for YAML. Pure:
// policy text in, edits out.

import { type Edit, type Node, applyEdits, findNodeAtLocation, modify, parseTree } from 'jsonc-parser';
import { Document, type ToStringOptions, isMap, isSeq, parseDocument } from 'yaml';
import { type Signer, parsePolicy, ruleFor } from './policy';

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

/**
 * Adds `signer` for the package: to the signers of the rule that already applies to it, or as a
 * new rule `{ match: name, signers: [signer] }` at the front (first match wins). `text` is the
 * current policy, or undefined when there is no policy file yet; `yaml` when the file is YAML.
 */
export function trustSignerEdits(text: string | undefined, packageName: string, signer: Signer, yaml = false): Edit[] {
  if (yaml) return yamlEdits(text, packageName, signer);
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

/**
 * The same change to a YAML policy, through the yaml document model (comments and untouched
 * nodes are kept), returned as one edit spanning only what changed.
 */
function yamlEdits(text: string | undefined, packageName: string, signer: Signer): Edit[] {
  const source = text ?? '';
  const doc = source.trim() ? parseDocument(source) : new Document({});
  if (!isMap(doc.contents)) return []; // not a policy (a problem the policy diagnostics already report)
  const rule = ruleFor(parsePolicy(source, 'policy.yaml').policy, packageName);
  const rules = doc.get('packages');
  if (isSeq(rules) && rules.items.length === 0) rules.flow = false; // `packages: []` grows as a block list
  const index = rule && isSeq(rules) ? rules.items.findIndex((r) => isMap(r) && r.get('match') === rule.match) : -1;
  if (index >= 0 && isSeq(doc.getIn(['packages', index, 'signers']))) doc.addIn(['packages', index, 'signers'], doc.createNode(signer));
  else if (index >= 0) doc.setIn(['packages', index, 'signers'], doc.createNode([signer]));
  else if (isSeq(rules)) rules.items.unshift(doc.createNode({ match: packageName, signers: [signer] }));
  else doc.set('packages', doc.createNode([{ match: packageName, signers: [signer] }]));
  return [changedSpan(source, doc.toString(yamlStyle(source)))];
}

/**
 * Writes the document back in the file's own style, so that untouched lines stay as they were:
 * list items indented under their key or not, `[a]` or `[ a ]`. lineWidth 0: never fold long
 * strings (identities, patterns) onto new lines.
 */
function yamlStyle(source: string): ToStringOptions {
  const flushLists = /^([ \t]*)[\w"'-]+:[ \t]*(#.*)?\r?\n(?:[ \t]*(#.*)?\r?\n)*\1- /m.test(source);
  return { lineWidth: 0, indentSeq: !flushLists, flowCollectionPadding: /[[{] \S/.test(source) };
}

/** One edit that turns `before` into `after`, covering only the span between their common prefix and suffix. */
function changedSpan(before: string, after: string): Edit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { offset: start, length: before.length - start - end, content: after.slice(start, after.length - end) };
}
