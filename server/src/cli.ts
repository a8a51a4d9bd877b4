// provenance-lens: the command-line face of the same core the language server uses.
// Exit codes: 0 nothing invalid/unsigned/policy-violating, 1 something is, 2 usage or internal error.

import { runCli } from './cli/main';

runCli(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`provenance-lens: internal error: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 2;
  },
);
