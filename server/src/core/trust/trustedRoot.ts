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
}

export function trustFromJson(json: unknown, source: TrustSource): TrustContext {
  const root = withoutUndatedKeys(TrustedRoot.fromJSON(json));
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
  };
}

/**
 * The trusted-root format requires every key and certificate authority to say from when it is
 * valid; one that does not cannot be placed in time, so it is not trusted (rather than trusted
 * forever, which is what an absent start would otherwise mean to the verifier).
 */
function withoutUndatedKeys(root: TrustedRoot): TrustedRoot {
  return {
    ...root,
    tlogs: root.tlogs.filter((t) => t.publicKey?.validFor?.start),
    ctlogs: root.ctlogs.filter((t) => t.publicKey?.validFor?.start),
    certificateAuthorities: root.certificateAuthorities.filter((c) => c.validFor?.start),
    timestampAuthorities: root.timestampAuthorities.filter((c) => c.validFor?.start),
  };
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
