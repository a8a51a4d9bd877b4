// CycloneDX XML schema validation: the XSD the CycloneDX library ships for the document's spec
// version, applied by libxml2's own validator compiled to WebAssembly (xmllint-wasm, which runs it in
// a worker thread of its own). The library's XML validator needs a native module (libxmljs2) that is
// not shipped; this applies the same schemas. Every error comes with its line.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as CycloneDX from '@cyclonedx/cyclonedx-library';
import { validateXML } from 'xmllint-wasm';
import type { ParseProblem } from '../dependency';

/**
 * Where the library keeps its schema files (its own validators read them from there; the bundle
 * points it at a copy, see esbuild.mjs). Exported at run time, though not in its type declarations.
 */
const RESOURCES = (CycloneDX as unknown as { _Resources: { FILES: { CDX: { XML_SCHEMA: Record<string, string | undefined> }; SPDX: { XML_SCHEMA: string } } } })
  ._Resources.FILES;

/** Enough to act on; a document wrong everywhere does not need ten thousand diagnostics. */
const MAX_ERRORS = 200;
/** 512 MiB of 64 KiB WebAssembly pages. */
const MAX_MEMORY_PAGES = 8192;
const VERSIONS: Record<string, CycloneDX.Spec.Version> = Object.fromEntries(Object.values(CycloneDX.Spec.Version).map((v) => [v, v]));

export async function cycloneDxXmlSchemaProblems(text: string, specVersion: string | undefined): Promise<ParseProblem[]> {
  const lines = text.split(/\r\n|\r|\n/);
  const onLine = (line: number, message: string): ParseProblem => {
    const index = Math.min(Math.max(line - 1, 0), lines.length - 1);
    const content = lines[index] ?? '';
    const start = content.length - content.trimStart().length;
    return { message, range: { start: { line: index, character: start }, end: { line: index, character: content.length } }, code: 'sbom-invalid' };
  };
  const version = specVersion ? VERSIONS[specVersion] : undefined;
  const schemaFile = version && RESOURCES.CDX.XML_SCHEMA[version];
  if (!schemaFile)
    return [onLine(1, `CycloneDX XML namespace version ${specVersion ?? '(missing)'} is not one the validator knows (${Object.keys(VERSIONS).join(', ')}).`)];
  try {
    const result = await validateXML({
      xml: [{ fileName: 'bom.xml', contents: text }],
      schema: [{ fileName: path.basename(schemaFile), contents: fs.readFileSync(schemaFile, 'utf8') }],
      // The CycloneDX schemas import the SPDX licence list schema by this name.
      preload: [{ fileName: path.basename(RESOURCES.SPDX.XML_SCHEMA), contents: fs.readFileSync(RESOURCES.SPDX.XML_SCHEMA, 'utf8') }],
      // Grown on demand: a 10,000-component SBOM (5.6 MiB) fits in the default 32 MiB; allow far larger ones.
      maxMemoryPages: MAX_MEMORY_PAGES,
    });
    return result.errors.slice(0, MAX_ERRORS).map((e) => onLine(e.loc?.lineNumber ?? 1, `CycloneDX ${specVersion} XML schema: ${readable(e.message)}`));
  } catch (error) {
    return [onLine(1, `The CycloneDX XML schema could not be applied: ${(error as Error).message}`)];
  }
}

/** libxml2's message without its prefix and the namespace on every element name. */
function readable(message: string): string {
  return message.replace(/^Schemas validity error : /, '').replace(/\{http:\/\/cyclonedx\.org\/schema\/bom\/[\d.]+\}/g, '');
}
