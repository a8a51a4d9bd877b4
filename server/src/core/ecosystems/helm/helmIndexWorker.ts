// Reads a chart repository's index.yaml in a worker thread: a public repository's index runs to
// tens of megabytes, which the YAML parser takes seconds over — not on the language server's
// event loop. Answers `{ id, entries }` (each chart's versions: version, archive URLs, digest) or
// `{ id, failure }` to `{ id, text }`.

import { parentPort } from 'node:worker_threads';
import { readHelmIndex } from './helmIndex';

parentPort?.on('message', ({ id, text }: { id: number; text: string }) => {
  try {
    parentPort!.postMessage({ id, entries: readHelmIndex(text) });
  } catch (error) {
    parentPort!.postMessage({ id, failure: (error as Error).message.split('\n')[0] });
  }
});
