// pyproject.toml: the dependencies a project declares — PEP 621 `[project] dependencies` and
// `optional-dependencies`, PEP 735 `[dependency-groups]`, Poetry's `[tool.poetry.*dependencies]`
// — with ranges, and the package indexes it names (Poetry sources, uv indexes).

import { type TomlNode, parseTomlDocument, tomlAt, tomlString } from '../../formats/tomlDocument';
import type { Dependency, DependencyGroup, Range } from '../../dependency';
import { normalizeName, parseRequirement } from './pep508';
import type { PythonFile } from './requirementsTxt';

export function parsePyproject(text: string): PythonFile {
  const { root, problems } = parseTomlDocument(text);
  const out: PythonFile = { dependencies: [], problems, indexes: [] };
  if (!root) return out;
  const project = tomlAt(root, 'project');
  pep508List(tomlAt(project, 'dependencies'), 'dependencies', out);
  for (const group of tomlAt(project, 'optional-dependencies')?.table?.values() ?? []) pep508List(group, 'optionalDependencies', out);
  for (const group of tomlAt(root, 'dependency-groups')?.table?.values() ?? []) pep508List(group, 'devDependencies', out);
  const poetry = tomlAt(root, 'tool', 'poetry');
  poetryTable(tomlAt(poetry, 'dependencies'), 'dependencies', out);
  poetryTable(tomlAt(poetry, 'dev-dependencies'), 'devDependencies', out);
  for (const group of tomlAt(poetry, 'group')?.table?.values() ?? []) poetryTable(tomlAt(group, 'dependencies'), 'devDependencies', out);
  // Indexes: uv's default index first (it replaces the default), then the others; Poetry's sources.
  const uv = tomlAt(root, 'tool', 'uv');
  const uvIndexes = tomlAt(uv, 'index')?.items ?? [];
  const urls = [
    ...uvIndexes.filter((i) => tomlAt(i, 'default')?.value === true).map((i) => tomlString(tomlAt(i, 'url'))),
    tomlString(tomlAt(uv, 'index-url')),
    ...uvIndexes.filter((i) => tomlAt(i, 'default')?.value !== true).map((i) => tomlString(tomlAt(i, 'url'))),
    ...(tomlAt(uv, 'extra-index-url')?.items ?? []).map(tomlString),
    ...(tomlAt(poetry, 'source')?.items ?? []).map((s) => tomlString(tomlAt(s, 'url'))),
  ];
  out.indexes = [...new Set(urls.filter((u): u is string => !!u))];
  return out;
}

/** An array of PEP 508 strings; ranges inside the string (a one-line TOML string starts after its quote). */
function pep508List(list: TomlNode | undefined, group: DependencyGroup, out: PythonFile): void {
  for (const item of list?.items ?? []) {
    const text = tomlString(item);
    if (text === undefined) continue; // {include-group = "…"} in dependency groups
    const inside = (span: [number, number]): Range =>
      item.range.start.line === item.range.end.line
        ? {
            start: { line: item.range.start.line, character: item.range.start.character + 1 + span[0] },
            end: { line: item.range.start.line, character: item.range.start.character + 1 + span[1] },
          }
        : item.range;
    const requirement = parseRequirement(text);
    if ('error' in requirement) {
      out.problems.push({ message: `${requirement.error}.`, range: item.range });
      continue;
    }
    out.dependencies.push({
      ecosystem: 'pypi',
      name: requirement.normalized,
      spec: requirement.url ?? requirement.specifier,
      version: requirement.exact,
      group,
      nameRange: inside(requirement.nameSpan),
      specRange: inside(requirement.specSpan),
      url: requirement.url,
    });
  }
}

/** Poetry's `name = "^1.2"` or `name = { version = "…", source = "…" }` (git and path dependencies are listed as such). */
function poetryTable(table: TomlNode | undefined, group: DependencyGroup, out: PythonFile): void {
  for (const [name, value] of table?.table ?? []) {
    if (name.toLowerCase() === 'python') continue;
    const keyRange = value.keyRange ?? value.range;
    const versionNode = value.table ? tomlAt(value, 'version') : value;
    const version = tomlString(versionNode);
    const location = tomlString(tomlAt(value, 'git')) ?? tomlString(tomlAt(value, 'path')) ?? tomlString(tomlAt(value, 'url'));
    if (location) {
      out.dependencies.push({
        ecosystem: 'pypi',
        name: normalizeName(name),
        spec: location,
        group,
        nameRange: keyRange,
        specRange: value.range,
        url: location,
      });
      continue;
    }
    const spec = poetrySpecifier(version ?? '*');
    if ('error' in spec) {
      out.problems.push({ message: spec.error, range: versionNode?.range ?? value.range });
      continue;
    }
    out.dependencies.push({
      ecosystem: 'pypi',
      name: normalizeName(name),
      spec: spec.specifier,
      version: spec.exact,
      group,
      nameRange: keyRange,
      specRange: versionNode?.range ?? value.range,
    });
  }
}

/** Poetry's constraint syntax (`^1.2`, `~1.2.3`, `1.2.*`, `>=1,<2`, `1.2.3`) as a PEP 440 specifier. */
export function poetrySpecifier(constraint: string): { specifier: string; exact?: string } | { error: string } {
  const c = constraint.trim();
  if (c === '*' || c === '') return { specifier: '' };
  const parts = (v: string) => v.split('.').map(Number);
  const caret = /^\^\s*(\d+(?:\.\d+)*)$/.exec(c);
  if (caret) {
    const p = parts(caret[1]);
    const i = p.findIndex((n, k) => n !== 0 || k === p.length - 1);
    const upper = p.slice(0, i + 1).map((n, k) => (k === i ? n + 1 : n));
    return { specifier: `>=${caret[1]},<${upper.join('.')}` };
  }
  const tilde = /^~\s*(\d+(?:\.\d+)*)$/.exec(c);
  if (tilde) {
    const p = parts(tilde[1]);
    const upper = p.length === 1 ? [p[0] + 1] : [p[0], p[1] + 1];
    return { specifier: `>=${tilde[1]},<${upper.join('.')}` };
  }
  if (/^\d+(\.\d+)*([a-z0-9.+-]*)$/i.test(c)) return { specifier: `==${c}`, exact: c };
  const clauses = c.split(',').map((x) => x.trim().replace(/^=(?!=)/, '=='));
  if (clauses.every((x) => /^(===|==|!=|~=|<=|>=|<|>)\s*[A-Za-z0-9*+!._-]+$/.test(x))) {
    const pinned = clauses.length === 1 ? /^===?\s*([^*\s]+)$/.exec(clauses[0])?.[1] : undefined;
    return { specifier: clauses.join(','), exact: pinned };
  }
  return { error: `"${constraint}" is not a version constraint Poetry reads.` };
}
