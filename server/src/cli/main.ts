// The CLI's entry: one command per job, each with its own options and help.

import { runAttestation } from './attestation';
import { runCheck } from './check';
import { ecosystemNames } from './ecosystems';
import type { CliIo } from './shared';
import { runSbom } from './sbom';
import { runKeygen, runSign } from './sign';
import { runVerify } from './verify';

const USAGE = `Usage: provenance-lens <command> [options]

Commands:
  check [paths…]        verify the dependencies files declare: ${ecosystemNames()}; and SBOMs
  sign FILE…            sign files with Sigstore, writing FILE.sigstore.json beside each
  verify FILE           verify FILE against its Sigstore bundle (like cosign verify-blob --bundle)
  attestation verify FILE  verify GitHub artifact attestations of FILE (like gh attestation verify)
  generate-key-pair     make an encrypted ECDSA P-256 key pair for key-based signing
  sbom diff A B         compare two SBOMs (or an SBOM and a lockfile): added, removed, changed, lost provenance
  sbom generate [paths] write a CycloneDX SBOM of every ecosystem's dependencies, with verification results

Run provenance-lens <command> --help for its options.
`;

const COMMANDS: Record<string, (argv: string[], env: NodeJS.ProcessEnv, io: CliIo) => Promise<number>> = {
  check: runCheck,
  sign: runSign,
  verify: runVerify,
  attestation: runAttestation,
  'generate-key-pair': runKeygen,
  sbom: runSbom,
};

export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: Partial<CliIo> = {}): Promise<number> {
  const streams: CliIo = { out: io.out ?? process.stdout, err: io.err ?? process.stderr, cwd: io.cwd ?? process.cwd() };
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    streams.out.write(USAGE);
    return 0;
  }
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    streams.err.write(command ? `Unknown command "${command}".\n\n${USAGE}` : USAGE);
    return 2;
  }
  return run(rest, env, streams);
}
