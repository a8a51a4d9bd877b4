// Signs files and writes each bundle beside its file as `<file>.sigstore.json`: a blob as a message
// signature, an in-toto statement as DSSE, an SBOM (when asked) as a DSSE attestation about the
// SBOM file. One identity token serves the whole batch, so the user signs in once.

import * as fs from 'node:fs';
import { type SignedArtifact, type SigningIdentity, type SigstoreEndpoints, IN_TOTO_PAYLOAD_TYPE, signArtifact } from './signArtifact';
import { isInTotoStatement, sbomStatement } from './statements';
import * as path from 'node:path';

import { BUNDLE_SUFFIX } from '../../shared/bundleFiles';

export type SignedFile =
  | { file: string; ok: true; bundleFile: string; kind: 'blob' | 'statement' | 'sbom'; predicateType?: string; signed: SignedArtifact }
  | { file: string; ok: false; error: string };

export interface SignFilesOptions {
  /** Sign each file as an SBOM attestation (CycloneDX / SPDX JSON) rather than as it is. */
  sbom?: boolean;
  /** Where a file's bundle goes (default: beside it). */
  bundleFile?: (file: string) => string;
}

export async function signFiles(
  files: string[],
  identity: SigningIdentity,
  endpoints: SigstoreEndpoints,
  options: SignFilesOptions = {},
): Promise<SignedFile[]> {
  const shared: SigningIdentity = identity.kind === 'oidc' ? { kind: 'oidc', token: once(identity.token) } : identity;
  const results: SignedFile[] = [];
  for (const file of files) {
    try {
      results.push(await signFile(file, shared, endpoints, options));
    } catch (error) {
      results.push({ file, ok: false, error: (error as Error).message });
    }
  }
  return results;
}

async function signFile(file: string, identity: SigningIdentity, endpoints: SigstoreEndpoints, options: SignFilesOptions): Promise<SignedFile> {
  const data = fs.readFileSync(file);
  let kind: 'blob' | 'statement' | 'sbom' = 'blob';
  let payload: Buffer = data;
  let predicateType: string | undefined;
  if (options.sbom) {
    const wrapped = sbomStatement(data, path.basename(file));
    if ('error' in wrapped) return { file, ok: false, error: wrapped.error };
    [kind, payload, predicateType] = ['sbom', wrapped.statement, wrapped.predicateType];
  } else if (isInTotoStatement(data)) {
    kind = 'statement';
  }
  const signed = await signArtifact(payload, identity, endpoints, kind === 'blob' ? undefined : IN_TOTO_PAYLOAD_TYPE);
  const bundleFile = options.bundleFile?.(file) ?? `${file}${BUNDLE_SUFFIX}`;
  fs.writeFileSync(bundleFile, JSON.stringify(signed.bundle, null, 2) + '\n');
  return { file, ok: true, bundleFile, kind, predicateType, signed };
}

/** The first call's promise, shared by every later call; a failure is not kept, so a retry asks again. */
function once(get: () => Promise<string>): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= get().catch((error) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
