// Custom protocol between the extension and the server, declared once and compiled into both.

export interface StatusParams {
  verified: number;
  unsigned: number;
  invalid: number;
  unverifiable: number;
  policyViolation: number;
  /** Dependencies of open files without a verdict yet. */
  pending: number;
  /** The background queue: verifications waiting, and running (bounded by the concurrency setting). */
  queued?: number;
  running?: number;
  /** Verifications dropped unstarted because the file changed first. */
  cancelled?: number;
  /** Set when verification is off, with the reason (e.g. restricted mode). */
  disabledReason?: string;
  trustSource: string;
}

export const StatusNotification = 'provenanceLens/status';
export const RecheckRequest = 'provenanceLens/recheck';

export interface InitializationOptions {
  /** VS Code workspace trust: when false, no network requests and no process execution. */
  workspaceTrusted: boolean;
  /** A folder the extension owns, for the disk cache and TUF metadata. */
  storagePath?: string;
}

export type RuleSeverity = 'error' | 'warning' | 'info' | 'off';

export interface Settings {
  offline: boolean;
  trustedRoot: string;
  refreshTrustedRoot: boolean;
  /** A private TUF repository (empty: Sigstore's public-good repository). */
  tuf: { mirrorURL: string; rootPath: string };
  showVerified: boolean;
  /** A short verdict after each version string. */
  inlayHints: 'all' | 'problems' | 'off';
  requireProvenance: boolean;
  cache: { enabled: boolean };
  concurrency: number;
  timeoutMs: number;
  /** Per diagnostic code. */
  rules: Record<string, RuleSeverity>;
  oci: {
    /** cosign public keys accepted for image signatures. */
    keys: Array<{ path: string; ignoreTlog?: boolean }>;
    insecureRegistries: string[];
  };
  /** Python: the index to use when no file or pip/uv configuration names one (empty: ask pip). */
  python: { indexUrl: string };
  /** The GitHub API for looking up actions' commits (empty: GITHUB_API_URL, else none). */
  github: { apiUrl: string };
  /** The Maven repository when settings.xml names no mirror (empty: none). */
  maven: { repositoryUrl: string };
  /** OpenPGP public keys (binary or armored) accepted for classic Helm chart provenance files. */
  helm: { keyring: string };
  /** Where signing goes (empty: Sigstore's public-good services). */
  signing: { fulcioUrl: string; rekorUrl: string; tsaUrl: string; tlogUpload: boolean; oidcIssuer: string; oidcClientId: string };
}

export const DEFAULT_SETTINGS: Settings = {
  offline: false,
  trustedRoot: '',
  refreshTrustedRoot: true,
  tuf: { mirrorURL: '', rootPath: '' },
  showVerified: false,
  inlayHints: 'problems',
  requireProvenance: false,
  cache: { enabled: true },
  concurrency: 8,
  timeoutMs: 15000,
  rules: {},
  oci: { keys: [], insecureRegistries: [] },
  python: { indexUrl: '' },
  github: { apiUrl: '' },
  maven: { repositoryUrl: '' },
  helm: { keyring: '' },
  signing: { fulcioUrl: '', rekorUrl: '', tsaUrl: '', tlogUpload: true, oidcIssuer: '', oidcClientId: '' },
};

// ---- Local artifacts: signing files with Sigstore, and verifying a file against the bundle beside it.
// Signing runs in the server (plain Node; VS Code's HTTP patching in the extension host breaks the
// Sigstore clients). Keyless: the server runs the sign-in and asks the editor only to open the
// authorization page (window/showDocument, external) — the identity token never crosses the
// protocol. Key-based: the key and passphrase cross sealed (sealed.ts), as a verbose trace logs
// every message.

export interface SignFilesParams {
  uris: string[];
  /** Sign CycloneDX/SPDX JSON files as SBOM attestations about themselves. */
  sbom?: boolean;
  /** Absent: keyless (the server signs you in). Present: `{ privateKeyPem, passphrase }` as JSON, sealed. */
  sealedKey?: string;
}

export interface SignedFileReport {
  uri: string;
  ok: boolean;
  error?: string;
  bundleUri?: string;
  subject?: string;
  issuer?: string;
  keyHint?: string;
  logIndex?: string;
  logEntryUrl?: string;
  predicateType?: string;
}

export const SignFilesRequest = 'provenanceLens/signFiles';
/** Server → client: the address the browser should use for a loopback URI (port forwarding in remote workspaces). Params `{ uri }`, result a URI string. */
export const ExternalUriRequest = 'provenanceLens/externalUri';

