// SBOM files: which format a text is (by content, whatever the file is called), its parse, and its
// schema problems (asynchronous, CycloneDX JSON and XML: SPDX's required fields are checked by its parser).

import { parseCycloneDxJson } from './cyclonedxJson';
import { routeComponents } from './componentDependency';
import { cycloneDxSchemaProblems } from './cyclonedxSchema';
import { parseCycloneDxXml } from './cyclonedxXml';
import { cycloneDxXmlSchemaProblems } from './cyclonedxXmlSchema';
import { parseSpdx3JsonLd } from './spdx3JsonLd';
import { parseSpdxJson } from './spdxJson';
import { parseSpdxTagValue } from './spdxTagValue';
import type { ParseProblem, PurlRouter } from '../dependency';
import { type ParsedSbom, SPDX3_CONTEXT } from './sbomModel';

export type SbomFormat = 'cyclonedx-json' | 'cyclonedx-xml' | 'spdx-json' | 'spdx-tag-value' | 'spdx3-jsonld';

/** How far into a file to look for the marker: both formats put it near the top. */
const SNIFF_LENGTH = 64 * 1024;

export function sbomFormat(text: string): SbomFormat | undefined {
  const head = text.slice(0, SNIFF_LENGTH);
  if (/^(\s*#[^\n]*\n)*\s*SPDXVersion:\s*SPDX-2\.\d+/.test(head)) return 'spdx-tag-value';
  if (/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<(\w+:)?bom\b[^>]*xmlns(:\w+)?="http:\/\/cyclonedx\.org\/schema\/bom\//.test(head)) return 'cyclonedx-xml';
  if (!/^\s*(\/\/[^\n]*\n\s*)*\{/.test(head)) return undefined;
  if (/"bomFormat"\s*:\s*"CycloneDX"/.test(head)) return 'cyclonedx-json';
  if (/"spdxVersion"\s*:\s*"SPDX-2\.\d+"/.test(head)) return 'spdx-json';
  if (SPDX3_CONTEXT.test(head)) return 'spdx3-jsonld';
  return undefined;
}

/** File names SBOM tools write by convention: read as SBOMs when their content says so. */
export function looksLikeSbomName(base: string): boolean {
  return /(^|[._-])(bom|sbom|cdx|cyclonedx|spdx3?)([._-].*)?\.(json|xml)$/i.test(base) || /\.spdx$/i.test(base);
}

/** The SBOM, with its components' package URLs read by `route` (each ecosystem's own reading of them). */
export function parseSbom(text: string, format: SbomFormat, route: PurlRouter): ParsedSbom {
  const sbom = readSbom(text, format);
  routeComponents(sbom, route);
  return sbom;
}

function readSbom(text: string, format: SbomFormat): ParsedSbom {
  if (format === 'cyclonedx-json') return parseCycloneDxJson(text);
  if (format === 'cyclonedx-xml') return parseCycloneDxXml(text);
  if (format === 'spdx3-jsonld') return parseSpdx3JsonLd(text);
  return format === 'spdx-json' ? parseSpdxJson(text) : parseSpdxTagValue(text);
}

export async function sbomSchemaProblems(text: string, parsed: ParsedSbom): Promise<ParseProblem[]> {
  if (parsed.format !== 'cyclonedx') return [];
  const format = sbomFormat(text);
  if (format === 'cyclonedx-json') return cycloneDxSchemaProblems(text, parsed.specVersion);
  // A document that is not well-formed XML already has its problem; the schema would only repeat it.
  return format === 'cyclonedx-xml' && !parsed.problems.some((p) => /well-formed/.test(p.message)) ? cycloneDxXmlSchemaProblems(text, parsed.specVersion) : [];
}
