// The actions a GitHub Actions workflow runs: `uses:` of steps (`owner/repo[/path]@ref`) and of
// jobs (reusable workflows, `owner/repo/.github/workflows/x.yml@ref`), with the ranges of the
// action and of its ref, and the comment after a pinned commit (`# v4.1.1`, the tag it was).
// Local actions (`./…`) and images (`docker://…`, read with the images) are not dependencies here.

import { type Scalar, parseAllDocuments } from 'yaml';
import { LineIndex } from '../../formats/jsonDocument';
import type { Dependency } from '../../dependency';
import { entries, get, items, stringScalar } from '../../formats/yamlNodes';

/** A full commit SHA: the only ref that cannot be moved to other code. */
export const FULL_SHA = /^[0-9a-f]{40}$/;

export function parseWorkflowActions(text: string): Dependency[] {
  const lines = new LineIndex(text);
  const sourceLines = text.split('\n');
  const out: Dependency[] = [];
  let documents;
  try {
    documents = parseAllDocuments(text, { prettyErrors: false });
  } catch {
    return out; // the image parser of the same file reports the syntax error
  }
  for (const doc of Array.isArray(documents) ? documents : [documents]) {
    for (const job of entries(get(doc.contents, 'jobs'))) {
      const uses = [stringScalar(get(job.value, 'uses')), ...items(get(job.value, 'steps')).map((step) => stringScalar(get(step, 'uses')))];
      for (const scalar of uses) {
        const dependency = scalar && actionDependency(scalar, lines, sourceLines, `job ${String(job.key.value)}`);
        if (dependency) out.push(dependency);
      }
    }
  }
  return out;
}

function actionDependency(scalar: Scalar, lines: LineIndex, sourceLines: string[], source: string): Dependency | undefined {
  const value = String(scalar.value);
  const match = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[^@\s]+)?)@([^\s@]+)$/.exec(value);
  if (!match || value.startsWith('docker://')) return undefined;
  const [start] = scalar.range ?? [0, 0];
  const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE' ? 1 : 0;
  const nameRange = lines.rangeAt(start + quoted, match[1].length);
  const specRange = lines.rangeAt(start + quoted + match[1].length + 1, match[2].length);
  const comment = /#\s*(\S.*?)\s*$/.exec(sourceLines[specRange.end.line]?.slice(specRange.end.character) ?? '')?.[1];
  const ref = match[2];
  return {
    ecosystem: 'github-actions',
    name: match[1],
    spec: ref,
    version: FULL_SHA.test(ref) ? ref : undefined,
    group: 'dependencies',
    nameRange,
    specRange,
    source: comment ? `${source}, pinned as ${comment}` : source,
  };
}
