// A pip requirements file (`requirements*.txt`, `constraints.txt`): each requirement with the
// ranges of its name and specifier, its `--hash` options, the index options the file gives
// (`-i/--index-url`, `--extra-index-url`, `--no-index`), and the files it includes (`-r`, `-c`).
// Lines continue with a trailing backslash; `#` after whitespace starts a comment, as pip reads it.

import { LineIndex } from '../../formats/jsonDocument';
import type { Dependency, ParseProblem, Range } from '../../dependency';
import { parseRequirement } from './pep508';

export interface PythonFile {
  dependencies: Dependency[];
  problems: ParseProblem[];
  /** Index URLs the file names: the primary first (pip: `--index-url`), then the extra ones. */
  indexes: string[];
  /** `--no-index`: nothing comes from an index. */
  noIndex?: boolean;
  /** Files a requirements file includes: `-r` requirements, `-c` constraints. */
  includes?: Array<{ file: string; constraint: boolean; range: Range }>;
}

/** Options that take a value, as pip spells them (short and long). */
const VALUE_OPTIONS = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '--trusted-host',
  '-e',
  '--editable',
  '--only-binary',
  '--no-binary',
  '--use-feature',
  '--config-settings',
  '--global-option',
  '--install-option',
]);
const FLAG_OPTIONS = new Set(['--no-index', '--pre', '--prefer-binary', '--require-hashes']);

export function parseRequirementsTxt(text: string, constraintsFile = false): PythonFile {
  const lines = new LineIndex(text);
  const out: PythonFile = { dependencies: [], problems: [], indexes: [], includes: [] };
  const extra: string[] = [];
  let primary: string | undefined;
  for (const logical of logicalLines(text)) {
    const range = (start: number, end: number) =>
      lines.rangeAt(logical.offsets[start] ?? logical.end, (logical.offsets[end - 1] ?? logical.end) + 1 - (logical.offsets[start] ?? logical.end));
    const content = logical.text.replace(/(^|\s)#.*$/, '');
    if (content.trim() === '') continue;
    const first = /^\s*(-{1,2}[A-Za-z-]+)(?:[=\s]\s*(\S+))?/.exec(content);
    if (first && content.trimStart().startsWith('-')) {
      const [, option, value] = first;
      const valueAt = value ? content.indexOf(value, content.indexOf(option) + option.length) : -1;
      const valueRange = value ? range(valueAt, valueAt + value.length) : range(content.indexOf(option), content.indexOf(option) + option.length);
      if (VALUE_OPTIONS.has(option) && !value) out.problems.push({ message: `${option} needs a value.`, range: valueRange });
      else if (option === '-r' || option === '--requirement' || option === '-c' || option === '--constraint')
        out.includes!.push({ file: value!, constraint: option.startsWith('-c') || option === '--constraint', range: valueRange });
      else if (option === '-i' || option === '--index-url') primary = value;
      else if (option === '--extra-index-url') extra.push(value!);
      else if (option === '--no-index') out.noIndex = true;
      else if (option === '-e' || option === '--editable') out.dependencies.push(urlDependency(value!, valueRange, 'an editable install'));
      else if (!VALUE_OPTIONS.has(option) && !FLAG_OPTIONS.has(option))
        out.problems.push({ message: `pip does not know the option ${option}.`, range: valueRange });
      continue;
    }
    // A requirement, then its own options (--hash=…, --config-settings …).
    const optionsAt = content.search(/\s--?[A-Za-z]/);
    const requirementText = optionsAt >= 0 ? content.slice(0, optionsAt) : content;
    const hashes = [...content.matchAll(/--hash[=\s]\s*([A-Za-z0-9]+):([0-9a-fA-F]+)/g)].map((m) => `${m[1].toLowerCase()}:${m[2].toLowerCase()}`);
    const lead = requirementText.length - requirementText.trimStart().length;
    const trimmed = requirementText.trim();
    const named = /^[A-Za-z0-9._-]+\s*(\[[^\]]*\])?\s*@/.test(trimmed);
    if (!named && (/^(\.{0,2}\/|[A-Za-z][A-Za-z0-9+.-]*:\/\/|git\+)/.test(trimmed) || /\.(whl|tar\.gz|zip)$/.test(trimmed))) {
      out.dependencies.push(urlDependency(trimmed, range(lead, lead + trimmed.length), 'a URL or path'));
      continue;
    }
    const requirement = parseRequirement(requirementText);
    if ('error' in requirement) {
      out.problems.push({ message: `${requirement.error}.`, range: range(lead, lead + trimmed.length) });
      continue;
    }
    out.dependencies.push({
      ecosystem: 'pypi',
      name: requirement.normalized,
      spec: requirement.url ?? requirement.specifier,
      version: requirement.exact,
      group: constraintsFile ? 'constraints' : 'dependencies',
      nameRange: range(requirement.nameSpan[0], requirement.nameSpan[1]),
      specRange: range(requirement.specSpan[0], requirement.specSpan[1]),
      hashes: hashes.length > 0 ? hashes : undefined,
      url: requirement.url,
    });
  }
  out.indexes = [...(primary ? [primary] : []), ...extra];
  return out;
}

/** A dependency pip installs from a URL or path: listed, with no index to verify it against. */
function urlDependency(target: string, range: Range, what: string): Dependency {
  const egg = /[#&]egg=([A-Za-z0-9._-]+)/.exec(target)?.[1];
  return { ecosystem: 'pypi', name: egg ?? target, spec: target, group: 'dependencies', nameRange: range, specRange: range, url: target, source: what };
}

interface LogicalLine {
  text: string;
  /** Offset in the file of each character of `text`. */
  offsets: number[];
  end: number;
}

/** Lines joined where one ends in a backslash, keeping each character's offset for ranges. */
function logicalLines(text: string): LogicalLine[] {
  const result: LogicalLine[] = [];
  let current: LogicalLine = { text: '', offsets: [], end: 0 };
  let i = 0;
  while (i <= text.length) {
    const newline = text.indexOf('\n', i);
    const lineEnd = newline < 0 ? text.length : newline;
    let line = text.slice(i, lineEnd);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const continued = line.endsWith('\\');
    const kept = continued ? line.slice(0, -1) : line;
    for (let k = 0; k < kept.length; k++) current.offsets.push(i + k);
    current.text += kept;
    current.end = i + kept.length;
    if (!continued) {
      result.push(current);
      current = { text: '', offsets: [], end: lineEnd + 1 };
    }
    if (newline < 0) break;
    i = newline + 1;
  }
  if (current.text) result.push(current);
  return result;
}
