// Reading parsed YAML (the `yaml` library's nodes, which keep source offsets): the entries of a
// map, a key's value, a sequence's items, and the range of a scalar without its quotes.

import { type Node, type Pair, type Scalar, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { LineIndex } from './jsonDocument';
import type { Range } from '../dependency';

export function entries(node: unknown): Array<Pair<Scalar, Node>> {
  return isMap(node) ? (node.items as Array<Pair<Scalar, Node>>).filter((p) => isPair(p) && isScalar(p.key)) : [];
}

export function get(node: unknown, key: string): Node | undefined {
  return entries(node).find((p) => String(p.key.value) === key)?.value ?? undefined;
}

export function items(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** A scalar holding non-blank text. */
export function stringScalar(node: unknown): Scalar | undefined {
  return isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '' ? node : undefined;
}

/** A scalar holding text or a number (YAML reads `version: 1.0` as a number). */
export function textScalar(node: unknown): Scalar | undefined {
  return stringScalar(node) ?? (isScalar(node) && typeof node.value === 'number' ? node : undefined);
}

/** The scalar's value without its quotes, so an edit replaces what is between them. */
export function scalarRange(lines: LineIndex, node: Scalar, skip = 0): Range {
  const [start, end] = node.range ?? [0, 0];
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  return lines.rangeAt(start + quoted + skip, end - start - 2 * quoted - skip);
}
