// CycloneDX JSON schema validation, by the CycloneDX library's own validator for the document's
// spec version (run in a worker thread: schemaWorker.ts), with each error placed on the part of the
// file it is about (the validator reports JSON pointers; the document's node tree gives their
// ranges). The library loads and compiles the schema once per version.

import * as path from 'node:path';
import { Spec } from '@cyclonedx/cyclonedx-library';
import { type Node, findNodeAtLocation } from 'jsonc-parser';
import { type LineIndex, parseJsonDocument } from '../formats/jsonDocument';
import type { ParseProblem } from '../dependency';
import { WorkerClient } from '../workerClient';

const VERSIONS: Record<string, Spec.Version> = {
  '1.2': Spec.Version.v1dot2,
  '1.3': Spec.Version.v1dot3,
  '1.4': Spec.Version.v1dot4,
  '1.5': Spec.Version.v1dot5,
  '1.6': Spec.Version.v1dot6,
  '1.7': Spec.Version.v1dot7,
};

/** One worker for every validation (core/workerClient.ts). */
const validator = new WorkerClient<{ text: string; version: Spec.Version }, { errors?: SchemaError[] | null }>(path.join(__dirname, 'schemaWorker.js'));

function validateInWorker(text: string, version: Spec.Version): Promise<{ errors?: SchemaError[] | null; failure?: string }> {
  return validator.request({ text, version });
}

interface SchemaError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

export async function cycloneDxSchemaProblems(text: string, specVersion: string | undefined): Promise<ParseProblem[]> {
  // The document's node tree (for ranges) is built only when there is something to place: a
  // large SBOM's parse is not free, and most SBOMs are valid.
  const located = () => parseJsonDocument(text);
  const version = specVersion ? VERSIONS[specVersion] : undefined;
  if (!version) {
    const { root, lines } = located();
    if (!root) return []; // the parser already reports that the file is not JSON
    const where = (specVersion && findNodeAtLocation(root, ['specVersion'])) || root;
    return [
      {
        message: `CycloneDX specVersion ${specVersion ?? '(missing)'} is not one the validator knows (${Object.keys(VERSIONS).join(', ')}).`,
        range: lines.rangeAt(where.offset, where === root ? 1 : where.length),
        code: 'sbom-invalid',
      },
    ];
  }
  const { errors, failure } = await validateInWorker(text, version);
  if (failure === undefined && !errors?.length) return [];
  const { root, lines } = located();
  if (!root) return [];
  if (failure !== undefined)
    return [{ message: `The CycloneDX schema could not be applied: ${failure}`, range: lines.rangeAt(root.offset, 1), code: 'sbom-invalid' }];
  return (errors ?? []).map((e) => ({ message: `CycloneDX ${specVersion} schema: ${describe(e)}`, range: rangeOf(root, lines, e), code: 'sbom-invalid' }));
}

function describe(e: SchemaError): string {
  const where = e.instancePath || '(the document)';
  if (e.keyword === 'required') return `${where} needs "${String(e.params?.missingProperty)}".`;
  if (e.keyword === 'additionalProperties') return `${where} has a field the schema does not allow: "${String(e.params?.additionalProperty)}".`;
  if (e.keyword === 'enum') return `${where} ${e.message ?? ''}: ${JSON.stringify(e.params?.allowedValues)}.`;
  return `${where} ${e.message ?? 'is not valid'}.`;
}

/** The node a JSON pointer names (or its nearest existing ancestor); a missing field points at its object. */
function rangeOf(root: Node, lines: LineIndex, e: SchemaError): ParseProblem['range'] {
  const segments = (e.instancePath ?? '')
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  for (let n = segments.length; n >= 0; n--) {
    const node = n === 0 ? root : findNodeAtLocation(root, segments.slice(0, n));
    if (!node) continue;
    // An object or array as a whole would underline many lines: its first line is enough.
    const target = node.type === 'object' || node.type === 'array' ? (node.parent?.type === 'property' ? node.parent.children![0] : undefined) : node;
    return target ? lines.rangeAt(target.offset, target.length) : lines.rangeAt(node.offset, 1);
  }
  return lines.rangeAt(root.offset, 1);
}
