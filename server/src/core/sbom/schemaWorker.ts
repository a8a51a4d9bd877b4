// The CycloneDX schema validator, in a worker thread: for a large SBOM the schema's checks take
// seconds (uniqueness over thousands of dependency entries), which must not hold up the language
// server. Receives `{ id, text, version }`, answers `{ id, errors }` or `{ id, failure }`.

import { parentPort } from 'node:worker_threads';
import { type Spec, Validation } from '@cyclonedx/cyclonedx-library';

const validators = new Map<Spec.Version, Validation.JsonValidator>();

parentPort?.on('message', async ({ id, text, version }: { id: number; text: string; version: Spec.Version }) => {
  try {
    let validator = validators.get(version);
    if (!validator) validators.set(version, (validator = new Validation.JsonValidator(version)));
    parentPort!.postMessage({ id, errors: await validator.validate(text) });
  } catch (error) {
    parentPort!.postMessage({ id, failure: (error as Error).message });
  }
});
