// GitHub's attestations API: the attestations (Sigstore bundles) that name a digest, for a
// repository or for an owner (organisation, else user). The API is the one the environment names.

import { HttpClient } from '../http/http';
import { type RegistryAuth, environmentProxy } from '../http/proxy';

/** GITHUB_TOKEN (or GH_TOKEN), sent to the configured GitHub API's host and no other. */
export function githubTokenAuth(env: NodeJS.ProcessEnv, apiUrl: string | undefined): (url: string) => RegistryAuth | undefined {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  const apiHost = apiUrl ? hostOf(apiUrl) : undefined;
  return (url) => (token && apiHost && hostOf(url) === apiHost ? { authorization: `Bearer ${token}` } : undefined);
}

/** A client for the GitHub API outside the checker (the CLI's and the editor's attestation checks). */
export function githubApiClient(env: NodeJS.ProcessEnv, apiUrl: string, options: { timeoutMs: number; offline: boolean }): HttpClient {
  return new HttpClient({
    ...options,
    maxBodyBytes: 32 * 1024 * 1024,
    retries: 2,
    backoffMs: 250,
    userAgent: 'provenance-lens/0.1',
    proxy: environmentProxy(env),
    authFor: githubTokenAuth(env, apiUrl),
  });
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** gh's default for how many attestations to fetch, and the API's page size limit. */
export const DEFAULT_ATTESTATION_LIMIT = 30;
const MAX_PAGE_SIZE = 100;

/**
 * The bundles of the attestations that name `digest` (`sha256:<hex>` or `sha512:<hex>` for files,
 * `sha1:<commit>` for a release's commit), at most `limit` of them: pages are followed through the
 * API's `Link: <…>; rel="next"` as gh follows them, on the API's own origin only.
 */
export async function fetchAttestations(
  http: HttpClient,
  apiUrl: string,
  scope: { owner: string; repo?: string },
  digest: string,
  signal?: AbortSignal,
  limit = MAX_PAGE_SIZE,
): Promise<unknown[]> {
  const api = apiUrl.replace(/\/+$/, '');
  const paths = scope.repo ? [`repos/${scope.repo}`] : [`orgs/${encodeURIComponent(scope.owner)}`, `users/${encodeURIComponent(scope.owner)}`];
  for (const where of paths) {
    let url: string | undefined = `${api}/${where}/attestations/${digest}?per_page=${Math.min(limit, MAX_PAGE_SIZE)}`;
    const first = await http.get(url, { accept: 'application/vnd.github+json', signal });
    if (first.status === 404) continue;
    const bundles: unknown[] = [];
    for (let response = first; ;) {
      const body = JSON.parse(response.body.toString('utf8')) as { attestations?: Array<{ bundle?: unknown }> };
      const page = (body.attestations ?? []).flatMap((a) => (a.bundle ? [a.bundle] : []));
      bundles.push(...page);
      url = nextPage(response.headers.link, api);
      // An empty page ends it too, so that an API naming endless next pages cannot hold us.
      if (!url || page.length === 0 || bundles.length >= limit) break;
      response = await http.get(url, { accept: 'application/vnd.github+json', signal });
      if (response.status === 404) break;
    }
    return bundles.slice(0, limit);
  }
  return [];
}

/** The `rel="next"` target of a Link header, when it is on the API's origin. */
function nextPage(link: string | undefined, api: string): string | undefined {
  const next = link
    ?.split(',')
    .map((part) => /<([^>]+)>\s*;\s*rel="?next"?/.exec(part)?.[1])
    .find(Boolean);
  if (!next) return undefined;
  try {
    return new URL(next, api).origin === new URL(api).origin ? new URL(next, api).toString() : undefined;
  } catch {
    return undefined;
  }
}

/** How gh reads a --bundle file, told by its extension alone; undefined: gh refuses it. */
export function bundleFileFormat(name: string): 'json' | 'jsonl' | undefined {
  return /\.(jsonl?)$/i.exec(name)?.[1]?.toLowerCase() as 'json' | 'jsonl' | undefined;
}

/**
 * The bundles of a --bundle file, read as gh reads it (verification/attestation.go): by its
 * extension, `.json` holding one bundle and `.jsonl` any number of them, one JSON value after
 * another (a line each, as `gh attestation download` writes them). `malformed`: the content is
 * not bundles.
 */
export function readBundleFile(name: string, text: string): { bundles: unknown[] } | { malformed: string } {
  const extension = bundleFileFormat(name);
  if (!extension) return { malformed: `${name} is neither .json nor .jsonl` };
  const values = parseJsonValues(text);
  if (values === undefined) return { malformed: `${name} is not ${extension === 'json' ? 'JSON' : 'JSON lines'}` };
  if (values.length === 0 && extension === 'json') return { malformed: `${name} holds no bundle` };
  if (extension === 'json' && values.length > 1) return { malformed: `${name} holds more than one JSON value (use .jsonl for several bundles)` };
  if (values.some((v) => v === null || typeof v !== 'object' || Array.isArray(v))) return { malformed: `${name} holds a JSON value that is not a bundle` };
  return { bundles: values };
}

/**
 * The JSON objects or arrays of a text, one after another with whitespace between them (as Go's
 * json.Decoder reads a stream); undefined when one does not parse or something else stands there.
 */
export function parseJsonValues(text: string): unknown[] | undefined {
  const values: unknown[] = [];
  let start = -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (start < 0) {
      if (/\s/.test(c)) continue;
      if (c !== '{' && c !== '[') return undefined; // a bundle is an object; scalars are not worth splitting
      start = i;
    }
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth === 0) {
        try {
          values.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          return undefined;
        }
        start = -1;
      }
    }
  }
  return start < 0 ? values : undefined;
}

/** Bundles from a file: one bundle (JSON), or gh's download form (one bundle per line, JSONL). */
export function bundlesFromText(text: string): unknown[] {
  const trimmed = text.trim();
  try {
    return [JSON.parse(trimmed)];
  } catch {
    return trimmed
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => {
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
