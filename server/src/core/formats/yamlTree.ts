// A YAML document as jsonc-parser's node tree (same `type`/`offset`/`length`/`children` shape),
// so a reader written for JSON files — the policy — reads YAML with real source ranges too.

import type { Node as JsonNode } from 'jsonc-parser';
import { type Node, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { type JsonDocument, LineIndex } from './jsonDocument';

export function parseYamlObject(text: string, what: string): JsonDocument {
  const lines = new LineIndex(text);
  if (text.trim() === '') return { root: undefined, lines, problems: [] };
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    return {
      root: undefined,
      lines,
      problems: [
        {
          code: 'parse-error',
          range: lines.rangeAt(error.pos[0], Math.max(1, error.pos[1] - error.pos[0])),
          message: `This file is not valid YAML: ${error.message.split('\n')[0]}`,
        },
      ],
    };
  }
  const root = convert(doc.contents as Node | null, undefined);
  if (root && root.type !== 'object')
    return { root: undefined, lines, problems: [{ range: lines.rangeAt(root.offset, root.length), message: `${what} must contain a mapping.` }] };
  return { root, lines, problems: [] };
}

function convert(node: Node | null | undefined, parent: JsonNode | undefined): JsonNode | undefined {
  if (!node) return undefined;
  const [start, end] = node.range ?? [0, 0];
  const base = { offset: start, length: end - start, parent } as JsonNode;
  if (isMap(node)) {
    const out: JsonNode = { ...base, type: 'object', children: [] };
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const [ks] = pair.key.range ?? [0, 0];
      const property: JsonNode = { type: 'property', offset: ks, length: ((pair.value as Node | null)?.range?.[1] ?? ks) - ks, parent: out, children: [] };
      const key = convert(pair.key as Node, property);
      const value = convert(pair.value as Node | null, property);
      if (key) property.children!.push({ ...key, type: 'string', value: String(pair.key.value) });
      if (value) property.children!.push(value);
      out.children!.push(property);
    }
    return out;
  }
  if (isSeq(node)) {
    const out: JsonNode = { ...base, type: 'array', children: [] };
    for (const item of node.items) {
      const child = convert(item as Node, out);
      if (child) out.children!.push(child);
    }
    return out;
  }
  if (isScalar(node)) {
    const v = node.value;
    const type = typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'null';
    return { ...base, type, value: v };
  }
  return undefined;
}
