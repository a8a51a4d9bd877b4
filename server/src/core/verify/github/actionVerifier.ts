// GitHub Actions referenced by workflows: an action at a tag or branch is not pinned (the ref can be
// moved to other code); the commit it names now is looked up through the GitHub API the user's
// environment names, for the "pin to commit" quick fix. Release attestations of actions are not
// verified yet: the verdict says so rather than guess.

import { HttpError, type HttpClient } from '../../registries/http';
import { type PackageResult, unverifiableResult } from '../../result';
import type { Finding } from '../../verdict';
import { FULL_SHA } from '../../parsers/github/workflowActions';

export interface ActionTarget {
  /** `owner/repo` or `owner/repo/path`. */
  name: string;
  ref: string;
}

export class ActionVerifier {
  /** `apiUrl`: the GitHub REST API base (undefined when none is configured: no look-up). */
  constructor(private readonly http: HttpClient, private readonly apiUrl: string | undefined) {}

  async verify(target: ActionTarget, signal?: AbortSignal): Promise<PackageResult> {
    const [owner, repo] = target.name.split('/');
    const base = unverifiableResult(target.name, 'spec-unsupported', 'Release attestations of GitHub Actions are not verified yet.', target.ref, 'github-actions');
    const purl = `pkg:github/${owner}/${repo}@${target.ref}`;
    if (FULL_SHA.test(target.ref)) return { ...base, purl, commit: target.ref };
    const finding = (message: string): Finding => ({ code: 'action-not-pinned', message });
    const unpinned = `${target.name}@${target.ref} is not pinned to a full commit SHA: the ${/^v?\d/.test(target.ref) ? 'tag' : 'ref'} can be moved to other code.`;
    if (!this.apiUrl) return { ...base, purl, findings: [finding(`${unpinned} (Set GITHUB_API_URL or provenanceLens.github.apiUrl to look up the commit it names.)`)] };
    try {
      const commit = await this.commitOf(owner, repo, target.ref, signal);
      if (!commit) return { ...base, purl, findings: [finding(`${unpinned} The repository has no ref ${target.ref}.`)] };
      return { ...base, purl, commit, findings: [finding(`${unpinned} It names ${commit} now.`)] };
    } catch (error) {
      return { ...base, purl, findings: [finding(`${unpinned} (The commit it names could not be looked up: ${(error as Error).message}.)`)] };
    }
  }

  /** The commit a ref names (GitHub answers with the bare SHA for the `sha` media type). */
  private async commitOf(owner: string, repo: string, ref: string, signal?: AbortSignal): Promise<string | undefined> {
    const url = `${this.apiUrl!.replace(/\/+$/, '')}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/commits/${encodeURIComponent(ref)}`;
    const response = await this.http.get(url, { accept: 'application/vnd.github.sha', pass: [404, 422], signal });
    if (response.status === 404 || response.status === 422) return undefined;
    const sha = response.body.toString('utf8').trim();
    if (!FULL_SHA.test(sha)) throw new HttpError('bad-body', 'the API did not answer with a commit SHA');
    return sha;
  }
}
