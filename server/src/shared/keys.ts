// Signing keys for offline, key-based signing: an ECDSA P-256 key pair whose private half is kept
// as PKCS#8 PEM encrypted with the user's passphrase (AES-256-CBC, scrypt-free so that cosign,
// openssl and Node all read it), and the Signer @sigstore/sign uses with it. The public key's hint
// in a bundle is its SHA-256 over the DER SubjectPublicKeyInfo, hex — what a verifier can match.

import * as crypto from 'node:crypto';
import type { Signer } from '@sigstore/sign';

export interface KeyPairPem {
  /** PKCS#8, encrypted with the passphrase. */
  privateKey: string;
  /** SubjectPublicKeyInfo. */
  publicKey: string;
}

export class KeyError extends Error {}

export function generateSigningKey(passphrase: string): KeyPairPem {
  if (!passphrase) throw new KeyError('a passphrase is needed to protect the private key');
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
  });
  return { privateKey, publicKey };
}

/** Opens an encrypted private key; a wrong passphrase or a key that is not P-256 ECDSA is a KeyError (without the key in the message). */
export function openSigningKey(privateKeyPem: string, passphrase: string): crypto.KeyObject {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: privateKeyPem, format: 'pem', passphrase });
  } catch {
    throw new KeyError('the private key cannot be opened: wrong passphrase, or not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new KeyError('only ECDSA P-256 signing keys are supported');
  return key;
}

/** `key`: a public or private key (object or PEM); the hint names its public half. */
export function keyHint(publicKey: crypto.KeyObject | string): string {
  const key = typeof publicKey !== 'string' && publicKey.type === 'public' ? publicKey : crypto.createPublicKey(publicKey);
  const der = key.export({ format: 'der', type: 'spki' });
  return crypto.createHash('sha256').update(der).digest('hex');
}

/** A Signer for @sigstore/sign's bundle builders: signs with the key, names its public half by hint. */
export function keySigner(privateKey: crypto.KeyObject): Signer {
  const publicKey = crypto.createPublicKey(privateKey);
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const hint = keyHint(publicKey);
  return {
    sign: async (data: Buffer) => ({ signature: crypto.sign('sha256', data, privateKey), key: { $case: 'publicKey', publicKey: pem, hint } }),
  };
}
