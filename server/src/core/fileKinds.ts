// Which files we read, and how each kind is parsed: text in, dependencies (packages or images)
// with ranges and problems out. Pure.

import * as path from 'node:path';
import { LineIndex } from './formats/jsonDocument';
import { parseDockerfile } from './ecosystems/oci/dockerfile';
import { parseSpinManifest } from './ecosystems/oci/spinManifest';
import { type YamlImageKind, parseYamlImages } from './ecosystems/oci/yamlImages';
import { parsePackageJson } from './ecosystems/npm/packageJson';
import { parsePackageLock } from './ecosystems/npm/packageLock';
import type { Dependency, ParseProblem } from './dependency';
import { type ParsedSbom, SBOM_INVALID } from './sbom/cyclonedxJson';
import { looksLikeSbomName, parseSbom, sbomFormat, sbomSchemaProblems } from './sbom/sbom';
import { POLICY_FILES, parsePolicy } from './trust/policy';
import type { FileInclude } from './ecosystems/plugin';
import { ecosystemFileOf } from './ecosystems/registry';
import { parseWorkflowActions } from './ecosystems/github-actions/workflowActions';

/** The kinds read here, and those of the ecosystem plugins (ecosystems/registry.ts: `pip-requirements`, `uv-lock`…). */
export type FileKind = 'npm-manifest' | 'npm-lockfile' | 'policy' | 'dockerfile' | 'spin-manifest' | 'sbom' | YamlImageKind | (string & {});

/**
 * What a file is, by its name — and, for JSON, by its content when `text` is given: an SBOM is one
 * whatever it is called. Without the text, names SBOM tools use by convention count as SBOMs.
 */
export function fileKind(file: string, text?: string): FileKind | undefined {
  const base = path.basename(file);
  if (POLICY_FILES.includes(base)) return 'policy';
  if (base === 'package.json') return 'npm-manifest';
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') return 'npm-lockfile';
  const ecosystemFile = ecosystemFileOf(file, base);
  if (ecosystemFile) return ecosystemFile.kind;
  if (/\.(json|spdx|xml)$/.test(base)) return (text === undefined ? looksLikeSbomName(base) : sbomFormat(text) !== undefined) ? 'sbom' : undefined;
  if (/^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|dockerfile|Containerfile)$/.test(base)) return 'dockerfile';
  if (base === 'spin.toml') return 'spin-manifest';
  if (!/\.ya?ml$/.test(base)) return undefined;
  if (/^(docker-)?compose([.-].+)?\.ya?ml$/.test(base)) return 'compose';
  if (/[\\/]\.github[\\/]workflows[\\/]/.test(file)) return 'workflow';
  if (base === 'Chart.yaml') return 'helm-chart';
  if (/^values([.-].+)?\.ya?ml$/.test(base)) return 'helm-values';
  // Any other YAML may be a Kubernetes manifest; its parser looks for apiVersion and kind and stays quiet otherwise.
  return 'kubernetes';
}

const YAML_KINDS: ReadonlySet<string> = new Set<YamlImageKind>(['compose', 'kubernetes', 'workflow', 'helm-values', 'helm-chart']);

export interface ParsedFile {
  kind: FileKind;
  dependencies: Dependency[];
  problems: ParseProblem[];
  /** Lockfiles: what the project requires directly, when the lockfile says. */
  rootRequires?: string[];
  /** SBOMs: the whole document (components, graph), for review. */
  sbom?: ParsedSbom;
  /** Package indexes the file itself names (pip `-i`, pyproject sources), the primary first. */
  indexes?: string[];
  /** Files it includes (pip `-r`, `-c`). */
  includes?: FileInclude[];
  /** What an ecosystem's verifier needs of the file beyond its dependencies (a POM's model, for its parents). */
  model?: unknown;
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
    return { kind, dependencies: [], problems: [{ message: `This file nests brackets more than ${MAX_NESTING} levels deep here; it is not read.`, range: at }] };
  }
  if (kind === 'sbom') {
    const format = sbomFormat(text);
    if (!format) return { kind, dependencies: [], problems: [{ message: 'This file is named like an SBOM but is neither CycloneDX JSON (bomFormat) nor SPDX (SPDX 2 JSON spdxVersion or tag-value SPDXVersion, SPDX 3 JSON-LD @context).', range: { start: { line: 0, character: 0 }, end: { line: 0, character: Math.min(1, text.split(/\r?\n|\r/)[0].length) } }, code: SBOM_INVALID }] };
    const sbom = parseSbom(text, format);
    return { kind, dependencies: sbom.dependencies, problems: sbom.problems, sbom };
  }
  if (kind === 'npm-manifest') {
    const m = parsePackageJson(text);
    return { kind, dependencies: m.dependencies, problems: m.problems };
  }
  if (kind === 'npm-lockfile') {
    const l = parsePackageLock(text);
    return { kind, dependencies: l.packages, problems: l.problems, rootRequires: l.rootRequires };
  }
  const ecosystemFile = ecosystemFileOf(file, path.basename(file));
  if (ecosystemFile && kind === ecosystemFile.kind) {
    const parsed = ecosystemFile.parse(text, file);
    return { kind, dependencies: parsed.dependencies, problems: parsed.problems, indexes: parsed.indexes, includes: parsed.includes, model: parsed.model };
  }
  if (kind === 'policy') return { kind, dependencies: [], problems: parsePolicy(text, file).problems };
  if (kind === 'dockerfile') {
    const d = parseDockerfile(text);
    return { kind, dependencies: d.images, problems: d.problems };
  }
  if (kind === 'spin-manifest') {
    const s = parseSpinManifest(text);
    return { kind, dependencies: s.images, problems: s.problems };
  }
  if (kind && YAML_KINDS.has(kind)) {
    const y = parseYamlImages(text, kind as YamlImageKind);
    // A workflow also names the actions it runs.
    const actions = kind === 'workflow' ? parseWorkflowActions(text) : [];
    return { kind, dependencies: [...y.images, ...actions], problems: y.problems };
  }
  return undefined;
}

/** Problems found after parsing, asynchronously (an SBOM's schema validation); none for other kinds. */
export async function laterProblems(text: string, parsed: ParsedFile): Promise<ParseProblem[]> {
  return parsed.sbom ? sbomSchemaProblems(text, parsed.sbom) : [];
}
