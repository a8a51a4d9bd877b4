// Where Sigstore trust comes from: a snapshot of the public-good trusted root shipped inside
// the extension (works offline and air-gapped), a fresher copy fetched through TUF when online,
// or a custom trusted_root.json for a private Sigstore deployment.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { type TrustMaterial, toTrustMaterial } from '@sigstore/verify';
import embeddedRoot from '../../../../resources/trusted_root.public-good.json';

export type TrustSource = 'embedded snapshot' | 'TUF' | 'custom file' | "GitHub's embedded snapshot";

export interface TrustContext {
  root: TrustedRoot;
  material: TrustMaterial;
  source: TrustSource;
  /** Part of every cache key: a different root recomputes every verdict. */
  digest: string;
  /** Log ids (base64) the root knows, to tell "unknown log" (stale trust) from a bad proof. */
  logIds: Set<string>;
  /**
   * Whether the root is known to be current — refreshed through TUF, or the user's own file — so
   * that a log or CA it does not hold is another Sigstore instance's (`invalid`), not one added
   * since a bundled snapshot was taken (`unverifiable`).
   */
  current: boolean;
}

const CURRENT_SOURCES: ReadonlySet<TrustSource> = new Set(['TUF', 'custom file']);

export function trustFromJson(json: unknown, source: TrustSource): TrustContext {
  const root = TrustedRoot.fromJSON(json);
  const malformed = malformedValidity(root);
  if (malformed) throw new Error(`the trusted root is malformed: ${malformed}`);
  // Digest of the parsed root, so the same trust material has the same digest however it was formatted.
  const text = JSON.stringify(TrustedRoot.toJSON(root));
  if (root.certificateAuthorities.length === 0 && root.tlogs.length === 0) {
    throw new Error('the trusted root lists no certificate authorities and no transparency logs');
  }
  return {
    root,
    material: toTrustMaterial(root),
    source,
    digest: crypto.createHash('sha256').update(text).digest('hex').slice(0, 16),
    logIds: new Set(root.tlogs.map((t) => t.logId?.keyId.toString('base64') ?? '')),
    current: CURRENT_SOURCES.has(source),
  };
}

/**
 * A validity range must say when it starts (protobuf-specs' TimeRange: `start` is required, `end`
 * optional). A key or authority with no `validFor` at all is valid for all time, as the spec makes
 * the field optional and sigstore-js reads it; one whose range lacks its start cannot be placed in
 * time, and the root is refused, as sigstore-go refuses it (sigstore-conformance
 * trust-root-tlog-missing-validity-start). Says what is malformed, or undefined.
 */
function malformedValidity(root: TrustedRoot): string | undefined {
  const logs = [...root.tlogs.map((t) => ['transparency log', t] as const), ...root.ctlogs.map((t) => ['certificate-transparency log', t] as const)];
  for (const [kind, log] of logs) {
    if (log.publicKey?.validFor && !log.publicKey.validFor.start) {
      return `the ${kind} ${log.baseUrl || '(no URL)'} (log id ${log.logId?.keyId.toString('base64') ?? 'none'}) has a validFor range without its start`;
    }
  }
  const authorities = [
    ...root.certificateAuthorities.map((c) => ['certificate authority', c] as const),
    ...root.timestampAuthorities.map((c) => ['timestamp authority', c] as const),
  ];
  for (const [kind, authority] of authorities) {
    if (authority.validFor && !authority.validFor.start) return `the ${kind} ${authority.uri || '(no URI)'} has a validFor range without its start`;
  }
  return undefined;
}

export function embeddedTrust(): TrustContext {
  return trustFromJson(embeddedRoot, 'embedded snapshot');
}

/** A user-supplied trusted_root.json. Errors say which file and why, for the diagnostic. */
export function customTrust(file: string): TrustContext {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read trusted root ${file}: ${(error as Error).message}`);
  }
  try {
    return trustFromJson(json, 'custom file');
  } catch (error) {
    throw new Error(`${file} is not a Sigstore trusted root: ${(error as Error).message}`);
  }
}

export interface TufRefreshOptions {
  cacheDir: string;
  /** Defaults to the public-good TUF repository that @sigstore/tuf knows. */
  mirrorURL?: string;
  /** A TUF root.json to start from, for private TUF repositories. */
  rootPath?: string;
  timeoutMs?: number;
}

/** Fetches the current trusted root through TUF. Callers fall back to the snapshot on failure. */
export async function refreshTrustFromTuf(options: TufRefreshOptions): Promise<TrustContext> {
  const { getTrustedRoot } = await import('@sigstore/tuf');
  const root = await getTrustedRoot({
    cachePath: options.cacheDir,
    mirrorURL: options.mirrorURL,
    rootPath: options.rootPath,
    timeout: options.timeoutMs ?? 15_000,
    retry: 1,
  });
  return trustFromJson(TrustedRoot.toJSON(root), 'TUF');
}

/** The web address of a log entry, in the log the trusted root names for `logId` (base64); works for private deployments too. */
export function logEntryUrl(trust: TrustContext, logId: string | undefined, logIndex: string | undefined): string | undefined {
  const log = trust.root.tlogs.find((t) => t.logId?.keyId.toString('base64') === logId);
  return rekorEntryUrl(log?.baseUrl, logIndex);
}

/** The page of a log entry in a Rekor instance (its v1 API). */
export function rekorEntryUrl(rekorUrl: string | undefined, logIndex: string | undefined): string | undefined {
  return rekorUrl && logIndex ? `${rekorUrl.replace(/\/+$/, '')}/api/v1/log/entries?logIndex=${logIndex}` : undefined;
}
