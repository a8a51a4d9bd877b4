// Holds the trust material the server verifies with, and why it might be unusable.
// A broken custom trusted root disables verification rather than silently falling back to
// the public-good root: the user asked for a different trust domain.

import * as path from 'node:path';
import { type TrustContext, customTrust, embeddedTrust, refreshTrustFromTuf } from '../core/trust/trustedRoot';

export class TrustStore {
  private current: TrustContext = embeddedTrust();
  problem: string | undefined;

  get(): TrustContext {
    return this.current;
  }

  /** Applies the settings; returns true when the trust material changed. */
  configure(customFile: string): boolean {
    const before = this.current.digest;
    this.problem = undefined;
    if (customFile) {
      try {
        this.current = customTrust(customFile);
      } catch (error) {
        this.problem = (error as Error).message;
      }
    } else if (this.current.source === 'custom file') {
      this.current = embeddedTrust();
    }
    return before !== this.current.digest;
  }

  /** Replaces the embedded snapshot with a TUF-fetched root; failures keep the snapshot. */
  async refresh(storagePath: string, tuf: { mirrorURL: string; rootPath: string }, log: (m: string) => void): Promise<boolean> {
    if (this.current.source === 'custom file') return false;
    try {
      const fresh = await refreshTrustFromTuf({
        cacheDir: path.join(storagePath, 'tuf'),
        mirrorURL: tuf.mirrorURL || undefined,
        rootPath: tuf.rootPath || undefined,
      });
      const changed = fresh.digest !== this.current.digest;
      this.current = fresh;
      log(`trusted root refreshed through TUF${changed ? '' : ' (unchanged)'}`);
      return changed;
    } catch (error) {
      log(`TUF refresh failed, using the bundled trusted root snapshot: ${(error as Error).message}`);
      return false;
    }
  }
}
