// `provenance-lens sign FILE…` and `provenance-lens generate-key-pair`: Sigstore signing from the
// command line — keyless with an identity token (given, from the CI environment, or by signing in
// through the browser), or with the user's own encrypted key (passphrase from the environment, as
// cosign reads COSIGN_PASSWORD). Tokens, keys and passphrases are never printed.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { signingEndpoints } from '../core/signing/endpoints';
import { rekorEntryUrl } from '../core/trust/trustedRoot';
import { DEFAULT_OIDC_CLIENT_ID, DEFAULT_OIDC_ISSUER, identityHttpClient } from '../core/signing/identityToken';
import { ambientIdentityToken } from '../core/signing/ambientToken';
import { interactiveIdentityToken } from '../core/signing/identityToken';
import { KeyError, generateSigningKey, openSigningKey } from '../shared/keys';
import type { SigningIdentity } from '../core/signing/signArtifact';
import { signFiles } from '../core/signing/signFiles';
import { type CliIo, parseCommand, usageError } from './shared';

const PASSWORD_VARIABLES = ['PROVENANCE_LENS_PASSWORD', 'COSIGN_PASSWORD'];

const SIGN_USAGE = `Usage: provenance-lens sign FILE… [options]

Signs each FILE with Sigstore and writes FILE.sigstore.json beside it: a message signature for a
file, a DSSE envelope for an in-toto statement, an SBOM attestation with --sbom.

Identity (keyless, the default): --identity-token, else SIGSTORE_ID_TOKEN or the GitHub Actions
OIDC token, else a browser sign-in (interactive terminals only). Key-based: --key, with the
passphrase in PROVENANCE_LENS_PASSWORD or COSIGN_PASSWORD.

Options:
  --key FILE              sign with this encrypted private key (see generate-key-pair)
  --identity-token T      an OIDC identity token, or a file holding one
  --sbom                  sign CycloneDX/SPDX JSON files as SBOM attestations about themselves
  --bundle FILE           where the bundle goes (one FILE only)
  --fulcio-url URL        Fulcio (default: Sigstore's public-good instance)
  --rekor-url URL         Rekor (default: Sigstore's public-good instance)
  --tsa-url URL           also timestamp with this RFC 3161 timestamp authority
  --no-tlog-upload        do not record in Rekor (key-based offline signing only)
  --oidc-issuer URL       the issuer for the browser sign-in (default: Sigstore's)
  --oidc-client-id ID     its client id (default: sigstore)
  --timeout MS            per-request deadline (default: 30000)
  -h, --help              this help
`;

const KEYGEN_USAGE = `Usage: provenance-lens generate-key-pair [--output-key-prefix NAME]

Writes NAME.key (ECDSA P-256, PKCS#8 encrypted with the passphrase in PROVENANCE_LENS_PASSWORD or
COSIGN_PASSWORD) and NAME.pub (default NAME: cosign). Refuses to overwrite.
`;

