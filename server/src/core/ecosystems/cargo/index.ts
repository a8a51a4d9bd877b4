// Rust as a plugin: Cargo.lock and Cargo.toml (at the versions and checksums its Cargo.lock pins),
// checked against the sparse index the lockfile's source and Cargo's configuration name.

import * as path from 'node:path';
import { parseCargoLock, parseCargoToml } from './cargoFiles';
import { loadCargoConfig, sparseIndexFor } from './cargoConfig';
import type { PackageResult } from '../../result';
import { SiblingLocks } from '../../siblingLock';
import { CargoVerifier } from './cargoVerifier';
import { PackageURL } from 'packageurl-js';
import { type EcosystemPlugin, type PackageVerifier, type VerifierEnvironment, type VerifyTarget, indexPurlTarget, resultPurl } from '../plugin';

export const cargoPlugin: EcosystemPlugin = {
  ecosystem: 'cargo',
  title: 'Rust',
  summary: 'Cargo.lock checksums against the registry index (Cargo.toml at the locked versions)',
  purlTypes: ['cargo'],
  evidenceLabel: 'Registry checksum',
  files: [
    { kind: 'cargo-lock', role: 'lockfile', patterns: ['**/Cargo.lock'], matches: (base) => base === 'Cargo.lock', parse: parseCargoLock },
    { kind: 'cargo-toml', role: 'manifest', patterns: ['**/Cargo.toml'], matches: (base) => base === 'Cargo.toml', parse: parseCargoToml },
  ],
  fromPurl: (purl, hashes) => indexPurlTarget(purl, hashes),
  packageUrl: (dependency, result) =>
    dependency.url
      ? undefined
      : resultPurl(dependency, result, (version) => new PackageURL('cargo', undefined, dependency.name, version, undefined, undefined)),
  createVerifier: (environment) => new CargoPlugin(environment),
};

class CargoPlugin implements PackageVerifier {
  private readonly verifier: CargoVerifier;
  private readonly locks = new SiblingLocks(['Cargo.lock'], (text) => new Map(parseCargoLock(text).dependencies.map((d) => [d.name, d])));

  constructor(private readonly environment: VerifierEnvironment) {
    const http = environment.http({ maxBodyBytes: 16 * 1024 * 1024, authFor: () => undefined });
    this.verifier = new CargoVerifier({ http, cache: environment.cache });
  }

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const dir = path.dirname(target.file);
    const written = target.dependency;
    const d = target.parsed.kind === 'cargo-toml' && !written.url ? (this.locks.get(dir)?.get(written.name) ?? written) : written;
    // From git or a path: no registry. Not locked: nothing to compare (the verifier says so).
    const index = d.url
      ? undefined
      : d.index
        ? sparseIndexFor(d.index, loadCargoConfig(dir, this.environment.env, this.environment.homeDir))
        : { error: 'it is not locked in Cargo.lock' };
    const checksum = d.hashes?.[0];
    const key = ['cargo', JSON.stringify(index), d.name, d.version ?? '', checksum ?? '', target.fresh].join('\n');
    return { key, run: () => this.verifier.verify({ name: d.name, version: d.version, checksum }, index, target.signal, target.fresh) };
  }
}
