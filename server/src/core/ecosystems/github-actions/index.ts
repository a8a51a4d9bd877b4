// GitHub Actions as a plugin: the actions workflows use (workflows are read for their images too,
// by the image plugin) and `pkg:github` components of SBOMs. The GitHub API is the one the environment
// names (GITHUB_API_URL, as in Actions and on GitHub Enterprise Server, or the
// provenanceLens.github.apiUrl setting); GITHUB_TOKEN / GH_TOKEN go to that host only.

import { githubTokenAuth } from '../../attestations/githubAttestationsApi';
import type { PackageResult } from '../../result';
import { ActionVerifier } from './actionVerifier';
import { PackageURL } from 'packageurl-js';
import { type EcosystemPlugin, type PackageVerifier, type VerifierEnvironment, type VerifyTarget, indexPurlTarget, resultPurl, settingText } from '../plugin';
import { parseWorkflowActions } from './workflowActions';

export const githubActionsPlugin: EcosystemPlugin = {
  ecosystem: 'github-actions',
  title: 'GitHub Actions',
  summary: 'pinning and release attestations of the actions workflows use',
  purlTypes: ['github'],
  evidenceLabel: 'Release attestation',
  files: [
    {
      kind: 'workflow',
      patterns: ['**/.github/workflows/*.{yaml,yml}'],
      matches: (base, file) => /\.ya?ml$/.test(base) && /[\\/]\.github[\\/]workflows[\\/]/.test(file),
      parse: (text) => ({ dependencies: parseWorkflowActions(text), problems: [] }),
    },
  ],
  options: [
    { key: 'github.apiUrl', flag: 'github-api-url', argument: 'URL', help: 'the GitHub REST API to look actions up in when GITHUB_API_URL names none' },
  ],
  fromPurl: (purl, hashes) => indexPurlTarget(purl, hashes),
  packageUrl: (dependency, result) =>
    resultPurl(dependency, result, (version) => {
      const [owner, repo] = dependency.name.split('/');
      return repo ? new PackageURL('github', owner, repo, version, undefined, undefined) : undefined;
    }),
  createVerifier: (environment) => new GithubActionsPlugin(environment),
};

class GithubActionsPlugin implements PackageVerifier {
  private readonly verifier: ActionVerifier;

  constructor(environment: VerifierEnvironment) {
    const apiUrl = environment.env.GITHUB_API_URL || settingText(environment, 'github.apiUrl') || undefined;
    const http = environment.http({ maxBodyBytes: 1024 * 1024, authFor: githubTokenAuth(environment.env, apiUrl) });
    this.verifier = new ActionVerifier(http, apiUrl, environment.trust);
  }

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const d = target.dependency;
    return {
      key: ['github-actions', d.name, d.spec, target.fresh].join('\n'),
      run: () => this.verifier.verify({ name: d.name, ref: d.version ?? d.spec }, target.signal),
    };
  }
}
