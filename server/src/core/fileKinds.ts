// Which files we read, and how each kind is parsed: text in, dependencies (packages or images)
// with ranges and problems out. The policy file and SBOMs are read here; everything else by the
// ecosystems' plugins (ecosystems/registry.ts), every plugin that reads a file's kind reading it (a
// workflow's images and its actions). Pure.

import * as path from 'node:path';
import type { ParseProblem } from './dependency';
import { ecosystemFilesOf, routePurl } from './ecosystems/registry';
import { LineIndex } from './formats/jsonDocument';
import type { FileKind, ParsedFile } from './parsedFile';
import { looksLikeSbomName, parseSbom, sbomFormat, sbomSchemaProblems } from './sbom/sbom';
import { POLICY_FILES, parsePolicy } from './trust/policy';

export type { FileKind, ParsedFile } from './parsedFile';

/**
 * What a file is, by its name — and, for JSON, by its content when `text` is given: an SBOM is one
 * whatever it is called. Without the text, names SBOM tools use by convention count as SBOMs.
 */
export function fileKind(file: string, text?: string): FileKind | undefined {
  const base = path.basename(file);
  if (POLICY_FILES.includes(base)) return 'policy';
  const ecosystemFile = ecosystemFilesOf(file, base)[0];
  if (ecosystemFile) return ecosystemFile.file.kind;
  if (/\.(json|spdx|xml)$/.test(base)) return (text === undefined ? looksLikeSbomName(base) : sbomFormat(text) !== undefined) ? 'sbom' : undefined;
  return undefined;
}

/** Deeper than any real manifest; deeper input would cost the parsers' recursion dearly (or their stack). */
const MAX_NESTING = 256;

/**
 * Where a text first nests brackets deeper than MAX_NESTING (quoted strings skipped), or -1: such
 * input is refused with a diagnostic before any recursive parser sees it.
 */
export function tooDeep(text: string): number {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote || c === '\n') quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return -1;
}

export function parseFile(file: string, text: string): ParsedFile | undefined {
  // A file named like an SBOM whose content is not one is said to be so, not silently skipped.
  const kind = fileKind(file, text) ?? (looksLikeSbomName(path.basename(file)) ? 'sbom' : undefined);
  // Brackets nested hundreds deep are no manifest: said once, rather than handed to recursive parsers.
  const deep = kind && kind !== 'dockerfile' ? tooDeep(text) : -1;
  if (kind && deep >= 0) {
    const at = new LineIndex(text).rangeAt(deep, 1);
    return {
      kind,
      dependencies: [],
      problems: [{ message: `This file nests brackets more than ${MAX_NESTING} levels deep here; it is not read.`, range: at }],
    };
  }
  if (kind === 'sbom') {
    const format = sbomFormat(text);
    if (!format)
      return {
        kind,
        dependencies: [],
        problems: [
          {
            message:
              'This file is named like an SBOM but is neither CycloneDX JSON (bomFormat) nor SPDX (SPDX 2 JSON spdxVersion or tag-value SPDXVersion, SPDX 3 JSON-LD @context).',
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: Math.min(1, text.split(/\r?\n|\r/)[0].length) } },
            code: 'sbom-invalid',
          },
        ],
      };
    const sbom = parseSbom(text, format, routePurl);
    return { kind, dependencies: sbom.dependencies, problems: sbom.problems, sbom };
  }
  if (kind === 'policy') return { kind, dependencies: [], problems: parsePolicy(text, file).problems };
  const readers = kind ? ecosystemFilesOf(file, path.basename(file)) : [];
  if (readers.length === 0) return undefined;
  const parsed: ParsedFile = { kind: kind!, dependencies: [], problems: [] };
  for (const { file: reader } of readers) {
    const read = reader.parse(text, file);
    parsed.dependencies.push(...read.dependencies);
    parsed.problems.push(...read.problems);
    parsed.rootRequires ??= read.rootRequires;
    parsed.indexes ??= read.indexes;
    parsed.includes ??= read.includes;
    parsed.model ??= read.model;
  }
  return parsed;
}

/** Problems found after parsing, asynchronously (an SBOM's schema validation); none for other kinds. */
export async function laterProblems(text: string, parsed: ParsedFile): Promise<ParseProblem[]> {
  return parsed.sbom ? sbomSchemaProblems(text, parsed.sbom) : [];
}
