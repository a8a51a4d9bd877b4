// A thin layer over jsonc-parser that keeps offsets and turns them into positions.
// jsonc-parser is error tolerant: a broken file still yields the parts it could read.

import { type Node, type ParseError, findNodeAtLocation, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { ParseProblem, Position, Range } from '../dependency';

export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10 /* \n */) this.lineStarts.push(i + 1);
      else if (ch === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
    }
    this.length = text.length;
  }

  private readonly length: number;

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    // An offset inside a line break (between \r and \n) is the end of its line, as editors count.
    return { line: low, character: Math.min(clamped - this.lineStarts[low], this.lineLength(low)) };
  }

  /** A line's length without its line break. */
  private lineLength(line: number): number {
    const start = this.lineStarts[line];
    let end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.length;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return end - start;
  }

  offsetAt(position: Position): number {
    const lineStart = this.lineStarts[Math.max(0, Math.min(position.line, this.lineStarts.length - 1))];
    return Math.min(lineStart + position.character, this.length);
  }

  rangeAt(offset: number, length: number): Range {
    return { start: this.positionAt(offset), end: this.positionAt(offset + length) };
  }
}

export interface JsonDocument {
  root: Node | undefined;
  lines: LineIndex;
  problems: ParseProblem[];
}

/**
 * Parses JSON leniently (comments and trailing commas are read, as editors do) and reports
 * only the first syntax error: one clear diagnostic beats a cascade of follow-on errors.
 */
export function parseJsonDocument(text: string): JsonDocument {
  // A byte-order mark is not JSON; blank it out so offsets stay aligned with the editor's.
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  const errors: ParseError[] = [];
  const root = parseTree(source, errors, { allowTrailingComma: true, disallowComments: false });
  const lines = new LineIndex(text);
  const problems: ParseProblem[] = [];
  // A file that is still empty (just created) is not an error yet.
  if (source.trim() === '') return { root: undefined, lines, problems };
  if (errors.length > 0) {
    const first = errors[0];
    problems.push({
      message: `This file is not valid JSON (${describeError(printParseErrorCode(first.error))}); dependencies after this point may be missing.`,
      range: lines.rangeAt(first.offset, Math.max(first.length, 1)),
    });
  } else if (root === undefined) {
    problems.push({ message: 'This file is not valid JSON.', range: lines.rangeAt(0, 0) });
  }
  return { root, lines, problems };
}

/** Like parseJsonDocument, for files whose top level must be an object; `root` is undefined otherwise. */
export function parseJsonObject(text: string, what: string): JsonDocument {
  const doc = parseJsonDocument(text);
  if (doc.root !== undefined && doc.root.type !== 'object') {
    doc.problems.push({ message: `${what} must contain a JSON object.`, range: nodeRange(doc.lines, doc.root) });
    return { ...doc, root: undefined };
  }
  return doc;
}

function describeError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function child(node: Node | undefined, key: string): Node | undefined {
  return node && node.type === 'object' ? findNodeAtLocation(node, [key]) : undefined;
}

/** Key/value pairs of an object node, skipping anything malformed. */
export function properties(node: Node | undefined): Array<{ key: Node; value: Node }> {
  if (!node || node.type !== 'object' || !node.children) return [];
  const out: Array<{ key: Node; value: Node }> = [];
  for (const prop of node.children) {
    const [key, value] = prop.children ?? [];
    if (key && value && key.type === 'string') out.push({ key, value });
  }
  return out;
}

/** The items of an array node; none for anything else. */
export function arrayItems(node: Node | undefined): Node[] {
  return node?.type === 'array' ? (node.children ?? []) : [];
}

export function stringValue(node: Node | undefined): string | undefined {
  return node && node.type === 'string' && typeof node.value === 'string' ? node.value : undefined;
}

export function nodeRange(lines: LineIndex, node: Node): Range {
  return lines.rangeAt(node.offset, node.length);
}
