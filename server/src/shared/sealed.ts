// Secrets between the extension and its language server (a signing key's passphrase) travel
// sealed: AES-256-GCM under a key the extension makes for each server it starts and hands over in
// the server's environment. The protocol's verbose trace, which logs every message, then shows
// only ciphertext.

import * as crypto from 'node:crypto';

export const SESSION_KEY_VARIABLE = 'PROVENANCE_LENS_SESSION_KEY';

export function newSessionKey(): string {
  return crypto.randomBytes(32).toString('base64');
}

export function seal(sessionKey: string, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(sessionKey, 'base64'), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Undefined when the box was not sealed with this key (or was altered). */
export function unseal(sessionKey: string, sealed: string): string | undefined {
  try {
    const data = Buffer.from(sealed, 'base64');
    const decipher = crypto.createDecipheriv('aes-256-gcm', Buffer.from(sessionKey, 'base64'), data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
