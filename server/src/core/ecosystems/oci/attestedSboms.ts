// SBOMs attached to an image as signed attestations: `cosign attest --type cyclonedx|spdxjson`
// (a `.att` layer) or a Sigstore bundle referrer with an SBOM predicate. Which verified
// attestations are SBOMs and who signed them, and the SBOM document a statement carries. The SBOM
// is opened only from evidence verified again at that moment (ociVerifier.attestedSbom), never
// from what was cached.

import { sbomFormat } from '../../sbom/sbom';
import type { AttestationLocation, AttestedSbom } from '../../result';
import type { BundleCheckResult } from './imageBundle';

export type { AttestationLocation, AttestedSbom } from '../../result';

/** Where an attestation lives: a layer of the `.att` tag, or a referrer manifest. */

export type LocatedCheck = BundleCheckResult & { location?: AttestationLocation };

/** cosign's predicate types for SBOMs (`--type cyclonedx`, `spdx`, `spdxjson`), versioned or not. */
export function isSbomPredicate(type: string | undefined): boolean {
  return !!type && (type.startsWith('https://cyclonedx.org/bom') || type.startsWith('https://spdx.dev/Document'));
}

/** The verified SBOM attestations among an image's attestations. */
export function attestedSboms(attestations: LocatedCheck[]): AttestedSbom[] {
  return attestations.flatMap((a) =>
    a.ok && a.location && isSbomPredicate(a.predicateType)
      ? [
          {
            predicateType: a.predicateType!,
            location: a.location,
            subject: a.identity?.subjectAlternativeName,
            issuer: a.identity?.issuer,
            key: a.keyName,
            logIndex: a.logIndex,
          },
        ]
      : [],
  );
}

/**
 * The SBOM an in-toto statement carries, as the text of a file and a name for it: a JSON predicate
 * as JSON, and a text one (cosign wraps an SPDX tag-value SBOM as `{ "Data": "…" }`) as it is.
 */
export function sbomOfStatement(payload: Buffer): { text: string; fileName: string } | { error: string } {
  let predicate: unknown;
  try {
    predicate = (JSON.parse(payload.toString('utf8')) as { predicate?: unknown }).predicate;
  } catch {
    return { error: 'the statement is not JSON' };
  }
  const data = (predicate as { Data?: unknown } | undefined)?.Data;
  const text =
    typeof predicate === 'string'
      ? predicate
      : typeof data === 'string'
        ? data
        : predicate && typeof predicate === 'object'
          ? JSON.stringify(predicate, null, 2)
          : undefined;
  const format = text === undefined ? undefined : sbomFormat(text);
  if (!text || !format) return { error: 'the attestation does not carry an SBOM this extension reads' };
  const extension = {
    'cyclonedx-json': 'cdx.json',
    'cyclonedx-xml': 'cdx.xml',
    'spdx-json': 'spdx.json',
    'spdx-tag-value': 'spdx',
    'spdx3-jsonld': 'spdx3.json',
  }[format];
  return { text, fileName: `sbom.${extension}` };
}
