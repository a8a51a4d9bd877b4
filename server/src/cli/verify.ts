// `provenance-lens verify FILE`: a file against its Sigstore bundle, with the flags and meaning of
// `cosign verify-blob --bundle`. Exit 0 only when verified.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextIfExists } from '../core/readText';
import { isValidPattern } from '../core/trust/policy';
import { artifactExpectation, loadPolicy } from '../core/trust/policyFiles';
import { type ArtifactVerdict, type ExpectedSigner, verifyArtifact } from '../core/artifacts/artifactVerifier';
import type { PublicKeyEntry } from '../core/trust/signers';
import { coded } from '../core/reasons';
import { type CliIo, TRUST_OPTIONS, parseCommand, resolveTrust, usageError, verifyingHelpFooter } from './shared';

const USAGE = `Usage: provenance-lens verify FILE|sha256:HEX [options]

Verifies FILE against a Sigstore bundle (by default FILE.sigstore.json): the signature, the
certificate chain and transparency-log entry against the trusted root, and the signer against what
you expect. For a DSSE bundle, FILE must be the subject of its in-toto statement, or (any other
payload) the payload itself. FILE may also be named by its digest — sha256:, sha384: or sha512:
and the digest in hex, when no file has that name; then --bundle is needed. A digest is enough
for every bundle but a message signature made with an Ed25519 key, which signs the file itself.
Identities compare exactly, or by a regular expression that must match the whole identity.

Options:
  --bundle FILE                          the bundle (default: FILE.sigstore.json)
  --certificate-identity ID              the expected signer identity (certificate SAN)
  --certificate-identity-regexp RE       …or a pattern the whole identity must match
  --certificate-oidc-issuer URL          the expected OIDC issuer
  --certificate-oidc-issuer-regexp RE    …or a pattern the whole issuer must match
  --key FILE                             verify with this public key instead of an identity
  --insecure-ignore-tlog                 with --key: accept a bundle without a log entry or timestamp
  --policy FILE                          without the flags above: the signers and keys of the policy's
                                         "artifacts" rule for FILE (default: the nearest provenance-policy)
  --format text|json                     output format (default: text)
${verifyingHelpFooter(41)}`;

