// GitHub Actions referenced by workflows. An action at a tag or branch is not pinned (the ref can be
// moved to other code); the commit it names is looked up through the GitHub API the environment
// names. That commit is verified when GitHub attests an immutable release of the action's
// repository at it (a release attestation: GitHub's release signer, `pkg:github/<repo>@<tag>` with
// the commit's sha1); a commit no release attests is `unsigned` (code release-unattested).

import { fetchAttestations } from '../../attestations/githubAttestationsApi';
import { HttpError, type HttpClient } from '../../http/http';
import { type PackageResult, decided, unverifiableResult } from '../../result';
import type { TrustContext } from '../../trust/trustedRoot';
import type { Finding } from '../../reasons';
import { FULL_SHA } from './workflowActions';
import { verifyReleaseAttestations } from '../../attestations/githubAttestations';

export interface ActionTarget {
  /** `owner/repo` or `owner/repo/path`. */
  name: string;
  ref: string;
}

export class ActionVerifier {
  /** `apiUrl`: the GitHub REST API base (undefined when none is configured: no look-up). */
  constructor(
    private readonly http: HttpClient,
    private readonly apiUrl: string | undefined,
    private readonly trust: () => TrustContext,
  ) {}

  async verify(target: ActionTarget, signal?: AbortSignal): Promise<PackageResult> {
    const [owner, repo] = target.name.split('/');
    const repository = `${owner}/${repo}`;
    const purl = `pkg:github/${repository}@${target.ref}`;
    const pinned = FULL_SHA.test(target.ref);
    const findings: Finding[] = [];
    const unpinned = `${target.name}@${target.ref} is not pinned to a full commit SHA: the ${/^v?\d/.test(target.ref) ? 'tag' : 'ref'} can be moved to other code.`;
    if (!this.apiUrl) {
      if (!pinned)
        findings.push({
          code: 'action-not-pinned',
          message: `${unpinned} (Set GITHUB_API_URL or provenanceLens.github.apiUrl to look up the commit it names.)`,
        });
      const reason = 'No GitHub API is configured (GITHUB_API_URL or provenanceLens.github.apiUrl): release attestations cannot be checked.';
      return {
        ...unverifiableResult(target.name, 'spec-unsupported', reason, target.ref, 'github-actions'),
        purl,
        commit: pinned ? target.ref : undefined,
        findings,
      };
    }
    try {
      const commit = pinned ? target.ref : await this.commitOf(repository, target.ref, signal);
      if (!commit) {
        findings.push({ code: 'action-not-pinned', message: `${unpinned} The repository has no ref ${target.ref}.` });
        return {
          ...unverifiableResult(target.name, 'version-not-found', `${repository} has no ref ${target.ref}.`, target.ref, 'github-actions'),
          purl,
          findings,
        };
      }
      if (!pinned) findings.push({ code: 'action-not-pinned', message: `${unpinned} It names ${commit} now.` });
      const release = verifyReleaseAttestations(
        repository,
        commit,
        await fetchAttestations(this.http, this.apiUrl, { owner, repo: repository }, `sha1:${commit}`, signal),
        this.trust(),
      );
      const base = { ecosystem: 'github-actions' as const, name: target.name, version: target.ref, purl, commit, findings };
      if (release.ok) {
        const reason = `GitHub attests the immutable release ${release.tag} of ${repository} at commit ${commit}.`;
        return decided(base, 'verified', reason, 'absent');
      }
      // The check's code: release-unattested, provenance-invalid, or why it cannot be decided (until
      // issue 17, an undecidable release attestation was labelled spec-unsupported).
      return decided(base, release.code, `${release.message[0].toUpperCase()}${release.message.slice(1)}.`);
    } catch (error) {
      if (!pinned)
        findings.push({ code: 'action-not-pinned', message: `${unpinned} (The commit it names could not be looked up: ${(error as Error).message}.)` });
      const offline = error instanceof HttpError && error.kind === 'offline';
      return {
        ...unverifiableResult(
          target.name,
          offline ? 'offline-not-cached' : 'network-error',
          `Could not check: ${(error as Error).message}.`,
          target.ref,
          'github-actions',
        ),
        purl,
        findings,
      };
    }
  }

  /** The commit a ref names (GitHub answers with the bare SHA for the `sha` media type). */
  private async commitOf(repository: string, ref: string, signal?: AbortSignal): Promise<string | undefined> {
    const url = `${this.apiUrl!.replace(/\/+$/, '')}/repos/${repository}/commits/${encodeURIComponent(ref)}`;
    const response = await this.http.get(url, { accept: 'application/vnd.github.sha', pass: [404, 422], signal });
    if (response.status === 404 || response.status === 422) return undefined;
    const sha = response.body.toString('utf8').trim();
    if (!FULL_SHA.test(sha)) throw new HttpError('bad-body', 'the API did not answer with a commit SHA');
    return sha;
  }
}
