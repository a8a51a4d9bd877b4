// Go modules: go.sum (each line a module version, or its go.mod, with its `h1:` hash) and go.mod's
// require directives (single and block form, `// indirect` kept), with ranges.

import { LineIndex } from '../../formats/jsonDocument';
import type { Dependency, ParseProblem } from '../../dependency';

export function parseGoSum(text: string): { dependencies: Dependency[]; problems: ParseProblem[] } {
  const lines = new LineIndex(text);
  const out = { dependencies: [] as Dependency[], problems: [] as ParseProblem[] };
  let offset = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const at = offset;
    offset += raw.length + 1;
    if (line.trim() === '') continue;
    const match = /^(\S+) (v\S+?)(\/go\.mod)? (h1:[A-Za-z0-9+/]{43}=)$/.exec(line);
    if (!match) {
      out.problems.push({ message: `"${line}" is not a go.sum line (module version[/go.mod] h1:hash).`, range: lines.rangeAt(at, line.length) });
      continue;
    }
    const [, module, version, goMod, hash] = match;
    out.dependencies.push({
      ecosystem: 'golang',
      name: module,
      spec: `${version}${goMod ?? ''}`,
      version,
      group: 'lockfile',
      nameRange: lines.rangeAt(at, module.length),
      specRange: lines.rangeAt(at + module.length + 1, version.length + (goMod?.length ?? 0)),
      hashes: [`${goMod ? 'go.mod ' : ''}${hash}`],
      source: goMod ? 'go.mod file' : 'module zip',
    });
  }
  return out;
}

export function parseGoMod(text: string): { dependencies: Dependency[]; problems: ParseProblem[] } {
  const lines = new LineIndex(text);
  const out = { dependencies: [] as Dependency[], problems: [] as ParseProblem[] };
  let inRequire = false;
  let offset = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const at = offset;
    offset += raw.length + 1;
    const code = line.replace(/\/\/.*$/, '');
    if (inRequire && /^\s*\)/.test(code)) {
      inRequire = false;
      continue;
    }
    if (/^\s*require\s*\(\s*$/.test(code)) {
      inRequire = true;
      continue;
    }
    const single = /^(\s*require\s+)(\S+)(\s+)(\S+)\s*$/.exec(code);
    const inBlock = inRequire ? /^(\s*)(\S+)(\s+)(\S+)\s*$/.exec(code) : null;
    const match = single ?? inBlock;
    if (!match) continue;
    const [, lead, module, gap, version] = match;
    const nameAt = at + lead.length;
    const versionAt = nameAt + module.length + gap.length;
    out.dependencies.push({
      ecosystem: 'golang',
      name: module.replace(/^"|"$/g, ''),
      spec: version,
      version,
      group: /\/\/\s*indirect\b/.test(line) ? 'lockfile' : 'dependencies',
      nameRange: lines.rangeAt(nameAt, module.length),
      specRange: lines.rangeAt(versionAt, version.length),
    });
  }
  return out;
}
