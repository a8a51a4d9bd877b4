// Who signed something, and whether they are whom we expect: identities from a policy rule, the
// catalog of known signers or the command line, and the keys the user accepts; compared the one
// way they all use, and described the one way they all say.

import type { ImageSigner } from '../result';

/** One accepted keyless signer: identity and issuer, each exact or a pattern the whole value must match (unset: any). */
export interface ExpectedSigner {
  subject?: string;
  subjectPattern?: string;
  issuer?: string;
  issuerPattern?: string;
}

/** A signer of a policy rule or the catalog: always through one issuer. */
export interface Signer extends ExpectedSigner {
  issuer: string;
}

/** A public key the user accepts (cosign's `--key`, a setting, a policy rule). */
export interface PublicKeyEntry {
  /** How the user named it (a file path, a setting), for messages. */
  name: string;
  pem: string;
  /** Accept signatures by this key without a transparency-log entry (cosign's --insecure-ignore-tlog). */
  ignoreTlog?: boolean;
}

/** Whom a local file must be signed by: keyless signers, or keys. */
export interface ArtifactExpectation {
  signers: ExpectedSigner[];
  keys: PublicKeyEntry[];
}

/** Identities compare exactly, or by a pattern the whole value must match: `alice` never matches `alice@example.com`. */
export function identityMatches(expected: ExpectedSigner, identity: { subjectAlternativeName?: string; issuer?: string } | undefined): boolean {
  return (
    valueMatches(identity?.subjectAlternativeName, expected.subject, expected.subjectPattern) &&
    valueMatches(identity?.issuer, expected.issuer, expected.issuerPattern)
  );
}

export function signerMatches(signer: Signer, issuer: string, subject: string): boolean {
  return identityMatches(signer, { issuer, subjectAlternativeName: subject });
}

function valueMatches(actual: string | undefined, exact: string | undefined, pattern: string | undefined): boolean {
  if (exact === undefined && pattern === undefined) return true;
  if (actual === undefined) return false;
  if (exact !== undefined) return actual === exact;
  try {
    return new RegExp(`^(?:${pattern})$`).test(actual);
  } catch {
    return false;
  }
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
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}
