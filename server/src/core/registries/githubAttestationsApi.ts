// GitHub's attestations API: the attestations (Sigstore bundles) that name a digest, for a
// repository or for an owner (organisation, else user). The API is the one the environment names.

import { HttpClient } from './http';
import { type RegistryAuth, environmentProxy } from './npmConfig';

/** GITHUB_TOKEN (or GH_TOKEN), sent to the configured GitHub API's host and no other. */
export function githubTokenAuth(env: NodeJS.ProcessEnv, apiUrl: string | undefined): (url: string) => RegistryAuth | undefined {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  const apiHost = apiUrl ? hostOf(apiUrl) : undefined;
  return (url) => (token && apiHost && hostOf(url) === apiHost ? { authorization: `Bearer ${token}` } : undefined);
}

/** A client for the GitHub API outside the checker (the CLI's and the editor's attestation checks). */
export function githubApiClient(env: NodeJS.ProcessEnv, apiUrl: string, options: { timeoutMs: number; offline: boolean }): HttpClient {
  return new HttpClient({ ...options, maxBodyBytes: 32 * 1024 * 1024, retries: 2, backoffMs: 250, userAgent: 'provenance-lens/0.1', proxy: environmentProxy(env), authFor: githubTokenAuth(env, apiUrl) });
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** `digest`: `sha256:<hex>` for files, `sha1:<commit>` for a release's commit. */
export async function fetchAttestations(http: HttpClient, apiUrl: string, scope: { owner: string; repo?: string }, digest: string, signal?: AbortSignal): Promise<unknown[]> {
  const api = apiUrl.replace(/\/+$/, '');
  const paths = scope.repo ? [`repos/${scope.repo}`] : [`orgs/${encodeURIComponent(scope.owner)}`, `users/${encodeURIComponent(scope.owner)}`];
  for (const where of paths) {
    const response = await http.get(`${api}/${where}/attestations/${digest}?per_page=100`, { accept: 'application/vnd.github+json', signal });
    if (response.status === 404) continue;
    const body = JSON.parse(response.body.toString('utf8')) as { attestations?: Array<{ bundle?: unknown }> };
    return (body.attestations ?? []).flatMap((a) => (a.bundle ? [a.bundle] : []));
  }
  return [];
}

/** Bundles from a file: one bundle (JSON), or gh's download form (one bundle per line, JSONL). */
export function bundlesFromText(text: string): unknown[] {
  const trimmed = text.trim();
  try {
    return [JSON.parse(trimmed)];
  } catch {
    return trimmed.split('\n').filter((line) => line.trim()).map((line) => {
      try {
        const value = JSON.parse(line) as { bundle?: unknown };
        // `gh attestation download` writes bundles; the API's entries wrap them in { bundle }.
        return value.bundle ?? value;
      } catch {
        return line;
      }
    });
  }
}
