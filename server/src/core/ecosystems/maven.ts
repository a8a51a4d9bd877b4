// Maven as a plugin: pom.xml and Gradle version catalogs, verified against the repository the
// user's settings.xml mirrors to, then the pom's repositories, then provenanceLens.maven.repositoryUrl.

import { parsePom } from '../parsers/maven/pom';
import { parseVersionCatalog } from '../parsers/maven/versionCatalog';
import { loadMavenSettings } from '../registries/mavenSettings';
import { proxyFor } from '../registries/npmConfig';
import type { PackageResult } from '../result';
import { MavenVerifier } from '../verify/maven/mavenVerifier';
import type { EcosystemPlugin, PackageVerifier, VerifierEnvironment, VerifyTarget } from './plugin';

export const mavenPlugin: EcosystemPlugin = {
  ecosystem: 'maven',
  purlTypes: ['maven'],
  evidenceLabel: 'Sigstore bundle',
  files: [
    { kind: 'maven-pom', matches: (base) => base === 'pom.xml', parse: parsePom },
    { kind: 'gradle-catalog', matches: (base) => /\.versions\.toml$/.test(base), parse: parseVersionCatalog },
  ],
  createVerifier: (environment) => new MavenPlugin(environment),
};

class MavenPlugin implements PackageVerifier {
  private readonly settings;
  private readonly http;
  private readonly verifier: MavenVerifier;

  constructor(private readonly environment: VerifierEnvironment) {
    this.settings = loadMavenSettings(environment.env, environment.homeDir);
    this.http = environment.http({
      maxBodyBytes: 128 * 1024 * 1024,
      proxy: proxyFor({ values: new Map(), files: [] }, environment.env),
      authFor: (url) => {
        const authorization = this.settings.credentials.get(new URL(url).host);
        return authorization ? { authorization } : undefined;
      },
    });
    this.verifier = new MavenVerifier({ http: this.http, trust: environment.trust, cache: environment.cache });
  }

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const d = target.dependency;
    const configured = this.settings.mirror ?? this.environment.settings['maven.repositoryUrl'];
    const repositories = [...new Set([...(configured ? [configured] : []), ...(target.parsed.indexes ?? [])])];
    const key = ['maven', repositories.join(' '), d.name, d.version ?? d.spec, d.source ?? '', target.fresh].join('\n');
    return { key, run: () => this.verifier.verify({ name: d.name, version: d.version, note: d.source }, repositories, target.signal, target.fresh) };
  }

  async dispose(): Promise<void> {
    await this.http.close();
  }
}
