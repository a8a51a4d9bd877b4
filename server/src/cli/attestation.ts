// `provenance-lens attestation verify FILE`: GitHub artifact attestations, as `gh attestation verify`
// checks them (see verify/github/githubAttestations.ts). Attestations come from a bundle file
// (--bundle, JSON or gh's JSONL) or from GitHub's API (GITHUB_API_URL or --github-api-url; GITHUB_TOKEN or
// GH_TOKEN is sent to that host only). Exit 0 only when one attestation verifies and matches.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundlesFromText, fetchAttestations, githubApiClient } from '../core/registries/githubAttestationsApi';
import { type AttestationPolicy, verifyGithubAttestations } from '../core/verify/github/githubAttestations';
import { type CliIo, HELP_OPTION, TRUST_NOTE, TRUST_OPTIONS, TRUST_USAGE, parseCommand, resolveTrust, usageError } from './shared';

const USAGE = `Usage: provenance-lens attestation verify FILE (--owner OWNER | --repo OWNER/REPO) [options]

Verifies GitHub artifact attestations of FILE, as gh attestation verify does: an attestation for
FILE's sha256 must verify (public-good Sigstore, or GitHub's own instance for private repositories),
have the expected predicate type, and come from GitHub Actions in OWNER (or OWNER/REPO), signed by a
workflow of OWNER unless --signer-repo or --signer-workflow says otherwise.

Options:
  --owner OWNER              the organisation or user the artifact must come from
  --repo OWNER/REPO          …or the repository
  --bundle FILE              read the attestations from FILE (JSON bundle, or JSONL) instead of the API
  --signer-repo OWNER/REPO   the repository of the (reusable) workflow that signed
  --signer-workflow PATH     the workflow that signed: OWNER/REPO/.github/workflows/FILE
  --predicate-type URI       the predicate type (default: https://slsa.dev/provenance/v1)
  --cert-oidc-issuer URL     the OIDC issuer (default: GitHub Actions')
  --github-api-url URL       the GitHub API (default: $GITHUB_API_URL)
  --format text|json         output format (default: text)
${TRUST_USAGE}
  --offline                  no TUF refresh
  -h, --help                 this help

Exit status: 0 verified, 1 not verified, 2 usage error.
${TRUST_NOTE}`;

export async function runAttestation(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') return usageError(io, `attestation: the only subcommand is verify.\n\n${USAGE}`);
  const parsed = parseCommand(
    rest,
    {
      owner: { type: 'string' },
      repo: { type: 'string' },
      bundle: { type: 'string' },
      'signer-repo': { type: 'string' },
      'signer-workflow': { type: 'string' },
      'predicate-type': { type: 'string' },
      'cert-oidc-issuer': { type: 'string' },
      'github-api-url': { type: 'string' },
      format: { type: 'string', default: 'text' },
      ...TRUST_OPTIONS,
      ...HELP_OPTION,
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const usage = (message: string) => usageError(io, message);
  if (positionals.length !== 1) return usage('attestation verify takes one FILE.');
  if (!values.owner === !values.repo) return usage('Give --owner or --repo (one of them).');
  if (values.repo && !/^[^/\s]+\/[^/\s]+$/.test(values.repo)) return usage('--repo takes OWNER/REPO.');
  if (!['text', 'json'].includes(values.format!)) return usage('--format must be text or json.');
  const apiUrl = values['github-api-url'] ?? env.GITHUB_API_URL;
  if (!values.bundle && !apiUrl) return usage('Give --bundle, or the GitHub API with --github-api-url or GITHUB_API_URL.');
  const file = path.resolve(io.cwd, positionals[0]);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return usage(`${positionals[0]}: cannot read it.`);
  }
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const trust = await resolveTrust(values, io.cwd, io.err, undefined);
  if (!trust) return 2;
  const owner = values.owner ?? values.repo!.split('/')[0];
  const policy: AttestationPolicy = { owner, repo: values.repo, signerRepo: values['signer-repo'], signerWorkflow: values['signer-workflow'], predicateType: values['predicate-type'], issuer: values['cert-oidc-issuer'] };
  let bundles: unknown[];
  if (values.bundle) {
    const text = fs.existsSync(path.resolve(io.cwd, values.bundle)) ? fs.readFileSync(path.resolve(io.cwd, values.bundle), 'utf8') : undefined;
    if (text === undefined) return usage(`--bundle ${values.bundle}: cannot read it.`);
    bundles = bundlesFromText(text);
  } else {
    const http = githubApiClient(env, apiUrl!, { timeoutMs: 15_000, offline: false });
    try {
      bundles = await fetchAttestations(http, apiUrl!, { owner, repo: values.repo }, `sha256:${sha256}`);
    } catch (error) {
      io.err.write(`Could not fetch the attestations: ${(error as Error).message}.\n`);
      return 1;
    } finally {
      await http.close();
    }
  }
  const result = verifyGithubAttestations(sha256, bundles, policy, trust);
  if (values.format === 'json') {
    io.out.write(`${JSON.stringify({ file: positionals[0], sha256, verdict: result.verdict, code: result.code, reason: result.reason, attestations: result.checked, signer: result.identity?.buildSignerURI ?? result.identity?.subjectAlternativeName, sourceRepository: result.identity?.sourceRepository }, null, 2)}\n`);
  } else {
    io.out.write(`${positionals[0]}: ${result.verdict}. ${result.reason}\n`);
  }
  return result.verdict === 'verified' ? 0 : 1;
}
