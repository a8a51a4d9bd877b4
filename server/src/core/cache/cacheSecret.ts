// The key that seals disk-cache entries (an HMAC over each entry), so a cache written by someone
// else — restored from a shared CI cache, synced from another machine, edited by hand — is not
// taken for our own verdicts. It lives beside the cache directory, never inside it, so copying a
// cache directory cannot bring its key along; CI can pass one in PROVENANCE_LENS_CACHE_KEY (a
// secret) instead. Without a writable place for the key, the key lives as long as the process.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CACHE_KEY_ENV = 'PROVENANCE_LENS_CACHE_KEY';

export function cacheSecret(cacheDir: string, env: NodeJS.ProcessEnv): Buffer {
  const fromEnv = env[CACHE_KEY_ENV];
  if (fromEnv) return crypto.createHash('sha256').update(fromEnv).digest();
  const file = cacheKeyFile(cacheDir);
  try {
    const existing = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
    if (existing.length === 32) return existing;
  } catch {
    // no key yet: make one
  }
  const fresh = crypto.randomBytes(32);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // 'wx' fails if another process made the key meanwhile; then that key is the one to use.
    fs.writeFileSync(file, fresh.toString('hex'), { mode: 0o600, flag: 'wx' });
    return fresh;
  } catch {
    try {
      const theirs = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
      if (theirs.length === 32) return theirs;
    } catch {
      // unreadable: fall through to a key of this process only
    }
    return fresh;
  }
}

/** `~/.cache/provenance-lens` → `~/.cache/provenance-lens.key`. */
export function cacheKeyFile(cacheDir: string): string {
  const resolved = path.resolve(cacheDir);
  return path.join(path.dirname(resolved), `${path.basename(resolved)}.key`);
}
