// RubyGems as a plugin: Bundler's lockfile, verified against the gem server each GEM section
// names (through the mirror Bundler's configuration sets for it), with Bundler's credentials for
// that host only.

import * as path from 'node:path';
import { parseGemfileLock } from './gemfileLock';
import { GemRegistryClient, bundlerCredentials, loadBundlerConfig, mirrorFor } from './gemRegistry';
import type { PackageResult } from '../../result';
import { GemVerifier } from './gemVerifier';
import { PackageURL } from 'packageurl-js';
import { type EcosystemPlugin, type PackageVerifier, type VerifierEnvironment, type VerifyTarget, indexPurlTarget, resultPurl } from '../plugin';

export const gemPlugin: EcosystemPlugin = {
  ecosystem: 'gem',
  title: 'Ruby',
  summary: 'Sigstore attestations and lockfile checksums (Bundler lockfiles)',
  purlTypes: ['gem'],
  evidenceLabel: 'Sigstore attestation',
  // Bundler writes `<Gemfile>.lock`: Gemfile.lock, gems.locked, and for other Gemfile names (BUNDLE_GEMFILE) `<name>.rb.lock`.
  files: [
    {
      kind: 'gemfile-lock',
      role: 'lockfile',
      patterns: ['**/{Gemfile.lock,gems.locked,*.rb.lock,*.gemfile.lock}'],
      matches: (base) => base === 'Gemfile.lock' || base === 'gems.locked' || /\.(rb|gemfile)\.lock$/i.test(base),
      parse: parseGemfileLock,
    },
  ],
  fromPurl: (purl, hashes) => indexPurlTarget(purl, hashes),
  packageUrl: (dependency, result) =>
    dependency.url
      ? undefined
      : resultPurl(
          dependency,
          result,
          (version) =>
            new PackageURL(
              'gem',
              undefined,
              dependency.name,
              version,
              dependency.platform && dependency.platform !== 'ruby' ? { platform: dependency.platform } : undefined,
              undefined,
            ),
        ),
  createVerifier: (environment) => new RubygemsPlugin(environment),
};

class RubygemsPlugin implements PackageVerifier {
  private readonly configs = new Map<string, Map<string, string>>();
  private readonly verifier: GemVerifier;

  constructor(private readonly environment: VerifierEnvironment) {
    const http = environment.http({
      maxBodyBytes: 64 * 1024 * 1024,
      // Bundler's credentials for the request's own host (the configuration of any project, all from the same user).
      authFor: (url) => {
        for (const config of this.configs.values()) {
          const authorization = bundlerCredentials(config, url);
          if (authorization) return { authorization };
        }
        return undefined;
      },
    });
    this.verifier = new GemVerifier({ registry: new GemRegistryClient(http), trust: environment.trust, cache: environment.cache });
  }

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const d = target.dependency;
    const dir = path.dirname(target.file);
    let config = this.configs.get(dir);
    if (!config) this.configs.set(dir, (config = loadBundlerConfig(dir, this.environment.env, this.environment.homeDir)));
    const remote = d.index ? mirrorFor(config, d.index) : undefined;
    const key = ['gem', remote ?? '', d.name, d.version ?? d.spec, d.platform ?? '', (d.hashes ?? []).join(','), d.url ?? '', target.fresh].join('\n');
    return {
      key,
      run: () =>
        this.verifier.verify(
          { name: d.name, version: d.version ?? d.spec, platform: d.platform, hashes: d.hashes, url: d.url },
          remote,
          target.signal,
          target.fresh,
        ),
    };
  }
}
