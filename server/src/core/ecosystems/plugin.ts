// What an ecosystem brings: the files it reads (a name test and a parser) and a verifier. The
// checker, the file kinds and the SBOM routing find ecosystems only through this interface (see
// registry.ts): adding one is a parser, a verifier and this glue, nothing else.

import type { TieredCache } from '../cache/tieredCache';
import type { ParsedFile } from '../fileKinds';
import type { HttpClient, HttpOptions } from '../http/http';
import type { Dependency, Ecosystem, ParseProblem } from '../dependency';
import type { PackageResult } from '../result';
import type { TrustContext } from '../trust/trustedRoot';

export interface EcosystemFile {
  /** The file kind (`pip-requirements`, `poetry-lock`…). */
  kind: string;
  /** Whether a file is of this kind, by its base name (and path, for files that live in a known folder). */
  matches(base: string, file: string): boolean;
  parse(text: string, file: string): { dependencies: Dependency[]; problems: ParseProblem[]; indexes?: string[]; includes?: FileInclude[]; model?: unknown };
}

/** A file another includes (pip's `-r` requirements and `-c` constraints), relative to the including file. */
export interface FileInclude {
  file: string;
  constraint: boolean;
}

/** What a verifier gets from the checker: the user's environment and configuration, and shared machinery. */
export interface VerifierEnvironment {
  env: NodeJS.ProcessEnv;
  homeDir?: string;
  offline: boolean;
  /** Whether the ecosystem's own tool may be run to ask for its defaults (never in untrusted workspaces). */
  allowProcessExecution: boolean;
  trust: () => TrustContext;
  cache: TieredCache<PackageResult>;
  /** An HTTP client with the checker's deadlines, retries and offline mode (and the environment's proxy unless `proxy` is given). */
  http: (specific: Pick<HttpOptions, 'maxBodyBytes' | 'authFor'> & Partial<Pick<HttpOptions, 'proxy' | 'tls'>>) => HttpClient;
  /** Settings by ecosystem (e.g. `python.indexUrl`). */
  settings: Record<string, string | undefined>;
  log?: (message: string) => void;
}

/** One dependency in the file it was found in. */
export interface VerifyTarget {
  dependency: Dependency;
  /** The file, and what its parse says beyond the dependencies (the indexes it names). */
  file: string;
  parsed: ParsedFile;
  fresh: boolean;
  signal?: AbortSignal;
}

export interface PackageVerifier {
  /** The work for one dependency: `key` names its inputs (equal keys share one run and one cache entry). */
  plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }>;
  dispose(): Promise<void>;
}

export interface EcosystemPlugin {
  ecosystem: Ecosystem;
  /** Package URL types whose components are this ecosystem's (SBOMs). */
  purlTypes: string[];
  files: EcosystemFile[];
  /** What decides its verdicts, as hovers and the tree name it (one piece of evidence, not npm's two). */
  evidenceLabel: string;
  createVerifier(environment: VerifierEnvironment): PackageVerifier;
}
