// What the CLI's commands share: their output streams, parsing their options (with --help and usage
// errors said the same way), and where the Sigstore trusted root comes from (--trusted-root, or the
// bundled public-good snapshot refreshed through TUF when online).

import * as os from 'node:os';
import * as path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import * as fs from 'node:fs';
import { fileKind } from '../core/fileKinds';
import { readTextIfExists } from '../core/readText';
import { type TrustContext, customTrust, embeddedTrust, refreshTrustFromTuf } from '../core/trust/trustedRoot';
import { findManifestFiles } from '../core/workspaceFiles';
import { ecosystemNames } from './ecosystems';

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Paths given and reported are relative to this folder. */
  cwd: string;
}

export const TRUST_OPTIONS = {
  'trusted-root': { type: 'string' },
  'no-tuf-refresh': { type: 'boolean', default: false },
  'tuf-mirror': { type: 'string' },
  'tuf-root': { type: 'string' },
  offline: { type: 'boolean', default: false },
} as const;

export const TRUST_USAGE = `  --trusted-root FILE        a Sigstore trusted_root.json (default: the public-good root, see below)
  --no-tuf-refresh           use the bundled public-good snapshot without refreshing it through TUF
  --tuf-mirror URL           a private TUF repository publishing trusted_root.json
  --tuf-root FILE            the initial root.json for --tuf-mirror`;

export const TRUST_NOTE = `Without --trusted-root, the bundled snapshot of Sigstore's public-good trusted root is refreshed
through TUF when online (cached in the cache folder); if that fails, the snapshot is used.
`;

interface TrustValues {
  'trusted-root'?: string;
  'no-tuf-refresh'?: boolean;
  'tuf-mirror'?: string;
  'tuf-root'?: string;
  offline?: boolean;
}

/** The trusted root the options name; undefined (after saying why on `err`) when a given file is unusable. */
export async function resolveTrust(
  values: TrustValues,
  cwd: string,
  err: NodeJS.WritableStream,
  cacheDir: string | undefined,
): Promise<TrustContext | undefined> {
  let trust: TrustContext;
  try {
    trust = values['trusted-root'] ? customTrust(path.resolve(cwd, values['trusted-root'])) : embeddedTrust();
  } catch (error) {
    err.write(`${(error as Error).message}\n`);
    return undefined;
  }
  if (!values['trusted-root'] && !values.offline && !values['no-tuf-refresh']) {
    // Without a cache folder (--no-cache) the TUF metadata lives only for this run: a shared folder
    // would mix metadata of different repositories met on the same address.
    const tufDir = cacheDir ? path.join(cacheDir, 'tuf') : fs.mkdtempSync(path.join(os.tmpdir(), 'provenance-lens-tuf-'));
    try {
      trust = await refreshTrustFromTuf({
        cacheDir: tufDir,
        mirrorURL: values['tuf-mirror'],
        rootPath: values['tuf-root'] && path.resolve(cwd, values['tuf-root']),
        timeoutMs: 5000,
      });
    } catch (error) {
      err.write(`provenance-lens: could not refresh the trusted root through TUF (${(error as Error).message}); using the bundled snapshot.\n`);
    } finally {
      if (!cacheDir) fs.rmSync(tufDir, { recursive: true, force: true });
    }
  }
  return trust;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'provenance-lens');
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

type Parsed<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; options: T & typeof HELP_OPTION }>
> & {
  /** Says what is wrong with the command line; the exit status for a usage error. */
  usage: (message: string) => 2;
};

/**
 * Parses a command's options (`-h`/`--help` is added). The parsed options, or the exit status when
 * there is nothing more to do: 0 after printing the help, 2 after a usage error.
 */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usageText: string, io: CliIo): Parsed<T> | number {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: T & typeof HELP_OPTION }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { ...options, ...HELP_OPTION } });
  } catch (error) {
    io.err.write(`${(error as Error).message}\n\n${usageText}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.out.write(usageText);
    return 0;
  }
  return { ...parsed, usage: (message) => usageError(io, message) };
}

/** The end of the help of a command that verifies: trust options, --offline, --help, exit status, where trust comes from. */
export function verifyingHelpFooter(column: number): string {
  const option = (name: string, text: string) => `  ${name.padEnd(column - 2)}${text}`;
  return `${TRUST_USAGE}
${option('--offline', 'no TUF refresh')}
${option('-h, --help', 'this help')}

Exit status: 0 verified, 1 not verified, 2 usage error.
${TRUST_NOTE}`;
}

/** Says what is wrong with the command line; the exit status for a usage error. */
export function usageError(io: CliIo, message: string): 2 {
  io.err.write(`${message}\n`);
  return 2;
}

/** The files the paths name (folders searched; default `.`), or the exit status after saying which path is unusable. */
export async function filesToRead(paths: string[], io: CliIo): Promise<string[] | number> {
  const files: string[] = [];
  for (const p of paths.length > 0 ? paths : ['.']) {
    const target = path.resolve(io.cwd, p);
    if (!fs.existsSync(target)) return usageError(io, `No such file or folder: ${p}`);
    if (fs.statSync(target).isDirectory()) files.push(...(await findManifestFiles([target])));
    else if (fileKind(target, readTextIfExists(target))) files.push(target);
    else
      return usageError(
        io,
        `${p} is not a file provenance-lens reads (the manifests and lockfiles of ${ecosystemNames()}; CycloneDX or SPDX SBOMs; a provenance policy).`,
      );
  }
  return files;
}
