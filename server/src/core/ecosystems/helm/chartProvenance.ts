// A classic Helm chart's provenance file (`<chart>-<version>.tgz.prov`), checked as `helm verify`
// checks it: an OpenPGP clear-signed document — the chart's Chart.yaml, a `...` line, then a YAML
// `files:` map of archive names to `sha256:<hex>` — whose signature must verify with a key of the
// user's keyring, and whose digest for the archive must be the archive's. Pure: bytes and keys in.

import * as crypto from 'node:crypto';
import * as openpgp from 'openpgp';
import { parse as parseYaml } from 'yaml';
import type { Failure } from '../../reasons';

/** Verified; or the signature or signed digests do not hold (`signature-invalid`), or a key outside the keyring signed it (`signer-not-allowed`). */
export type ChartProvenanceCheck =
  { ok: true; signer: string; fingerprint: string } | (Failure<'signature-invalid' | 'signer-not-allowed'> & { fingerprint?: string });

/** The public keys of a keyring file: binary (helm's and GnuPG 1's `pubring.gpg`) or ASCII-armored. */
export async function readKeyring(bytes: Buffer): Promise<openpgp.PublicKey[]> {
  const armored = bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN PGP');
  const keys = armored ? await openpgp.readKeys({ armoredKeys: bytes.toString('utf8') }) : await openpgp.readKeys({ binaryKeys: new Uint8Array(bytes) });
  return keys.map((k) => k.toPublic());
}

export async function checkChartProvenance(
  archive: Buffer,
  archiveName: string,
  chart: { name: string; version: string },
  provenance: string,
  keyring: openpgp.PublicKey[],
): Promise<ChartProvenanceCheck> {
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: provenance });
  } catch (error) {
    return { ok: false, code: 'signature-invalid', message: `the provenance file is not a clear-signed OpenPGP message (${firstLine(error)})` };
  }
  const signingKeyIds = message.getSigningKeyIDs().map((id) => id.toHex());
  const known = keyring.filter((key) => key.getKeyIDs().some((id) => signingKeyIds.includes(id.toHex())));
  if (known.length === 0) {
    return {
      ok: false,
      code: 'signer-not-allowed',
      message: `the provenance is signed by key ${signingKeyIds.join(', ') || '(none named)'}, which is not in your keyring`,
      fingerprint: signingKeyIds[0],
    };
  }
  try {
    const verification = await openpgp.verify({ message, verificationKeys: known, expectSigned: true });
    await verification.signatures[0].verified;
  } catch (error) {
    return {
      ok: false,
      code: 'signature-invalid',
      message: `the provenance signature does not verify (${firstLine(error)})`,
      fingerprint: known[0].getFingerprint(),
    };
  }
  const key = known[0];
  const signer = (await key.getPrimaryUser().catch(() => undefined))?.user.userID?.userID ?? key.getUserIDs()[0] ?? key.getKeyID().toHex();
  const fingerprint = key.getFingerprint();

  // The signed text: Chart.yaml, then the sums. helm splits at the first `...` line.
  const text = message.getText();
  const split = text.split(/\r?\n\.\.\.\r?\n/);
  if (split.length < 2) return { ok: false, code: 'signature-invalid', message: 'the signed provenance holds no file digests', fingerprint };
  let metadata: { name?: unknown; version?: unknown };
  let sums: { files?: Record<string, unknown> };
  try {
    metadata = parseYaml(split[0]) ?? {};
    sums = parseYaml(split.slice(1).join('\n...\n')) ?? {};
  } catch (error) {
    return { ok: false, code: 'signature-invalid', message: `the signed provenance is not YAML (${firstLine(error)})`, fingerprint };
  }
  if (metadata.name !== chart.name || String(metadata.version) !== chart.version) {
    return {
      ok: false,
      code: 'signature-invalid',
      message: `the signed provenance is for ${String(metadata.name)} ${String(metadata.version)}, not ${chart.name} ${chart.version}`,
      fingerprint,
    };
  }
  const signed = sums.files?.[archiveName];
  if (typeof signed !== 'string')
    return { ok: false, code: 'signature-invalid', message: `the signed provenance lists no digest for ${archiveName}`, fingerprint };
  const actual = `sha256:${crypto.createHash('sha256').update(archive).digest('hex')}`;
  if (signed.toLowerCase() !== actual)
    return { ok: false, code: 'signature-invalid', message: `the signed digest of ${archiveName} (${signed}) is not the archive's (${actual})`, fingerprint };
  return { ok: true, signer, fingerprint };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}
