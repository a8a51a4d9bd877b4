// A file as its parsers read it: its kind, the dependencies it declares and the problems it has,
// and what verifying or showing them needs besides (a lockfile's direct requirements, the indexes
// a requirements file names, an SBOM's whole document).

import type { Dependency, ParseProblem } from './dependency';
import type { ParsedSbom } from './sbom/sbomModel';

/** `policy`, `sbom`, or a kind an ecosystem's plugin reads (`npm-lockfile`, `pip-requirements`, `dockerfile`…). */
export type FileKind = string;

/** A file include (pip's `-r` requirements and `-c` constraints), relative to the including file. */
export interface FileInclude {
  file: string;
  constraint: boolean;
}

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
