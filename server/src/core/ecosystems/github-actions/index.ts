// GitHub Actions as a plugin: the actions workflows use (read with the workflow's images, see
// fileKinds.ts) and `pkg:github` components of SBOMs. The GitHub API is the one the environment
// names (GITHUB_API_URL, as in Actions and on GitHub Enterprise Server, or the
// provenanceLens.github.apiUrl setting); GITHUB_TOKEN / GH_TOKEN go to that host only.

import { githubTokenAuth } from '../../attestations/githubAttestationsApi';
import type { PackageResult } from '../../result';
import { ActionVerifier } from './actionVerifier';
import type { EcosystemPlugin, PackageVerifier, VerifierEnvironment, VerifyTarget } from '../plugin';

export const githubActionsPlugin: EcosystemPlugin = {
  ecosystem: 'github-actions',
  purlTypes: ['github'],
  evidenceLabel: 'Release attestation',
  files: [],
  createVerifier: (environment) => new GithubActionsPlugin(environment),
};

class GithubActionsPlugin implements PackageVerifier {
  private readonly http;
  private readonly verifier: ActionVerifier;

  constructor(environment: VerifierEnvironment) {
    const apiUrl = environment.env.GITHUB_API_URL || environment.settings['github.apiUrl'] || undefined;
    this.http = environment.http({ maxBodyBytes: 1024 * 1024, authFor: githubTokenAuth(environment.env, apiUrl) });
    this.verifier = new ActionVerifier(this.http, apiUrl, environment.trust);
  }

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const d = target.dependency;
    return { key: ['github-actions', d.name, d.spec, target.fresh].join('\n'), run: () => this.verifier.verify({ name: d.name, ref: d.version ?? d.spec }, target.signal) };
  }

  async dispose(): Promise<void> {
    await this.http.close();
  }
}