/** An accepted signer the user confirmed (remembered by the extension per workspace). */
export interface AcceptedSigner {
  subject: string;
  issuer: string;
}

export interface VerifyArtifactParams {
  uri: string;
  /** Default: `<file>.sigstore.json`. */
  bundleUri?: string;
  /** Signers the user confirmed; used where no policy rule names the file's signers. */
  accepted: AcceptedSigner[];
}

export interface ArtifactReport {
  uri: string;
  bundleUri: string;
  verdict: 'verified' | 'unsigned' | 'invalid' | 'unverifiable' | 'policy-violation';
  code: string;
  reason: string;
  /** Whose expectation applied: a policy rule, signers the user confirmed, or none yet. */
  expectedBy: 'policy' | 'user' | 'none';
  subject?: string;
  issuer?: string;
  keyName?: string;
  logIndex?: string;
  integratedTime?: string;
  timestamp?: string;
  timestampAuthority?: string;
  logEntryUrl?: string;
  predicateType?: string;
}

export const VerifyArtifactRequest = 'provenanceLens/verifyArtifact';

/** A file's GitHub artifact attestations, for an owner or a repository (gh attestation verify). */
export interface GithubAttestationParams {
  uri: string;
  owner?: string;
  repo?: string;
  signerRepo?: string;
}

export interface GithubAttestationReport {
  verdict: 'verified' | 'unsigned' | 'invalid' | 'unverifiable' | 'policy-violation';
  reason: string;
  signer?: string;
  sourceRepository?: string;
}

export const VerifyGithubAttestationRequest = 'provenanceLens/verifyGithubAttestation';

// ---- Provenance tree view. The server owns the tree; the client asks for one level at a time.

export type TreeVerdict = 'verified' | 'unsigned' | 'invalid' | 'unverifiable' | 'policy-violation' | 'pending' | 'absent';

export interface TreeNode {
  /** Unique in the whole tree (a package required by two parents appears twice, with two ids). */
  id: string;
  parentId?: string;
  kind: 'file' | 'package' | 'evidence' | 'message';
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  verdict?: TreeVerdict;
  /** For evidence nodes: which icon to show. */
  evidence?: 'signature' | 'provenance' | 'source' | 'workflow' | 'builder' | 'signer' | 'log' | 'attestation' | 'finding';
  /** A signed local file (under "Signed files"): the file it verifies. */
  artifactUri?: string;
  collapsible: boolean;
  /** Where "reveal in editor" goes. */
  uri?: string;
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  purl?: string;
  logEntryUrl?: string;
  commitUrl?: string;
  /** An image's SBOM attestation (its index in the result's `sboms`): can be opened (OpenAttestedSbomRequest). */
  sbomIndex?: number;
}

export interface TreeChildrenParams {
  parentId?: string;
  problemsOnly: boolean;
}

export const TreeChildrenRequest = 'provenanceLens/treeChildren';
export const TreeNodeRequest = 'provenanceLens/treeNode';
export const TreeSearchRequest = 'provenanceLens/treeSearch';
/** Params: `{ ids: string[] }`, the file nodes whose subtrees changed. */
export const TreeChangedNotification = 'provenanceLens/treeChanged';
/** Params: `{ id: string }`, a package node to verify again, bypassing the cache. */
export const RecheckPackageRequest = 'provenanceLens/recheckPackage';

// ---- SBOMs.

/** Params `{ folder }` (a workspace folder's file URI); result: CycloneDX JSON text of its lockfiles and images with their verdicts. */
export const GenerateSbomRequest = 'provenanceLens/generateSbom';
/** Params `{ uri }` of an SBOM; result: the review model (rows, counts, graph), or null when the file is not an SBOM. */
export const SbomReviewRequest = 'provenanceLens/sbomReview';
/** Params `{ before, after }` (file URIs: SBOMs or npm lockfiles); result: the diff report (diffProvenance.ts), or `{ error }`. */
export const SbomDiffRequest = 'provenanceLens/sbomDiff';

/** The scheme of SBOM documents opened from image attestations (read-only, served by the extension). */
export const ATTESTED_SBOM_SCHEME = 'provenance-lens-sbom';
/** Params `{ nodeId }` of an image's "SBOM" evidence node; result: the SBOM document to open, or why not. */
export const OpenAttestedSbomRequest = 'provenanceLens/openAttestedSbom';
export type OpenAttestedSbomResult = { uri: string; text: string } | { error: string };
