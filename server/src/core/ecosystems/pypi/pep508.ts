// One PEP 508 requirement (`name[extras] specifier ; marker`, or `name @ url`) with where each part
// is, and PEP 503's normalised form of a project name. What pip, uv and Poetry read in
// requirements files and in pyproject's `dependencies`.

export interface Requirement {
  /** As written, and normalised (lower case, runs of `-_.` as one `-`). */
  name: string;
  normalized: string;
  extras: string[];
  /** `>=2,<3`, `==1.0.0`; empty when none is given. */
  specifier: string;
  /** The single version an `==`/`===` specifier pins (no wildcard), if that is what it says. */
  exact?: string;
  url?: string;
  marker?: string;
  /** Offsets into the text given: of the name, and of the specifier (or url, or the name when neither). */
  nameSpan: [number, number];
  specSpan: [number, number];
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Parses one requirement; `error` says what is wrong with it. */
export function parseRequirement(text: string): Requirement | { error: string } {
  const named = NAME.exec(text);
  if (!named) return { error: `"${text.trim()}" does not start with a project name` };
  const name = named[1];
  const nameStart = named[0].length - name.length;
  let rest = text.slice(named[0].length);
  let offset = named[0].length;
  const skip = (n: number) => {
    rest = rest.slice(n);
    offset += n;
  };
  const extras: string[] = [];
  const extrasMatch = /^\s*\[([^\]]*)\]/.exec(rest);
  if (extrasMatch) {
    extras.push(
      ...extrasMatch[1]
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
    );
    skip(extrasMatch[0].length);
  }
  const semicolon = rest.indexOf(';');
  const marker = semicolon >= 0 ? rest.slice(semicolon + 1).trim() : undefined;
  const body = semicolon >= 0 ? rest.slice(0, semicolon) : rest;
  const base = { name, normalized: normalizeName(name), extras, marker, nameSpan: [nameStart, nameStart + name.length] as [number, number] };
  const at = /^\s*@\s*/.exec(body);
  if (at) {
    // The URL ends at whitespace: a marker after a URL must be separated by a space before `;`.
    const url = body.slice(at[0].length).trim();
    if (!url) return { error: `"${name} @" names no URL` };
    const start = offset + at[0].length;
    return { ...base, specifier: '', url, specSpan: [start, start + url.length] };
  }
  const trimmed = body.trim();
  if (trimmed === '') return { ...base, specifier: '', specSpan: base.nameSpan };
  const inner = /^\((.*)\)$/.exec(trimmed)?.[1] ?? trimmed;
  const clauses = inner.split(',').map((c) => c.replace(/\s+/g, ''));
  if (clauses.some((c) => !/^(===|==|!=|~=|<=|>=|<|>)\s*[A-Za-z0-9*+!._-]+$/.test(c)))
    return { error: `"${trimmed}" is not a version specifier (such as ==1.2.3 or >=2,<3)` };
  const start = offset + body.indexOf(trimmed);
  const pinned = clauses.length === 1 ? /^===?\s*([^*\s]+)$/.exec(clauses[0])?.[1] : undefined;
  return { ...base, specifier: clauses.join(','), exact: pinned, specSpan: [start, start + trimmed.length] };
}
