// Where signing goes: Sigstore's public-good services unless the user names a private deployment
// (settings in the editor, flags in the CLI).

import { DEFAULT_FULCIO_URL, DEFAULT_REKOR_URL } from '@sigstore/sign';
import type { SigstoreEndpoints } from './signArtifact';

export interface SigningSettings {
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
  /** false: no transparency-log entry (key-based offline signing; keyless then needs a TSA). */
  tlogUpload?: boolean;
  oidcIssuer?: string;
  oidcClientId?: string;
}

export function signingEndpoints(settings: SigningSettings, timeoutMs?: number): SigstoreEndpoints {
  return {
    fulcioUrl: settings.fulcioUrl || DEFAULT_FULCIO_URL,
    rekorUrl: settings.tlogUpload === false ? undefined : settings.rekorUrl || DEFAULT_REKOR_URL,
    tsaUrl: settings.tsaUrl || undefined,
    timeoutMs,
  };
}
