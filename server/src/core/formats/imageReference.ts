// Container image references as the distribution reference grammar defines them:
//   [domain/]path[:tag][@algorithm:hex]
// A first component with a dot or a port, or `localhost`, is a registry domain; otherwise the
// reference is on the grammar's default domain, where one-component names live under `library/`.
// (That default is part of what an unqualified reference *means*, as for docker and cosign; which
// host actually serves it, mirrors and credentials come from the user's docker configuration.)

export const DEFAULT_DOMAIN = 'docker.io';

export interface ImageReference {
  /** As written in the file. */
  written: string;
  /** Registry domain, e.g. `ghcr.io`, `127.0.0.1:5000`, or the default domain. */
  domain: string;
  /** Repository path on that registry, e.g. `library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** `domain/repository` (the name without tag or digest), normalised. */
  name: string;
}

const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;

/** Parses a reference, or explains why it is not one. */
export function parseImageReference(written: string): ImageReference | { error: string } {
  const text = written.trim();
  if (!text) return { error: 'the image reference is empty' };
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { error: `"${digest}" is not a valid digest (algorithm:hex)` };
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { error: `"${tag}" is not a valid tag` };
  }
  const parts = rest.split('/');
  let domain = DEFAULT_DOMAIN;
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
    domain = parts.shift()!;
    if (!DOMAIN.test(domain)) return { error: `"${domain}" is not a valid registry domain` };
  }
  if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) {
    return { error: `"${rest}" is not a valid repository name (lowercase letters, digits and separators)` };
  }
  if (domain === DEFAULT_DOMAIN && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  return { written: text, domain, repository, tag, digest, name: `${domain}/${repository}` };
}

export function isImageReference(value: ImageReference | { error: string }): value is ImageReference {
  return !('error' in value);
}
