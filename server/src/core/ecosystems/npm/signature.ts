// The registry signature check that `npm audit signatures` performs: an ECDSA P-256 / SHA-256
// signature over `<name>@<version>:<integrity>` by a key the registry publishes, where a key
// that had expired before the version was published does not count. Pure: keys are passed in.

import * as crypto from 'node:crypto';
import type { NpmSignature, RegistryKey } from './npmRegistry';
import type { CodeOf } from '../../reasons';
import type { SignatureStatus } from '../../verdict';

export interface SignatureInput {
  name: string;
  version: string;
  /** The registry's `dist.integrity` for this version. */
  integrity: string | undefined;
  signatures: NpmSignature[] | undefined;
  /** When the version was published (packument `time`); needed only for keys with an expiry. */
  publishedAt: string | undefined;
}

/** A status and a code that stands for it (reasons.ts): they cannot disagree. */
type StatusAndCode = { [S in SignatureStatus]: { status: S; code: CodeOf<S> } }[SignatureStatus];

export type SignatureResult = StatusAndCode & {
  message: string;
  keyid?: string;
};

export async function verifyRegistrySignature(input: SignatureInput, keys: RegistryKey[]): Promise<SignatureResult> {
  if (keys.length === 0) {
    return { status: 'unverifiable', code: 'registry-no-keys', message: 'The registry publishes no signing keys, so its signatures cannot be checked.' };
  }
  if (!input.signatures || input.signatures.length === 0) {
    return {
      status: 'unsigned',
      code: 'signature-missing',
      message: `${input.name}@${input.version} has no registry signature, although its registry signs packages.`,
    };
  }
  if (!input.integrity) {
    return {
      status: 'invalid',
      code: 'signature-invalid',
      message: 'The registry signed this version but gives no integrity value to check the signature against.',
    };
  }
  const message = `${input.name}@${input.version}:${input.integrity}`;
  // Like npm, every signature present must verify: one bad signature is enough to distrust the version.
  // Evidence that fails (unknown key, bad signature, expired key) is judged before anything that is
  // merely unknown (a missing publish time), so a failure is never softened into "unverifiable".
  let undecided: SignatureResult | undefined;
  for (const signature of input.signatures) {
    const key = keys.find((k) => k.keyid === signature.keyid);
    if (!key) {
      return {
        status: 'invalid',
        code: 'signature-key-unknown',
        keyid: signature.keyid,
        message: `Signed with key ${signature.keyid}, which the registry does not publish.`,
      };
    }
    if (!(await verifyEcdsa(message, signature.sig, key.key))) {
      return {
        status: 'invalid',
        code: 'signature-invalid',
        keyid: key.keyid,
        message: `The registry signature by ${key.keyid} does not match ${input.name}@${input.version} and its integrity: the metadata may have been tampered with.`,
      };
    }
    if (key.expires && !input.publishedAt) {
      undecided ??= {
        status: 'unverifiable',
        code: 'registry-error',
        keyid: key.keyid,
        message: `Key ${key.keyid} expires, and the registry did not say when this version was published.`,
      };
    } else if (key.expires && !(Date.parse(input.publishedAt!) < Date.parse(key.expires))) {
      return {
        status: 'invalid',
        code: 'signature-key-expired',
        keyid: key.keyid,
        message: `Signed with key ${key.keyid}, which expired on ${key.expires}, before this version was published (${input.publishedAt}).`,
      };
    }
  }
  if (undecided) return undecided;
  return {
    status: 'verified',
    code: 'verified',
    keyid: input.signatures[0].keyid,
    message: `Registry signature verified with key ${input.signatures[0].keyid}.`,
  };
}

/** Parsed registry keys: a registry has a handful, and parsing one per package is measurable. */
const keyObjects = new Map<string, crypto.KeyObject>();

function publicKey(spkiB64: string): crypto.KeyObject {
  let key = keyObjects.get(spkiB64);
  if (!key) {
    key = crypto.createPublicKey({ key: Buffer.from(spkiB64, 'base64'), format: 'der', type: 'spki' });
    if (keyObjects.size > 100) keyObjects.clear();
    keyObjects.set(spkiB64, key);
  }
  return key;
}

/**
 * ECDSA verification through the callback form of crypto.verify, which runs in libuv's thread pool:
 * a lockfile's thousand signatures then use every core instead of blocking the event loop.
 */
function verifyEcdsa(message: string, signatureB64: string, spkiB64: string): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      crypto.verify('sha256', Buffer.from(message), publicKey(spkiB64), Buffer.from(signatureB64, 'base64'), (error, ok) => resolve(!error && ok));
    } catch {
      resolve(false); // a malformed key or signature is a failed signature, never a pass
    }
  });
}
