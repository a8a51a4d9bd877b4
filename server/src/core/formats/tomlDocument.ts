// TOML with positions (toml-eslint-parser's syntax tree), as one tree of tables, arrays and values:
// `[tool.poetry.dependencies]`, dotted keys and `[[package]]` arrays of tables all land where they
// mean, each node with the range of its value and of its key. A syntax error is one problem.

import { parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import { LineIndex } from './jsonDocument';
import type { ParseProblem, Range } from '../dependency';

export interface TomlNode {
  /** Strings, numbers, booleans (dates as their text); undefined for tables and arrays. */
  value?: string | number | boolean;
  table?: Map<string, TomlNode>;
  items?: TomlNode[];
  range: Range;
  keyRange?: Range;
}

export interface TomlDocument {
  root: TomlNode | undefined;
  problems: ParseProblem[];
}

export function parseTomlDocument(text: string): TomlDocument {
  const lines = new LineIndex(text);
  const at = (r: [number, number]) => lines.rangeAt(r[0], r[1] - r[0]);
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(text);
  } catch (error) {
    const e = error as Error & { index?: number };
    return {
      root: undefined,
      problems: [
        { message: `This file is not valid TOML (${e.message}); dependencies after this point may be missing.`, range: lines.rangeAt(e.index ?? 0, 1) },
      ],
    };
  }
  const root: TomlNode = { table: new Map(), range: at(ast.range) };
  const tableAt = (path: Array<string | number>, keyRange: Range, range: Range): TomlNode => {
    let node = root;
    for (const segment of path) {
      if (typeof segment === 'number') {
        node.items ??= [];
        node = node.items[segment] ??= { table: new Map(), range, keyRange };
      } else {
        node.table ??= new Map();
        let next = node.table.get(segment);
        if (!next) node.table.set(segment, (next = { range, keyRange }));
        node = next;
      }
    }
    node.table ??= new Map();
    return node;
  };
  const convert = (value: AST.TOMLContentNode): TomlNode => {
    if (value.type === 'TOMLArray') return { items: value.elements.map(convert), range: at(value.range) };
    if (value.type === 'TOMLInlineTable') {
      const node: TomlNode = { table: new Map(), range: at(value.range) };
      for (const pair of value.body) assign(node, pair);
      return node;
    }
    const v = value.value;
    return { value: v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? Number(v) : (v as string | number | boolean), range: at(value.range) };
  };
  const assign = (table: TomlNode, pair: AST.TOMLKeyValue) => {
    const keys = pair.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
    let node = table;
    for (const key of keys.slice(0, -1)) {
      node.table ??= new Map();
      let next = node.table.get(key);
      if (!next) node.table.set(key, (next = { table: new Map(), range: at(pair.range), keyRange: at(pair.key.range) }));
      node = next;
    }
    node.table ??= new Map();
    node.table.set(keys[keys.length - 1], { ...convert(pair.value), keyRange: at(pair.key.range) });
  };
  for (const top of ast.body) {
    for (const item of top.body) {
      if (item.type === 'TOMLKeyValue') assign(root, item);
      else {
        const table = tableAt(item.resolvedKey, at(item.key.range), at(item.range));
        for (const pair of item.body) assign(table, pair);
      }
    }
  }
  return { root, problems: [] };
}

/** The node at a path of keys (and array indexes). */
export function tomlAt(node: TomlNode | undefined, ...path: Array<string | number>): TomlNode | undefined {
  let current = node;
  for (const segment of path) current = typeof segment === 'number' ? current?.items?.[segment] : current?.table?.get(segment);
  return current;
}

export function tomlString(node: TomlNode | undefined): string | undefined {
  return typeof node?.value === 'string' ? node.value : undefined;
}