export async function runVerify(argv: string[], _env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const { out, err, cwd } = io;
  const parsed = parseCommand(
    argv,
    {
      bundle: { type: 'string' },
      'certificate-identity': { type: 'string' },
      'certificate-identity-regexp': { type: 'string' },
      'certificate-oidc-issuer': { type: 'string' },
      'certificate-oidc-issuer-regexp': { type: 'string' },
      key: { type: 'string' },
      'insecure-ignore-tlog': { type: 'boolean', default: false },
      policy: { type: 'string' },
      format: { type: 'string', default: 'text' },
      ...TRUST_OPTIONS,
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals, usage } = parsed;
  if (positionals.length !== 1) return usage('verify takes one FILE.');
  if (!['text', 'json'].includes(values.format!)) return usage('--format must be text or json.');
  const identity = values['certificate-identity'];
  const identityPattern = values['certificate-identity-regexp'];
  const issuer = values['certificate-oidc-issuer'];
  const issuerPattern = values['certificate-oidc-issuer-regexp'];
  if (identity && identityPattern) return usage('Give --certificate-identity or --certificate-identity-regexp, not both.');
  if (issuer && issuerPattern) return usage('Give --certificate-oidc-issuer or --certificate-oidc-issuer-regexp, not both.');
  for (const [flag, pattern] of [
    ['--certificate-identity-regexp', identityPattern],
    ['--certificate-oidc-issuer-regexp', issuerPattern],
  ] as const) {
    if (pattern !== undefined && !isValidPattern(pattern)) return usage(`${flag}: not a valid regular expression.`);
  }
  const keyless = identity !== undefined || identityPattern !== undefined;
  const flagged = values.key !== undefined || keyless || issuer !== undefined || issuerPattern !== undefined;
  if (flagged && !values.key && (!keyless || (issuer === undefined && issuerPattern === undefined))) {
    return usage('Say whom you expect: --certificate-identity (or -regexp) with --certificate-oidc-issuer (or -regexp), or --key.');
  }

  const file = path.resolve(cwd, positionals[0]);
  // A digest is read as one only when it has its algorithm's length and names no file (the
  // conformance protocol's FILE_OR_DIGEST rule); a file of that name wins.
  const isFile = fs.existsSync(file) && fs.statSync(file).isFile();
  const digest = isFile ? null : parseDigest(positionals[0]);
  if (!isFile && !digest) return usage(`No such file: ${positionals[0]}`);
  if (!isFile && !values.bundle) return usage('A digest has no bundle beside it: name one with --bundle.');
  const keys: PublicKeyEntry[] = [];
  if (values.key) {
    const pem = readTextIfExists(path.resolve(cwd, values.key));
    if (!pem || !/BEGIN PUBLIC KEY/.test(pem)) return usage(`--key ${values.key}: not a readable PEM public key.`);
    keys.push({ name: values.key, pem, ignoreTlog: values['insecure-ignore-tlog'] });
  }
  let signers: ExpectedSigner[] = keyless ? [{ subject: identity, subjectPattern: identityPattern, issuer, issuerPattern }] : [];
  if (!flagged) {
    // No flags: whom the policy expects for this file.
    if (values.policy && readTextIfExists(path.resolve(cwd, values.policy)) === undefined) return usage(`--policy ${values.policy}: cannot read it.`);
    const expected = artifactExpectation(loadPolicy(path.dirname(file), values.policy && path.resolve(cwd, values.policy)), file);
    if (expected.signers.length === 0 && expected.keys.length === 0) {
      return usage(
        'Say whom you expect: --certificate-identity (or -regexp) with --certificate-oidc-issuer (or -regexp), --key, or an "artifacts" rule for this file in the policy.',
      );
    }
    signers = expected.signers;
    keys.push(...expected.keys);
  }
  const trust = await resolveTrust(values, cwd, err, undefined);
  if (!trust) return 2;

  const bundleFile = path.resolve(cwd, values.bundle ?? `${positionals[0]}.sigstore.json`);
  const bundleText = readTextIfExists(bundleFile);
  const verdict: ArtifactVerdict =
    bundleText === undefined
      ? { ...coded('signature-missing'), reason: `There is no bundle at ${path.relative(cwd, bundleFile)}.` }
      : verifyArtifact(isFile ? fs.readFileSync(file) : { algorithm: digest![1] as 'sha256', hex: digest![2] }, bundleText, trust, { signers, keys });
  report(out, values.format!, isFile ? path.relative(cwd, file) : positionals[0], path.relative(cwd, bundleFile), verdict);
  return verdict.verdict === 'verified' ? 0 : 1;
}

const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function parseDigest(text: string): RegExpExecArray | null {
  const match = /^(sha256|sha384|sha512):([0-9a-fA-F]+)$/.exec(text);
  return match && match[2].length === DIGEST_LENGTHS[match[1]] ? match : null;
}

function report(out: NodeJS.WritableStream, format: string, file: string, bundle: string, v: ArtifactVerdict): void {
  if (format === 'json') {
    const signer = v.identity || v.keyName ? { subject: v.identity?.subjectAlternativeName, issuer: v.identity?.issuer, key: v.keyName } : undefined;
    const json = {
      file,
      bundle,
      verdict: v.verdict,
      code: v.code,
      reason: v.reason,
      kind: v.kind,
      predicateType: v.predicateType,
      payloadType: v.payloadType,
      signer,
      logIndex: v.logIndex,
      integratedTime: v.integratedTime,
      timestamp: v.timestamp,
      timestampAuthority: v.timestampAuthority,
      logEntryUrl: v.logEntryUrl,
    };
    out.write(JSON.stringify(json, null, 2) + '\n');
    return;
  }
  const lines = [`${file}: ${v.verdict} — ${v.reason}`];
  if (v.logIndex)
    lines.push(
      `  transparency log entry ${v.logIndex}${v.integratedTime ? `, integrated at ${v.integratedTime}` : ''}${v.logEntryUrl ? ` (${v.logEntryUrl})` : ''}`,
    );
  if (v.timestamp) lines.push(`  signed timestamp ${v.timestamp}${v.timestampAuthority ? ` by ${v.timestampAuthority}` : ''}`);
  if (v.predicateType) lines.push(`  statement: ${v.predicateType}`);
  if (v.payloadType) lines.push(`  payload: ${v.payloadType}`);
  out.write(lines.join('\n') + '\n');
}
