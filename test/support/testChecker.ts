// A checker as the tests use one: the bundled trust (unless given), online, no provenance
// requirement, no programs run, and an environment that is only the test's own (an empty HOME,
// cleanEnv's variables). Options override any of it.

import { Checker, type CheckerOptions } from '../../server/src/core/checker';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { cleanEnv } from './env';

export function testChecker(home: string, options: Partial<CheckerOptions> = {}): Checker {
  const trust = embeddedTrust();
  return new Checker({
    trust: () => trust,
    offline: false,
    requireProvenance: false,
    allowProcessExecution: false,
    env: cleanEnv({ HOME: home }),
    homeDir: home,
    ...options,
  });
}
