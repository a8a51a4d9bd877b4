// The two Sigstore instances GitHub attestations come from, told apart as gh tells them
// (cli/cli pkg/cmd/attestation/verification/sigstore.go): by the organization that issued the
// signing certificate. Public-good Sigstore ("sigstore.dev") keeps a transparency log; GitHub's
// own instance ("GitHub, Inc.", private repositories) keeps none and vouches for time with RFC 3161
// timestamps, so each is verified against its own trusted root with its own thresholds.

import * as crypto from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import githubRoot from './github_trusted_root.json';
import { type TrustContext, trustFromJson } from '../trust/trustedRoot';
import { type Thresholds, signingCertificate } from '../sigstore/bundleCheck';

export const PUBLIC_GOOD_ORGANIZATION = 'sigstore.dev';
export const GITHUB_ORGANIZATION = 'GitHub, Inc.';
export type SigstoreInstance = 'public-good' | 'github';

/** GitHub's instance: no log and no certificate transparency; one RFC 3161 timestamp. */
export const GITHUB_THRESHOLDS: Thresholds = { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 1 };

let githubTrust: TrustContext | undefined;

/** GitHub's Sigstore instance: its trusted root as bundled (CAs and timestamp authorities; it keeps no log). */
export function githubInstanceTrust(): TrustContext {
  githubTrust ??= trustFromJson(githubRoot, "GitHub's embedded snapshot");
  return githubTrust;
}

/** The organization (O) values of a DER certificate's issuer. */
export function issuerOrganizations(der: Buffer): string[] {
  let issuer: string;
  try {
    issuer = new crypto.X509Certificate(der).issuer;
  } catch {
    return [];
  }
  // Node prints one attribute a line and escapes separators inside values (`O=GitHub\, Inc.`).
  return issuer
    .split('\n')
    .filter((line) => line.startsWith('O='))
    .map((line) => line.slice(2).replace(/\\(.)/g, '$1'));
}

/**
 * The instance whose certificate authority issued the bundle's signing certificate, or why none
 * is recognised (gh requires exactly one issuer organization, and one of the two it knows).
 */
export function instanceOf(bundle: Bundle): SigstoreInstance | { unrecognised: string } {
  let der: Buffer | undefined;
  try {
    der = signingCertificate(bundle)?.root.toDER();
  } catch (error) {
    return { unrecognised: `its signing certificate cannot be read (${(error as Error).message})` };
  }
  if (!der) return { unrecognised: 'it carries no signing certificate' };
  const organizations = issuerOrganizations(der);
  if (organizations.length !== 1) return { unrecognised: `its certificate's issuer names ${organizations.length} organizations, not one` };
  if (organizations[0] === PUBLIC_GOOD_ORGANIZATION) return 'public-good';
  if (organizations[0] === GITHUB_ORGANIZATION) return 'github';
  return { unrecognised: `its certificate was issued by ${organizations[0]}, neither public-good Sigstore nor GitHub` };
}

/** The organization of a trusted root's first certificate authority (gh matches roots to bundles by it). */
export function rootOrganization(trust: TrustContext): string | undefined {
  for (const ca of trust.root.certificateAuthorities) {
    const first = ca.certChain?.certificates[0]?.rawBytes;
    const organization = first && issuerOrganizations(Buffer.from(first))[0];
    if (organization) return organization;
  }
  return undefined;
}
