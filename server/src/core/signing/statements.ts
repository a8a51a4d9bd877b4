// In-toto statements for signing: recognising a file that already is one (signed as DSSE, not as
// a blob), and wrapping an SBOM into one whose subject is the SBOM file itself, with the predicate
// type cosign uses for it (`cosign attest --type cyclonedx|spdxjson`), so verifying the bundle
// against the SBOM file checks both the signature and that the SBOM is the one signed.

import * as crypto from 'node:crypto';
import { SPDX3_CONTEXT } from '../sbom/sbomModel';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SBOM_PREDICATES = { cyclonedx: 'https://cyclonedx.org/bom', spdx: 'https://spdx.dev/Document' } as const;

/** Whether `data` is an in-toto statement (any version), which is signed as a DSSE envelope. */
export function isInTotoStatement(data: Buffer): boolean {
  const json = parseJson(data);
  return typeof json?._type === 'string' && json._type.startsWith('https://in-toto.io/Statement/') && Array.isArray(json.subject);
}

/** The statement that attests `sbom` (the bytes of a CycloneDX or SPDX JSON document) as `name`. */
export function sbomStatement(sbom: Buffer, name: string): { statement: Buffer; predicateType: string } | { error: string } {
  const document = parseJson(sbom);
  if (!document) return { error: `${name} is not JSON: only CycloneDX and SPDX JSON SBOMs can be signed as SBOMs` };
  // SPDX 3 has no predicate type of its own yet: in-toto's SPDX predicate names SPDX documents.
  const spdx = typeof document.spdxVersion === 'string' || SPDX3_CONTEXT.test(JSON.stringify({ '@context': document['@context'] }));
  const predicateType = document.bomFormat === 'CycloneDX' ? SBOM_PREDICATES.cyclonedx : spdx ? SBOM_PREDICATES.spdx : undefined;
  if (!predicateType) return { error: `${name} is neither a CycloneDX (bomFormat) nor an SPDX (spdxVersion, or SPDX 3's @context) JSON document` };
  const digest = crypto.createHash('sha256').update(sbom).digest('hex');
  const statement = { _type: STATEMENT_TYPE, subject: [{ name, digest: { sha256: digest } }], predicateType, predicate: document };
  return { statement: Buffer.from(JSON.stringify(statement)), predicateType };
}

function parseJson(data: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(data.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
