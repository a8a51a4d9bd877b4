// Who well-known publishers say signs their artifacts (knownSigners.json, bundled and versioned;
// every entry cites the public page that documents it), so a user need not know, for each popular
// image or package, whose signature to expect. Where no policy rule names signers for an
// artifact and the catalog does, a valid signature by the documented identity is attributed to the
// publisher, and a valid signature by anyone else is a policy violation that names both
// identities. A policy file extends or overrides the catalog (`knownSigners`), or turns it off
// (`"knownSigners": false`). Images match by repository path, whatever registry or mirror serves
// them: the catalog names no registry host. Pure.

import catalog from './knownSigners.json';
import type { ImageSigner, PackageResult } from '../result';
import { type Signer, describeImageSigner, describeSigners, globMatches, signerMatches } from './signers';

export interface KnownPublisher {
  publisher: string;
  ecosystem: 'oci' | 'npm';
  match: string[];
  signers: Signer[];
  /** The public page that documents these signers (optional in a policy's own entries). */
  source?: string;
}

export const BUNDLED_KNOWN_SIGNERS: { version: string; publishers: KnownPublisher[] } = catalog as { version: string; publishers: KnownPublisher[] };

/** The first entry for the artifact: the policy's own entries first, then the bundled catalog (unless the policy turned it off). */
export function knownPublisherFor(result: Pick<PackageResult, 'ecosystem' | 'name'>, own: KnownPublisher[] | false): KnownPublisher | undefined {
  const entries = own === false ? [] : [...own, ...BUNDLED_KNOWN_SIGNERS.publishers];
  const subject = result.ecosystem === 'oci' ? repositoryPath(result.name) : result.name;
  return entries.find((entry) => entry.ecosystem === result.ecosystem && entry.match.some((pattern) => globMatches(pattern, subject)));
}

/**
 * Judges a verified result against the publisher's documented signers: attributed when one of its
 * verified signers (images) or its provenance signer (npm) is documented, a policy violation naming
 * both identities when it is signed by others. Unsigned and failing results are left as they are.
 */
export function applyKnownPublisher(result: PackageResult, entry: KnownPublisher): PackageResult {
  if (result.verdict !== 'verified') return result;
  const where = entry.source ? ` (documented at ${entry.source})` : '';
  const identities: ImageSigner[] =
    result.ecosystem === 'oci'
      ? (result.signers ?? [])
      : result.provenance === 'verified'
        ? [{ subject: result.provenanceDetails?.subjectAlternativeName, issuer: result.provenanceDetails?.issuer }]
        : [];
  if (identities.length === 0) return result; // npm without provenance: the registry signature says nothing about the publisher
  const byPublisher = identities.find((s) => s.subject !== undefined && entry.signers.some((d) => signerMatches(d, s.issuer ?? '', s.subject!)));
  if (byPublisher) return { ...result, publisher: entry.publisher, reason: `Signed by ${entry.publisher} (${byPublisher.subject}). ${result.reason}` };
  return {
    ...result,
    verdict: 'policy-violation',
    code: 'signer-not-allowed',
    reason: `Signed by ${identities.map(describeImageSigner).join(', ')}, but ${entry.publisher} signs ${result.name} as ${describeSigners(entry.signers)}${where}.`,
  };
}

/** `registry.example/team/app` → `team/app`; a name without a registry part is its own path. */
export function repositoryPath(imageName: string): string {
  const [first, ...rest] = imageName.split('/');
  return rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost') ? rest.join('/') : imageName;
}
