// Shapes shared by every parser. Positions are zero-based line/character pairs, the
// same as LSP's, but declared here so the core does not import the protocol.

import type { ImageReference } from './formats/imageReference';
import type { ProblemCode } from './reasons';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A problem with the file itself (not with a dependency's verification). */
export interface ParseProblem {
  message: string;
  range: Range;
  /** A problem code of the table (reasons.ts) other than `parse-error`, the default (e.g. `policy-invalid`). */
  code?: ProblemCode;
}

export type DependencyGroup =
  'image' | 'dependencies' | 'devDependencies' | 'optionalDependencies' | 'peerDependencies' | 'overrides' | 'lockfile' | 'sbom' | 'constraints';

/**
 * An ecosystem's plugin id (`npm`, `oci`, `pypi`… — the folder under core/ecosystems/ and the JSON
 * `ecosystem`), or `other`: one named by a package URL that is not verified (yet), its purl saying
 * which. Open, not a closed list: adding an ecosystem is its folder and one line in
 * ecosystems/registry.ts, and nothing here changes.
 */
export type Ecosystem = string;

/** One dependency as written in a manifest, lockfile, Dockerfile, YAML file or SBOM. */
export interface Dependency {
  ecosystem: Ecosystem;
  name: string;
  /** What the file asks for: a range in a manifest, an exact version in a lockfile. */
  spec: string;
  group: DependencyGroup;
  /** Range of the name (key) and of the version string, both inside the document. */
  nameRange: Range;
  specRange: Range;
  /** Lockfiles only. */
  version?: string;
  integrity?: string;
  /** Lockfile path such as `node_modules/a/node_modules/b`; empty for manifests. */
  location?: string;
  /** Lockfiles only: the names this package depends on (dependencies, optional and peer). */
  requires?: string[];
  /** Images only: the parsed reference (after build-argument substitution) and where it was found. */
  image?: ImageReference;
  /** Images only: e.g. `FROM`, `COPY --from`, `compose service web`, `Deployment/api container app`. */
  source?: string;
  /** Images: the platform asked for (`FROM --platform=…`); gems: the platform of a native build (`x86_64-linux`). */
  platform?: string;
  /** SBOM components: the package URL as written, and the component's own identifier (bom-ref / SPDXID). */
  purl?: string;
  ref?: string;
  /** The file hashes a lock or requirements file pins (`sha256:<hex>`): only those files may be installed. */
  hashes?: string[];
  /** Where the file says this package comes from (an index URL), when it says so for this package. */
  index?: string;
  /** Images whose reference is written apart from their version (a helmfile `chart: oci://…`): where `@<digest>` pins it. */
  pinAfter?: Range;
  /** Installed from a URL or a path rather than an index (PEP 508 `name @ url`, a local directory…). */
  url?: string;
}

/** What a package URL names, to verify: its ecosystem, name and exact version, and what else that ecosystem needs. */
export type PurlTarget = Pick<Dependency, 'ecosystem' | 'name' | 'version' | 'integrity' | 'hashes' | 'index' | 'platform' | 'image'>;

/** Reads a package URL (with its component's hashes) as what to verify, or says why it cannot be read. */
export type PurlRouter = (purl: string, hashes: Record<string, string>) => PurlTarget | { error: string };

/** The images a file names (a Dockerfile, a YAML document), and the problems found reading it. */
export interface ImageFile {
  images: Dependency[];
  problems: ParseProblem[];
}
