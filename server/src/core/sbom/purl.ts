// A component's package URL, read with packageurl-js, and what it means for verification: an npm
// package (name with scope, exact version), a container image (pkg:oci with its repository_url, or
// pkg:docker), or an ecosystem we do not verify yet.

import { PackageURL } from 'packageurl-js';
import { pluginForPurlType } from '../ecosystems/registry';
import type { Ecosystem } from '../dependency';
import { normalizeName } from '../ecosystems/pypi/pep508';
import { DEFAULT_DOMAIN, type ImageReference, isImageReference, parseImageReference } from '../ecosystems/oci/imageReference';

export type PurlTarget =
  | { ecosystem: 'npm'; name: string; version?: string }
  | { ecosystem: 'oci'; name: string; version?: string; image: ImageReference }
  | { ecosystem: 'other'; type: string; name: string; version?: string }
  /** An ecosystem a plugin verifies (ecosystems/registry.ts), by its purl type. */
  | { ecosystem: Ecosystem; name: string; version?: string; plugin: true; index?: string; platform?: string };

export function parsePurl(purl: string): PurlTarget | { error: string } {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(purl);
  } catch (error) {
    return { error: `"${purl}" is not a valid package URL (${(error as Error).message.replace(/^Invalid purl: /, '')})` };
  }
  const version = p.version ?? undefined;
  const full = p.namespace ? `${p.namespace}/${p.name}` : p.name;
  if (p.type === 'npm') return { ecosystem: 'npm', name: full, version };
  if (p.type === 'oci' || p.type === 'docker') {
    const written = imageWritten(p);
    const image = parseImageReference(written);
    if (!isImageReference(image)) return { error: `"${purl}" does not name a valid image (${image.error})` };
    return { ecosystem: 'oci', name: image.name, version, image };
  }
  const plugin = pluginForPurlType(p.type);
  if (plugin) {
    // The purl spec's `repository_url` names the package's registry (and `platform` a gem's build).
    const q = (p.qualifiers ?? {}) as Record<string, string>;
    return { ecosystem: plugin.ecosystem, name: p.type === 'pypi' ? normalizeName(full) : full, version, plugin: true, index: q.repository_url, platform: q.platform };
  }
  return { ecosystem: 'other', type: p.type, name: full, version };
}

/**
 * The image reference a purl names. pkg:oci: `repository_url` (registry and path) with the digest
 * as version, or the `tag` qualifier. pkg:docker: namespace/name on `repository_url` (default: the
 * default domain), version a tag or digest.
 */
function imageWritten(p: PackageURL): string {
  const q = (p.qualifiers ?? {}) as Record<string, string>;
  const version = p.version ?? '';
  const suffix = version.includes(':') ? `@${version}` : version ? `:${version}` : q.tag ? `:${q.tag}` : '';
  if (p.type === 'oci') return `${q.repository_url ?? p.name}${suffix}`;
  const repository = p.namespace ? `${p.namespace}/${p.name}` : p.name;
  return `${q.repository_url ?? DEFAULT_DOMAIN}/${repository}${suffix}`;
}

/** The type of a package URL (`pypi` in `pkg:pypi/…`), without parsing the rest. */
export function purlType(purl: string | undefined): string | undefined {
  return /^pkg:([a-zA-Z][\w.+-]*)\//.exec(purl ?? '')?.[1]?.toLowerCase();
}
