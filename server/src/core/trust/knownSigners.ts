// Who well-known publishers say signs their artifacts (knownSigners.json, bundled and versioned;
// every entry cites the public page that documents it), so a user need not know, for each popular
// image or package, whose signature to expect. Where no policy rule names signers for an
// artifact and the catalog does, a valid signature by the documented identity is attributed to the
// publisher, and a valid signature by anyone else is a policy violation that names both
// identities. A policy file extends or overrides the catalog (`knownSigners`), or turns it off
// (`"knownSigners": false`).
//
// An image entry applies only on the registries its publisher serves it from (`registries`, data
// from the publisher's documentation like the signers): the same repository path on another
// registry is someone else's image, neither attributed nor a violation. A mirror of such a
// registry — one the docker daemon uses (`registry-mirrors`, for the default domain) or one a
// policy names (`mirrors`) — counts as the registry it mirrors. Pure.

import catalog from './knownSigners.json';
import type { ImageSigner, PackageResult } from '../result';
import { coded } from '../reasons';
import { type Signer, describeImageSigner, describeSigners, globMatches, signerMatches } from './signers';

/** A documented identity; `source` cites its own page where that is not the entry's. */
export interface KnownSigner extends Signer {
  source?: string;
}

export interface KnownPublisher {
  publisher: string;
  ecosystem: 'oci' | 'npm';
  /**
   * Images: where the publisher serves them, `host` or `host/path` (the catalog's entries always
   * say; a policy's own entry without it applies on every registry).
   */
  registries?: string[];
  /** Package names, or images' repository paths on those registries (`distroless/*`). */
  match: string[];
  signers: KnownSigner[];
  /** The public page that documents these signers (optional in a policy's own entries). */
  source?: string;
}

/** `mirror` (`host` or `host/path`) serves what `of` serves, under the same repository paths. */
export interface RegistryMirror {
  mirror: string;
  of: string;
}

/** The entry that applies to an artifact, and the mirror it was found on when not on the publisher's own registry. */
export interface PublisherMatch {
  entry: KnownPublisher;
  mirror?: RegistryMirror;
}

export const BUNDLED_KNOWN_SIGNERS: { version: string; publishers: KnownPublisher[] } = catalog as { version: string; publishers: KnownPublisher[] };

/**
 * The first entry for the artifact: the policy's own entries first, then the bundled catalog
 * (unless the policy turned it off). An image is looked for where it is named, then as the image
 * each mirror it is on serves.
 */
export function knownPublisherFor(
  result: Pick<PackageResult, 'ecosystem' | 'name'>,
  own: KnownPublisher[] | false,
  mirrors: RegistryMirror[] = [],
): PublisherMatch | undefined {
  const entries = (own === false ? [] : [...own, ...BUNDLED_KNOWN_SIGNERS.publishers]).filter((entry) => entry.ecosystem === result.ecosystem);
  const names: Array<{ name: string; mirror?: RegistryMirror }> = [{ name: result.name }];
  if (result.ecosystem === 'oci') {
    for (const mirror of mirrors) {
      const rest = pathBelow(result.name, mirror.mirror);
      if (rest !== undefined) names.push({ name: `${location(mirror.of)}/${rest}`, mirror });
    }
  }
  for (const entry of entries) {
    for (const { name, mirror } of names) {
      if (result.ecosystem === 'oci' && entry.registries && !entry.registries.some((registry) => pathBelow(name, registry) !== undefined)) continue;
      const subject = result.ecosystem === 'oci' ? repositoryPath(name) : name;
      if (entry.match.some((pattern) => globMatches(pattern, subject))) return { entry, mirror };
    }
  }
  return undefined;
}

/**
 * Judges a verified result against the publisher's documented signers: attributed when one of its
 * verified signers (images) or its provenance signer (npm) is documented, a policy violation naming
 * both identities when it is signed by others. Unsigned and failing results are left as they are.
 */
export function applyKnownPublisher(result: PackageResult, { entry, mirror }: PublisherMatch): PackageResult {
  if (result.verdict !== 'verified') return result;
  const where = entry.source ? ` (documented at ${entry.source})` : '';
  const served = mirror ? `served by ${location(mirror.mirror)}, a mirror of ${location(mirror.of)}` : undefined;
  const identities: ImageSigner[] =
    result.ecosystem === 'oci'
      ? (result.signers ?? [])
      : result.provenance === 'verified'
        ? [{ subject: result.provenanceDetails?.subjectAlternativeName, issuer: result.provenanceDetails?.issuer }]
        : [];
  if (identities.length === 0) return result; // npm without provenance: the registry signature says nothing about the publisher
  const byPublisher = identities.find((s) => s.subject !== undefined && entry.signers.some((d) => signerMatches(d, s.issuer ?? '', s.subject!)));
  if (byPublisher)
    return {
      ...result,
      publisher: entry.publisher,
      reason: `Signed by ${entry.publisher} (${[byPublisher.subject, served].filter(Boolean).join('; ')}). ${result.reason}`,
    };
  return {
    ...result,
    ...coded('signer-not-allowed'),
    reason: `Signed by ${identities.map(describeImageSigner).join(', ')}, but ${entry.publisher} signs ${result.name}${served ? ` (${served})` : ''} as ${describeSigners(entry.signers)}${where}.`,
  };
}

/** `registry.example/team/app` → `team/app`; a name without a registry part is its own path. */
export function repositoryPath(imageName: string): string {
  const [first, ...rest] = imageName.split('/');
  return rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost') ? rest.join('/') : imageName;
}

/** A registry location as written in a catalog, policy or daemon configuration: no scheme, no trailing slash, lower case. */
function location(written: string): string {
  return written
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

/** The rest of an image name below a registry location (`host` or `host/path`), or undefined when it is not there. */
function pathBelow(imageName: string, registry: string): string | undefined {
  const prefix = `${location(registry)}/`;
  return imageName.toLowerCase().startsWith(prefix) && imageName.length > prefix.length ? imageName.slice(prefix.length) : undefined;
}
