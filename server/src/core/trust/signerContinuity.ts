// Signer continuity: the verified signer of every artifact is remembered (per workspace), and a
// later version or a moved tag signed by another identity is flagged — "signer changed from … to
// …" — until the user accepts the new signer into the policy (trust on first use, made explicit).
// Where a policy rule or the catalog of known signers decides who may sign, they decide, and
// nothing is remembered. An identity is compared without its ref (`…/release.yml@refs/tags/v2` is
// the same signer as `…@refs/tags/v1`): each release is built from another tag.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PackageResult } from '../result';
import { readTextIfExists } from '../readText';

interface Remembered {
  signer: string;
  version?: string;
  /** When the signer was first seen (ISO). */
  since: string;
}

/** The signer of a verified result, as one comparable string; undefined when nothing names one. */
export function signerOf(result: PackageResult): string | undefined {
  if (result.verdict === 'invalid' || result.verdict === 'unverifiable') return undefined;
  const identity = (subject?: string, issuer?: string) => (subject ? `${subject.replace(/@refs\/.*$/, '')}${issuer ? ` (${issuer})` : ''}` : undefined);
  if (result.ecosystem === 'oci') {
    const signers = (result.signers ?? []).map((s) => (s.key ? `key ${s.key}` : identity(s.subject, s.issuer))).filter((s): s is string => !!s);
    return signers.length > 0 ? [...new Set(signers)].sort().join(', ') : undefined;
  }
  if (result.ecosystem === 'helm') return result.verdict === 'verified' && result.signatureKeyId ? `OpenPGP key ${result.signatureKeyId}` : undefined;
  return result.provenance === 'verified' ? identity(result.provenanceDetails?.subjectAlternativeName, result.provenanceDetails?.issuer) : undefined;
}

export class SignerMemory {
  private known?: Map<string, Remembered>;
  private dirty = false;

  /** `file`: where the workspace's signers are kept; undefined keeps them for this process only. */
  constructor(private readonly file: string | undefined) {}

  /**
   * The result with `signer` set, and — when a different signer was remembered for the artifact —
   * `previousSigner` and a `signer-changed` finding. The first signer seen is remembered; a changed
   * one is not, so the warning stays until the policy accepts the new signer.
   */
  observe(result: PackageResult): PackageResult {
    const signer = signerOf(result);
    if (!signer) return result;
    const known = this.load();
    const key = `${result.ecosystem}:${result.name}`;
    const before = known.get(key);
    if (!before) {
      known.set(key, { signer, version: result.version, since: new Date().toISOString() });
      this.dirty = true;
      return { ...result, signer };
    }
    if (before.signer === signer) return { ...result, signer };
    const was = before.version ? ` (${result.name} ${before.version})` : '';
    return {
      ...result,
      signer,
      previousSigner: before.signer,
      findings: [
        ...result.findings,
        {
          code: 'signer-changed',
          message: `The signer changed from ${before.signer}${was} to ${signer}. Accept the new signer into the policy if this is expected.`,
        },
      ],
    };
  }

  /** Writes what was learnt (write-then-rename: a crash never leaves half a file). */
  async flush(): Promise<void> {
    if (!this.dirty || !this.file || !this.known) return;
    this.dirty = false;
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await fs.promises.writeFile(temp, JSON.stringify({ schema: 1, signers: Object.fromEntries(this.known) }, null, 1));
    await fs.promises.rename(temp, this.file);
  }

  private load(): Map<string, Remembered> {
    if (this.known) return this.known;
    this.known = new Map();
    const text = this.file ? readTextIfExists(this.file) : undefined;
    try {
      const stored = text ? (JSON.parse(text) as { schema?: number; signers?: Record<string, Remembered> }) : undefined;
      if (stored?.schema === 1)
        for (const [key, value] of Object.entries(stored.signers ?? {})) if (typeof value?.signer === 'string') this.known.set(key, value);
    } catch {
      // an unreadable memory starts afresh: it can only cost a first-use record, never a verdict
    }
    return this.known;
  }
}
