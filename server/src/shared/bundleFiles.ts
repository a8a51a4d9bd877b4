// Where a file's Sigstore bundle lies: beside it, under one of the names signing tools use.

import * as fs from 'node:fs';

export const BUNDLE_SUFFIX = '.sigstore.json';
/** Where tools put a file's bundle: ours (and cosign's `--bundle` convention), sigstore-python's older name, `.bundle`. */
export const BUNDLE_SUFFIXES = [BUNDLE_SUFFIX, '.sigstore', '.bundle'];

/** The bundle beside `file`, if there is one. */
export function bundleBeside(file: string): string | undefined {
  return BUNDLE_SUFFIXES.map((suffix) => `${file}${suffix}`).find((candidate) => fs.existsSync(candidate));
}

/** The file a bundle is for, when `file` is named like a bundle. */
export function signedFileOf(file: string): string | undefined {
  const suffix = BUNDLE_SUFFIXES.find((s) => file.endsWith(s));
  return suffix ? file.slice(0, -suffix.length) : undefined;
}
