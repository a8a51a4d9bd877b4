// Signed notes (golang.org/x/mod/sumdb/note): a text and signature lines `— <name> <base64>`,
// where the base64 holds a 4-byte key hash and an Ed25519 signature over the text. A verifier key
// is written `<name>+<hash>+<base64(0x01 || public key)>`. The checksum database signs its tree
// heads this way: `go.sum database tree\n<size>\n<root hash>\n`.

import * as crypto from 'node:crypto';

export interface VerifierKey {
  name: string;
  hash: Buffer;
  key: crypto.KeyObject;
}

const ED25519 = 1;
/** Ed25519 public keys as SubjectPublicKeyInfo: this DER prefix, then the 32 key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function parseVerifierKey(vkey: string): VerifierKey | { error: string } {
  // The key's base64 may itself contain '+': split at the first two only.
  const [, name, hashHex, encoded] = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim()) ?? [];
  const raw = encoded ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (!name || raw.length !== 33 || raw[0] !== ED25519) return { error: `"${vkey.trim()}" is not a note verifier key (name+hash+Ed25519 key)` };
  const expected = keyHash(name, raw);
  if (expected.toString('hex') !== hashHex) return { error: `the verifier key for ${name} does not match its hash` };
  return { name, hash: expected, key: crypto.createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw.subarray(1)]), format: 'der', type: 'spki' }) };
}

function keyHash(name: string, raw: Buffer): Buffer {
  return crypto
    .createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), raw]))
    .digest()
    .subarray(0, 4);
}

/** The note's text when one of its signatures is by `key` and holds; why not otherwise. */
export function openNote(note: string, key: VerifierKey): { text: string } | { error: string } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return { error: 'the note has no signatures' };
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean);
  let named = false;
  for (const line of signatures) {
    const match = /^— (\S+) (\S+)$/.exec(line);
    if (!match) return { error: 'the note has a malformed signature line' };
    if (match[1] !== key.name) continue;
    const blob = Buffer.from(match[2], 'base64');
    if (blob.length !== 4 + 64 || !blob.subarray(0, 4).equals(key.hash)) continue;
    named = true;
    if (crypto.verify(null, Buffer.from(text), key.key, blob.subarray(4))) return { text };
  }
  return { error: named ? `the signature by ${key.name} does not verify: the tree head was altered` : `the note is not signed by ${key.name}` };
}

/** A checksum database tree head: `go.sum database tree`, the size, the root hash. */
export function parseTreeHead(text: string): { size: number; root: Buffer } | { error: string } {
  const lines = text.split('\n');
  const size = Number(lines[1]);
  const root = Buffer.from(lines[2] ?? '', 'base64');
  if (lines[0] !== 'go.sum database tree' || !Number.isSafeInteger(size) || size < 1 || root.length !== 32)
    return { error: 'the signed note is not a checksum database tree head' };
  return { size, root };
}
