// Go as a plugin: go.sum lines and go.mod requirements (at the hashes the go.sum beside it holds),
// checked against the checksum database the Go environment names (GOSUMDB, GOPROXY, GONOSUMDB,
// GOPRIVATE; from the environment, else `go env` in trusted workspaces).

import * as path from 'node:path';
import { parseGoMod, parseGoSum } from './goModules';
import { type SumdbConfig, SumdbClient, goEnv, sumdbConfig } from './goSumdb';
import type { PackageResult } from '../../result';
import { SiblingLocks } from '../../siblingLock';
import { GoVerifier } from './goVerifier';
import { PackageURL } from 'packageurl-js';
import { type EcosystemPlugin, type PackageVerifier, type VerifierEnvironment, type VerifyTarget, indexPurlTarget, resultPurl } from '../plugin';

export const golangPlugin: EcosystemPlugin = {
  ecosystem: 'golang',
  title: 'Go',
  summary: 'go.sum and go.mod against the Go checksum database',
  purlTypes: ['golang'],
  evidenceLabel: 'Checksum database',
  files: [
    { kind: 'go-sum', role: 'lockfile', patterns: ['**/go.sum'], matches: (base) => base === 'go.sum', parse: parseGoSum },
    { kind: 'go-mod', role: 'manifest', patterns: ['**/go.mod'], matches: (base) => base === 'go.mod', parse: parseGoMod },
  ],
  fromPurl: (purl, hashes) => indexPurlTarget(purl, hashes),
  // A module path's last element is the purl's name, the rest its namespace (pkg:golang/github.com/a/b@v1.2.3).
  packageUrl: (dependency, result) =>
    resultPurl(dependency, result, (version) => {
      const at = dependency.name.lastIndexOf('/');
      return new PackageURL('golang', at > 0 ? dependency.name.slice(0, at) : undefined, dependency.name.slice(at + 1), version, undefined, undefined);
    }),
  createVerifier: (environment) => new GolangPlugin(environment),
};

class GolangPlugin implements PackageVerifier {
  private readonly verifier: GoVerifier;
  private config?: Promise<SumdbConfig>;
  /** go.mod's requirements are checked with the hashes of the go.sum beside it. */
  private readonly sums = new SiblingLocks(['go.sum'], (text) => {
    const byVersion = new Map<string, ReturnType<typeof parseGoSum>['dependencies'][number]>();
    for (const d of parseGoSum(text).dependencies) {
      const key = `${d.name}@${d.version}`;
      const known = byVersion.get(key);
      byVersion.set(key, known ? { ...known, hashes: [...(known.hashes ?? []), ...(d.hashes ?? [])] } : d);
    }
    return byVersion;
  });

  constructor(private readonly environment: VerifierEnvironment) {
    const http = environment.http({ maxBodyBytes: 4 * 1024 * 1024, authFor: () => undefined });
    this.verifier = new GoVerifier({ client: new SumdbClient(http), cache: environment.cache });
  }

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const d = target.dependency;
    this.config ??= goEnv(this.environment.env, this.environment.allowProcessExecution && !this.environment.offline).then(sumdbConfig);
    const config = await this.config;
    const hashes = target.parsed.kind === 'go-mod' ? this.sums.get(path.dirname(target.file))?.get(`${d.name}@${d.version}`)?.hashes : d.hashes;
    const key = ['golang', config.off ? 'off' : config.base, d.name, d.version ?? d.spec, (hashes ?? []).join(','), target.fresh].join('\n');
    return { key, run: () => this.verifier.verify({ module: d.name, version: d.version ?? d.spec, hashes }, config, target.signal, target.fresh) };
  }
}
