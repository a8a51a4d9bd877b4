// Maven as a plugin: pom.xml (with versions its parents and imported BOMs manage) and Gradle version
// catalogs, verified against the repository the user's settings.xml mirrors to, then the pom's
// repositories, then provenanceLens.maven.repositoryUrl.

import { type PomModel, parsePom } from './pom';
import { parseVersionCatalog } from './versionCatalog';
import { loadMavenSettings } from './mavenSettings';
import type { PackageResult } from '../../result';
import { MavenVerifier } from './mavenVerifier';
import { PomResolver } from './pomResolver';
import { PackageURL } from 'packageurl-js';
import { type EcosystemPlugin, type PackageVerifier, type VerifierEnvironment, type VerifyTarget, indexPurlTarget, resultPurl, settingText } from '../plugin';

export const mavenPlugin: EcosystemPlugin = {
  ecosystem: 'maven',
  title: 'Maven and Gradle',
  summary: 'Sigstore bundles beside the artifacts (pom.xml, Gradle version catalogs)',
  purlTypes: ['maven'],
  evidenceLabel: 'Sigstore bundle',
  files: [
    { kind: 'maven-pom', patterns: ['**/pom.xml'], matches: (base) => base === 'pom.xml', parse: parsePom },
    { kind: 'gradle-catalog', patterns: ['**/*.versions.toml'], matches: (base) => /\.versions\.toml$/.test(base), parse: parseVersionCatalog },
  ],
  options: [
    { key: 'maven.repositoryUrl', flag: 'maven-repository-url', argument: 'URL', help: 'the Maven repository when ~/.m2/settings.xml names no mirror' },
  ],
  // A Maven package is named `group:artifact` here, `group/artifact` in its purl.
  fromPurl: (purl, hashes) => ({ ...indexPurlTarget(purl, hashes), name: purl.namespace ? `${purl.namespace}:${purl.name}` : purl.name }),
  packageUrl: (dependency, result) =>
    resultPurl(dependency, result, (version) => {
      const [group, artifact] = dependency.name.split(':');
      return artifact ? new PackageURL('maven', group, artifact, version, undefined, undefined) : undefined;
    }),
  createVerifier: (environment) => new MavenPlugin(environment),
};

class MavenPlugin implements PackageVerifier {
  private readonly settings;
  private readonly http;
  private readonly verifier: MavenVerifier;
  private readonly poms: PomResolver;

  constructor(private readonly environment: VerifierEnvironment) {
    this.settings = loadMavenSettings(environment.env, environment.homeDir);
    this.http = environment.http({
      maxBodyBytes: 128 * 1024 * 1024,
      authFor: (url) => {
        const authorization = this.settings.credentials.get(new URL(url).host);
        return authorization ? { authorization } : undefined;
      },
    });
    this.verifier = new MavenVerifier({ http: this.http, trust: environment.trust, cache: environment.cache });
    this.poms = new PomResolver(this.http);
  }

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const d = target.dependency;
    const configured = this.settings.mirror ?? settingText(this.environment, 'maven.repositoryUrl');
    const repositories = [...new Set([...(configured ? [configured] : []), ...(target.parsed.indexes ?? [])])];
    // A version the pom leaves to its parents or an imported BOM, looked up there (a range stays unresolved).
    const model = target.parsed.model as PomModel | undefined;
    const version =
      d.version ??
      (model && !/^[[(]/.test(d.spec)
        ? await this.poms.versionOf(d.name, d.spec, target.file, model, repositories, target.signal).catch(() => undefined)
        : undefined);
    const key = ['maven', repositories.join(' '), d.name, version ?? d.spec, d.source ?? '', target.fresh].join('\n');
    return { key, run: () => this.verifier.verify({ name: d.name, version, note: d.source }, repositories, target.signal, target.fresh) };
  }
}
