// A small XML tree with positions (sax): elements by local name, their text and where that text
// is. For small documents such as a pom.xml, where the parsers navigate rather than stream.

import * as sax from 'sax';
import { LineIndex } from './jsonDocument';
import type { ParseProblem, Position, Range } from '../dependency';

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's own text, trimmed, and its range (on the line it starts on). */
  text: string;
  textRange?: Range;
  start: Position;
}

export function parseXmlTree(text: string): { root?: XmlElement; problems: ParseProblem[] } {
  const parser = sax.parser(true, { position: true, trim: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const problems: ParseProblem[] = [];
  // Positions from sax's character offset, counted into lines the way the editor counts them.
  const lines = new LineIndex(text);
  let textStart = 0;
  let buffer = '';
  const here = (): Position => lines.positionAt(parser.position);
  parser.onopentag = (tag) => {
    const element: XmlElement = { name: tag.name.replace(/^.*:/, ''), children: [], text: '', start: here() };
    stack[stack.length - 1]?.children.push(element);
    root ??= element;
    stack.push(element);
    buffer = '';
    textStart = parser.position;
  };
  parser.ontext = (t) => {
    buffer += t;
  };
  parser.oncdata = (t) => {
    buffer += t;
  };
  parser.onclosetag = () => {
    const element = stack.pop();
    if (!element) return;
    if (element.children.length === 0) {
      const lead = buffer.length - buffer.trimStart().length;
      element.text = buffer.trim();
      // The text's first line (entities may make the buffer differ from the source: clamped to the document).
      element.textRange = lines.rangeAt(textStart + lead, element.text.split(/\r\n|\r|\n/)[0].length);
    }
    buffer = '';
  };
  parser.onerror = (error) => {
    if (problems.length === 0)
      problems.push({ message: `This file is not well-formed XML: ${error.message.split('\n')[0]}.`, range: { start: here(), end: here() } });
    (parser as unknown as { error: null }).error = null;
    parser.resume();
  };
  try {
    parser.write(text).close();
  } catch (error) {
    if (problems.length === 0)
      problems.push({ message: `This file is not well-formed XML: ${(error as Error).message.split('\n')[0]}.`, range: { start: here(), end: here() } });
  }
  return { root, problems };
}

export function childOf(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

export function childrenOf(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? [];
}
