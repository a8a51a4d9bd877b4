// What an attestation's in-toto statement says, and whether it is about a given file: the file is
// named by its digest under one algorithm (gh's --digest-alg: sha256 by default, or sha512), and a
// subject must carry that very digest under that algorithm.

import * as crypto from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';

export const DIGEST_ALGORITHMS = ['sha256', 'sha512'] as const;
export type SubjectDigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** A file's digest under each algorithm gh knows, and the one it is to be named by. */
export interface FileDigest {
  algorithm: SubjectDigestAlgorithm;
  hex: Record<SubjectDigestAlgorithm, string>;
}

export function digestFile(bytes: Buffer, algorithm: SubjectDigestAlgorithm = 'sha256'): FileDigest {
  const hash = (name: SubjectDigestAlgorithm) => crypto.createHash(name).update(bytes).digest('hex');
  return { algorithm, hex: { sha256: hash('sha256'), sha512: hash('sha512') } };
}

/** `sha256:<hex>`: how gh names the file, in messages and in its API queries. */
export function digestName(file: FileDigest): string {
  return `${file.algorithm}:${file.hex[file.algorithm]}`;
}

export const IN_TOTO_PAYLOAD = 'application/vnd.in-toto+json';

export interface Statement {
  predicateType?: string;
  subject?: Array<{ name?: string; digest?: Record<string, string> }>;
}

/** The in-toto statement a bundle's DSSE envelope carries; undefined for anything else. */
export function readStatement(bundle: Bundle): Statement | undefined {
  if (bundle.content.$case !== 'dsseEnvelope' || bundle.content.dsseEnvelope.payloadType !== IN_TOTO_PAYLOAD) return undefined;
  try {
    const statement: unknown = JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8'));
    return statement !== null && typeof statement === 'object' && !Array.isArray(statement) ? (statement as Statement) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `named`: a subject carries the file's digest under the algorithm asked for. `other-algorithm`:
 * none does, but one names this very file under the other algorithm (gh fails these too: the
 * digest asked for is not there). `other-content`: the statement is about something else.
 */
export type SubjectMatch = 'named' | 'other-algorithm' | 'other-content';

export function matchSubject(statement: Statement, file: FileDigest): SubjectMatch {
  const digests = (statement.subject ?? []).map((s) => s.digest ?? {});
  const names = (algorithm: SubjectDigestAlgorithm) =>
    digests.some((d) => typeof d[algorithm] === 'string' && d[algorithm].toLowerCase() === file.hex[algorithm]);
  if (names(file.algorithm)) return 'named';
  if (DIGEST_ALGORITHMS.some((other) => other !== file.algorithm && names(other))) return 'other-algorithm';
  return 'other-content';
}
