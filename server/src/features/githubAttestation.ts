// "Verify GitHub Artifact Attestation…": a workspace file checked against the attestations GitHub
// keeps for its digest, with gh's semantics (attestations/githubAttestations.ts), through the
// GitHub API the environment or the provenanceLens.github.apiUrl setting names. Untrusted
// workspaces make no request.

import * as fs from 'node:fs';
import { URI } from 'vscode-uri';
import { fetchAttestations, githubApiClient } from '../core/attestations/githubAttestationsApi';
import type { TrustContext } from '../core/trust/trustedRoot';
import { digestName } from '../core/attestations/attestationSubject';
import { digestFile, verifyGithubAttestations } from '../core/attestations/githubAttestations';
import type { GithubAttestationParams, GithubAttestationReport, Settings } from '../shared/protocol';

export async function verifyGithubAttestation(
  params: GithubAttestationParams,
  deps: { settings: Settings; trust: TrustContext; workspaceTrusted: boolean; env: NodeJS.ProcessEnv },
  signal?: AbortSignal,
): Promise<GithubAttestationReport> {
  if (!deps.workspaceTrusted) return { verdict: 'unverifiable', reason: 'This workspace is not trusted, so nothing is fetched.' };
  const apiUrl = deps.env.GITHUB_API_URL || deps.settings.github.apiUrl;
  if (!apiUrl) return { verdict: 'unverifiable', reason: 'No GitHub API is configured (GITHUB_API_URL or provenanceLens.github.apiUrl).' };
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(URI.parse(params.uri).fsPath);
  } catch {
    return { verdict: 'unverifiable', reason: 'The file cannot be read.' };
  }
  const file = digestFile(bytes);
  const owner = params.owner ?? params.repo?.split('/')[0] ?? '';
  const http = githubApiClient(deps.env, apiUrl, { timeoutMs: deps.settings.timeoutMs, offline: deps.settings.offline });
  try {
    const bundles = await fetchAttestations(http, apiUrl, { owner, repo: params.repo }, digestName(file), signal);
    const result = verifyGithubAttestations(file, bundles, { owner, repo: params.repo, signerRepo: params.signerRepo }, deps.trust);
    return {
      verdict: result.verdict,
      reason: result.reason,
      signer: result.identity?.buildSignerURI ?? result.identity?.subjectAlternativeName,
      sourceRepository: result.identity?.sourceRepository,
    };
  } catch (error) {
    return { verdict: 'unverifiable', reason: `Could not fetch the attestations: ${(error as Error).message}.` };
  } finally {
    await http.close();
  }
}