export async function runSign(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const { out, err, cwd } = io;
  const parsed = parseCommand(
    argv,
    {
      key: { type: 'string' },
      'identity-token': { type: 'string' },
      sbom: { type: 'boolean', default: false },
      bundle: { type: 'string' },
      'fulcio-url': { type: 'string' },
      'rekor-url': { type: 'string' },
      'tsa-url': { type: 'string' },
      'no-tlog-upload': { type: 'boolean', default: false },
      'oidc-issuer': { type: 'string' },
      'oidc-client-id': { type: 'string' },
      timeout: { type: 'string', default: '30000' },
    },
    SIGN_USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals, usage } = parsed;
  if (positionals.length === 0) return usage('sign takes at least one FILE.');
  if (values.bundle && positionals.length > 1) return usage('--bundle names the bundle of one FILE.');
  if (values.key && values['identity-token']) return usage('Give --key or --identity-token, not both.');
  const timeoutMs = Number(values.timeout);
  if (!(timeoutMs >= 1)) return usage('--timeout takes a positive number.');
  const files = positionals.map((p) => path.resolve(cwd, p));
  const missing = positionals.find((p, i) => !fs.existsSync(files[i]) || !fs.statSync(files[i]).isFile());
  if (missing) return usage(`No such file: ${missing}`);

  let identity: SigningIdentity;
  if (values.key) {
    const passphrase = password(env);
    if (passphrase === undefined) return usage(`--key needs the key's passphrase in ${PASSWORD_VARIABLES.join(' or ')}.`);
    try {
      identity = { kind: 'key', privateKey: openSigningKey(fs.readFileSync(path.resolve(cwd, values.key), 'utf8'), passphrase) };
    } catch (error) {
      return usage(`--key ${values.key}: ${error instanceof KeyError ? error.message : 'cannot read it'}.`);
    }
  } else {
    const given = values['identity-token'];
    const token = given ? (readToken(path.resolve(cwd, given)) ?? given) : await ambientIdentityToken();
    if (token) identity = { kind: 'oidc', token: async () => token };
    else if (process.stdin.isTTY) {
      const http = identityHttpClient(env, timeoutMs);
      identity = {
        kind: 'oidc',
        token: () =>
          interactiveIdentityToken({
            issuer: values['oidc-issuer'] ?? DEFAULT_OIDC_ISSUER,
            clientId: values['oidc-client-id'] ?? DEFAULT_OIDC_CLIENT_ID,
            http,
            openBrowser: async (url) => void err.write(`Sign in to continue: open this address in your browser:\n\n  ${url}\n\n`),
          }),
      };
    } else return usage('No identity: give --identity-token, set SIGSTORE_ID_TOKEN, run in GitHub Actions with id-token permission, or use --key.');
  }

  const endpoints = signingEndpoints(
    { fulcioUrl: values['fulcio-url'], rekorUrl: values['rekor-url'], tsaUrl: values['tsa-url'], tlogUpload: !values['no-tlog-upload'] },
    timeoutMs,
  );
  const results = await signFiles(files, identity, endpoints, {
    sbom: values.sbom,
    bundleFile: values.bundle ? () => path.resolve(cwd, values.bundle!) : undefined,
  });
  for (const r of results) {
    const name = path.relative(cwd, r.file);
    if (!r.ok) {
      err.write(`${name}: not signed — ${r.error}\n`);
      continue;
    }
    const s = r.signed;
    const who = s.identity ? `${s.identity.subjectAlternativeName ?? 'an unknown identity'} (issuer ${s.identity.issuer ?? 'unknown'})` : `key ${s.keyHint}`;
    const log = s.logIndex ? `; transparency log entry ${s.logIndex} (${rekorEntryUrl(endpoints.rekorUrl, s.logIndex)})` : '; no transparency-log entry';
    out.write(`${name}: signed as ${who}${r.predicateType ? `, ${r.predicateType} attestation` : ''} → ${path.relative(cwd, r.bundleFile)}${log}\n`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

export async function runKeygen(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const { out, err, cwd } = io;
  const parsed = parseCommand(argv, { 'output-key-prefix': { type: 'string', default: 'cosign' } }, KEYGEN_USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (parsed.positionals.length > 0) return usageError(io, 'generate-key-pair takes no FILE.');
  const passphrase = password(env);
  if (!passphrase) return usageError(io, `Set the passphrase for the new key in ${PASSWORD_VARIABLES.join(' or ')}.`);
  const prefix = path.resolve(cwd, values['output-key-prefix']!);
  for (const file of [`${prefix}.key`, `${prefix}.pub`]) {
    if (fs.existsSync(file)) {
      err.write(`${path.relative(cwd, file)} exists; not overwriting it.\n`);
      return 2;
    }
  }
  const pair = generateSigningKey(passphrase);
  fs.writeFileSync(`${prefix}.key`, pair.privateKey, { mode: 0o600 });
  fs.writeFileSync(`${prefix}.pub`, pair.publicKey);
  out.write(`Private key written to ${path.relative(cwd, `${prefix}.key`)} (encrypted), public key to ${path.relative(cwd, `${prefix}.pub`)}.\n`);
  return 0;
}

function password(env: NodeJS.ProcessEnv): string | undefined {
  return PASSWORD_VARIABLES.map((name) => env[name]).find((v) => v !== undefined);
}

/** --identity-token names a token or a file holding one (as cosign accepts). */
function readToken(file: string): string | undefined {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8').trim() : undefined;
  } catch {
    return undefined;
  }
}
