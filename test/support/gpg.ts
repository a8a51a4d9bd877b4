// OpenPGP keys and clear signatures made with GnuPG, as a chart author makes them for
// `helm package --sign`: an RSA key in a throw-away GnuPG home, its public keyring exported in
// binary form (what `helm verify --keyring` reads), and clear-signed provenance files.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function gpgAvailable(): boolean {
  return spawnSync('gpg', ['--version']).status === 0;
}

export class GpgSigner {
  private readonly home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-gnupg-'));
  readonly fingerprint: string;

  constructor(readonly userId: string) {
    this.gpg(['--quick-generate-key', userId, 'rsa3072', 'sign', 'never']);
    const listing = this.gpg(['--with-colons', '--list-keys', userId]).toString();
    this.fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)![1];
  }

  /** The public key in binary form: a keyring file for `--keyring`. */
  publicKeyring(): Buffer {
    return this.gpg(['--export', this.fingerprint]);
  }

  clearSign(text: string): string {
    return this.gpg(['--clearsign', '--digest-algo', 'SHA512', '--local-user', this.fingerprint], text).toString();
  }

  private gpg(args: string[], input?: string): Buffer {
    return execFileSync('gpg', ['--batch', '--quiet', '--homedir', this.home, '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }
}

/** What `helm package --sign` writes: the chart's Chart.yaml, a `...` line, and the archive's digest, clear-signed. */
export function helmProvenance(signer: GpgSigner, chartYaml: string, archiveName: string, sha256Hex: string): string {
  return signer.clearSign(`${chartYaml.trimEnd()}\n\n...\nfiles:\n  ${archiveName}: sha256:${sha256Hex}\n`);
}
