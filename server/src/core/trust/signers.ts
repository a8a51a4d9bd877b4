// Who signed something, and whether a rule accepts them: identities from a policy rule or the
// catalog of known signers, compared the one way both use, and described the one way both say.

import type { ImageSigner } from '../result';

export interface Signer {
  issuer: string;
  /** Exact certificate identity (SAN)… */
  subject?: string;
  /** …or a regular expression the whole identity must match (it is anchored for you). */
  subjectPattern?: string;
}

/** Identities compare exactly, or by a pattern the whole identity must match: `alice` never matches `alice@example.com`. */
export function signerMatches(signer: Signer, issuer: string, subject: string): boolean {
  if (signer.issuer !== issuer) return false;
  if (signer.subject !== undefined) return signer.subject === subject;
  return new RegExp(`^(?:${signer.subjectPattern})$`).test(subject);
}

export function describeSigners(signers: Signer[]): string {
  return signers.map((s) => `${s.subject ?? `/${s.subjectPattern}/`} (${s.issuer})`).join(', ');
}

export function describeImageSigner(s: ImageSigner): string {
  return s.key ? `key ${s.key}` : `${s.subject ?? 'an unknown identity'} (${s.issuer ?? 'unknown issuer'})`;
}

/** A name or a pattern where `*` stands for any characters (`@sigstore/*`, `distroless/*`). */
export function globMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(name);
}
