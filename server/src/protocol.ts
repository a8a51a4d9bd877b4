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
  requireProvenance: boolean;
  cache: { enabled: boolean };
  concurrency: number;
  timeoutMs: number;
  /** Per diagnostic code. */
  rules: Record<string, RuleSeverity>;
}

export const DEFAULT_SETTINGS: Settings = {
  offline: false,
  trustedRoot: '',
  refreshTrustedRoot: true,
  tuf: { mirrorURL: '', rootPath: '' },
  showVerified: false,
  requireProvenance: false,
  cache: { enabled: true },
  concurrency: 8,
  timeoutMs: 15000,
  rules: {},
};
