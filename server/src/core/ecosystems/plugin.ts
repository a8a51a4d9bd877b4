// What an ecosystem brings, all of it: the files it reads (names, globs for the editor, parsers),
// how a package URL names its packages and how its dependencies are named by one, the settings and
// CLI options it reads, and a verifier. The checker, the file kinds, SBOM routing and generation,
// the CLI's help and the editor's document selector find ecosystems only through this interface
// (see registry.ts): adding one is a folder with an index.ts exporting a plugin, and one line there.

import { PackageURL } from 'packageurl-js';
import type { TieredCache } from '../cache/tieredCache';
import type { Dependency, Ecosystem, ParseProblem, PurlTarget } from '../dependency';
import type { HttpClient, HttpOptions } from '../http/http';
import type { ParsedFile } from '../parsedFile';

export type { FileInclude } from '../parsedFile';
import type { PackageResult } from '../result';
import type { RegistryMirror } from '../trust/knownSigners';
import type { Policy } from '../trust/policy';
import type { TrustContext } from '../trust/trustedRoot';

export interface EcosystemFile {
  /** The file kind (`pip-requirements`, `poetry-lock`…). Several plugins may read one kind (a workflow's images and actions). */
  kind: string;
  /** Glob patterns of these files, for the editor's document selector and file watchers. */
  patterns: string[];
  /**
   * A lockfile says exactly what is installed: where a folder has one, a generated SBOM leaves the
   * manifests of the same ecosystem beside it out.
   */
  role?: 'manifest' | 'lockfile';
  /** Whether a file is of this kind, by its base name (and path, for files that live in a known folder). */
  matches(base: string, file: string): boolean;
  parse(text: string, file: string): FileParse;
}

/** What a file's parser finds: its dependencies and problems, and what verifying them needs besides. */
export type FileParse = Pick<ParsedFile, 'dependencies' | 'problems' | 'rootRequires' | 'indexes' | 'includes' | 'model'> & { problems: ParseProblem[] };

/** A setting the plugin reads (`provenanceLens.<key>` in the editor), and its CLI option (`--<flag>`). */
export interface PluginOption {
  /** `python.indexUrl`: the key in `VerifierEnvironment.settings`, and the setting `provenanceLens.python.indexUrl`. */
  key: string;
  flag: string;
  /** The argument's name in the CLI's help (`URL`, `FILE`). */
  argument: string;
  /** One line for the CLI's help. */
  help: string;
}

export interface EcosystemPlugin {
  ecosystem: Ecosystem;
  /** What users call it, in help texts: "Python", "container images". */
  title: string;
  /** What is verified, in which files: one sentence for the CLI's help. */
  summary: string;
  /** Package URL types whose packages are this ecosystem's. */
  purlTypes: string[];
  files: EcosystemFile[];
  /** What decides its verdicts, as hovers and the tree name it; none for npm and images (two checks each). */
  evidenceLabel?: string;
  options?: PluginOption[];
  /** A package URL of one of `purlTypes`, with the SBOM component's hashes (`SHA-256` → hex), as what to verify. */
  fromPurl(purl: PackageURL, hashes: Record<string, string>): Omit<PurlTarget, 'ecosystem'> | { error: string };
  /** A dependency's package URL (its verified result's, else one made from it), for generated SBOMs; none when it has no exact version. */
  packageUrl(dependency: Dependency, result?: PackageResult): PackageURL | undefined;
  /** Lockfiles whose packages require one another: the graph, for generated SBOMs. */
  graph?(parsed: ParsedFile): DependencyGraph;
  createVerifier(environment: VerifierEnvironment): PackageVerifier;
}

/** Who requires whom in one lockfile. */
export interface DependencyGraph {
  /** What the project itself requires. */
  roots: Dependency[];
  children: Map<Dependency, Dependency[]>;
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
  /** A second cache for what is not a verdict (the digest a tag named when last seen). */
  memory: TieredCache<string>;
  /**
   * An HTTP client with the checker's deadlines, retries and offline mode (and the environment's
   * proxy unless `proxy` is given). The checker closes it when it is disposed of.
   */
  http: (specific: Pick<HttpOptions, 'maxBodyBytes' | 'authFor'> & Partial<Pick<HttpOptions, 'proxy' | 'tls'>>) => HttpClient;
  /** Settings by plugin option key (`python.indexUrl`), and structured ones (`oci.keys`). */
  settings: Record<string, unknown>;
  log?: (message: string) => void;
}

/** One dependency in the file it was found in. */
export interface VerifyTarget {
  dependency: Dependency;
  /** The file, and what its parse says beyond the dependencies (the indexes it names). */
  file: string;
  parsed: ParsedFile;
  /** The policy that applies to the file's folder (the keys it accepts for an image). */
  policy: Policy;
  fresh: boolean;
  signal?: AbortSignal;
}

export interface PackageVerifier {
  /** The work for one dependency: `key` names its inputs (equal keys share one run and one cache entry). */
  plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }>;
  /** Registries that serve what another serves (docker's registry-mirrors), for the catalog of known signers. */
  mirrors?(): RegistryMirror[];
  /** Forget configuration read from files (an .npmrc changed). */
  reset?(): void;
  /** Anything to release besides the HTTP clients the environment handed out (the checker closes those). */
  dispose?(): Promise<void>;
}

/** What of the checker an ecosystem's own operations need (ecosystems cannot import the checker, which imports them). */
export interface EcosystemAccess {
  ecosystemVerifier(ecosystem: Ecosystem): PackageVerifier | undefined;
  policyFor(dir: string): Policy;
}

/** A text setting (`python.indexUrl`); undefined when unset or not text. */
export function settingText(environment: Pick<VerifierEnvironment, 'settings'>, key: string): string | undefined {
  const value = environment.settings[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * fromPurl for an ecosystem whose package URLs are `namespace/name@version` on an index: the
 * purl's `repository_url` is that index, `platform` a build's platform, and a SHA-256 the one
 * file the component is (only that file is checked).
 */
export function indexPurlTarget(
  purl: PackageURL,
  hashes: Record<string, string>,
  name = purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name,
): Omit<PurlTarget, 'ecosystem'> {
  const qualifiers = (purl.qualifiers ?? {}) as Record<string, string>;
  return {
    name,
    version: purl.version ?? undefined,
    hashes: hashes['SHA-256'] ? [`sha256:${hashes['SHA-256']}`] : undefined,
    index: qualifiers.repository_url,
    platform: qualifiers.platform,
  };
}

/** packageUrl from the verifier's own purl (it knows the qualifiers), else `make` when the version is exact. */
export function resultPurl(
  dependency: Dependency,
  result: PackageResult | undefined,
  make: (version: string) => PackageURL | undefined,
): PackageURL | undefined {
  if (result?.purl) {
    try {
      return PackageURL.fromString(result.purl);
    } catch {
      // A verifier's purl that does not parse is no reason to leave the component out.
    }
  }
  const version = dependency.version ?? result?.version;
  return version ? make(version) : undefined;
}
