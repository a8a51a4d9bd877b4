// Classic Helm chart repositories, as helm itself finds them: the repositories `helm repo add`
// keeps in its repository configuration ($HELM_REPOSITORY_CONFIG, else
// $XDG_CONFIG_HOME/helm/repositories.yaml, else ~/.config/helm/repositories.yaml) with their
// credentials — sent to that repository's host only — and each repository's `index.yaml`, which
// lists every chart version with its archive URLs and sha256 digest.

import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { WorkerClient } from '../../workerClient';
import type { IndexEntries } from './helmIndex';
import { readTextIfExists } from '../../readText';
import { type HttpClient, HttpError } from '../../http/http';

export interface HelmRepository {
  name: string;
  url: string;
  /** `Basic …` for the repository's own host, from its username and password. */
  authorization?: string;
}

export function helmRepositoryConfigFile(env: NodeJS.ProcessEnv, homeDir = os.homedir()): string {
  if (env.HELM_REPOSITORY_CONFIG) return env.HELM_REPOSITORY_CONFIG;
  return path.join(env.XDG_CONFIG_HOME || path.join(homeDir, '.config'), 'helm', 'repositories.yaml');
}

export function loadHelmRepositories(env: NodeJS.ProcessEnv, homeDir?: string): HelmRepository[] {
  const text = readTextIfExists(helmRepositoryConfigFile(env, homeDir));
  if (!text) return [];
  let config: { repositories?: Array<{ name?: unknown; url?: unknown; username?: unknown; password?: unknown }> };
  try {
    config = parseYaml(text) ?? {};
  } catch {
    return [];
  }
  return (Array.isArray(config.repositories) ? config.repositories : []).flatMap((r) => {
    if (typeof r?.name !== 'string' || typeof r.url !== 'string') return [];
    const authorization =
      typeof r.username === 'string' && r.username
        ? `Basic ${Buffer.from(`${r.username}:${typeof r.password === 'string' ? r.password : ''}`).toString('base64')}`
        : undefined;
    return [{ name: r.name, url: r.url.replace(/\/+$/, ''), authorization }];
  });
}

/** A dependency's repository (`https://…`, or `@name` for one helm's configuration names) as a configured repository. */
export function resolveHelmRepository(index: string, configured: HelmRepository[]): HelmRepository | { error: string } {
  if (index.startsWith('@')) {
    const name = index.slice(1);
    return configured.find((r) => r.name === name) ?? { error: `no chart repository named "${name}" is configured (helm repo add ${name} <url>)` };
  }
  const url = index.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(url)) return { error: `"${index}" is not a chart repository URL` };
  // A repository given by URL uses the credentials helm keeps for that same URL, if any.
  return configured.find((r) => r.url === url) ?? { name: url, url };
}

/** Credentials of the configured repositories, each for its own host only. */
export function helmAuthFor(configured: HelmRepository[]): (url: string) => { authorization: string } | undefined {
  return (url) => {
    const host = new URL(url).host;
    const repository = configured.find((r) => r.authorization && new URL(r.url).host === host);
    return repository?.authorization ? { authorization: repository.authorization } : undefined;
  };
}

export interface ChartVersion {
  name: string;
  version: string;
  /** Absolute archive URLs. */
  urls: string[];
  /** sha256 (hex) of the archive, as the index states it. */
  digest?: string;
}

/** index.yaml is parsed in a worker thread (helmIndexWorker.ts): a large index takes the YAML parser seconds. */
const indexReader = new WorkerClient<{ text: string }, { entries: IndexEntries }>(path.join(__dirname, 'helmIndexWorker.js'));

export class HelmIndexClient {
  private readonly indexes = new Map<string, { at: number; entries: Promise<Map<string, ChartVersion[]>> }>();

  constructor(
    private readonly http: HttpClient,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  /** The chart versions a repository's index.yaml lists for `name`. */
  async versions(repositoryUrl: string, name: string, signal?: AbortSignal): Promise<ChartVersion[]> {
    let cached = this.indexes.get(repositoryUrl);
    if (!cached || Date.now() - cached.at > this.maxAgeMs) {
      cached = { at: Date.now(), entries: this.fetchIndex(repositoryUrl, signal) };
      this.indexes.set(repositoryUrl, cached);
      // A failed fetch is forgotten at once, so the next check asks again.
      cached.entries.catch(() => this.indexes.delete(repositoryUrl));
    }
    return (await cached.entries).get(name) ?? [];
  }

  private async fetchIndex(repositoryUrl: string, signal?: AbortSignal): Promise<Map<string, ChartVersion[]>> {
    const url = `${repositoryUrl}/index.yaml`;
    const response = await this.http.get(url, { accept: 'application/x-yaml, application/yaml, text/yaml, text/plain', pass: [], signal });
    const read = await indexReader.request({ text: response.body.toString('utf8') });
    if ('failure' in read) throw new HttpError('bad-body', `the index of ${new URL(url).host} is not YAML (${read.failure})`);
    const entries = new Map<string, ChartVersion[]>();
    for (const [name, versions] of Object.entries(read.entries)) {
      entries.set(
        name,
        versions.map((v) => ({ name, version: v.version, urls: v.urls.map((u) => new URL(u, `${repositoryUrl}/`).toString()), digest: v.digest })),
      );
    }
    return entries;
  }
}
