// Custom protocol between the extension and the server, declared once and compiled into both.

export interface StatusParams {
  verified: number;
  unsigned: number;
  invalid: number;
  unverifiable: number;
  policyViolation: number;
  /** Verifications queued or running. */
  pending: number;
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
};

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
  collapsible: boolean;
  /** Where "reveal in editor" goes. */
  uri?: string;
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  purl?: string;
  logEntryUrl?: string;
  commitUrl?: string;
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
