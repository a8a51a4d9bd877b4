// Helm as a plugin: Chart.yaml, Chart.lock and helmfile. Charts from classic repositories are
// verified here (index digest, provenance file, the user's keyring); charts from OCI registries are
// image references and go to the image verifier. Repositories and their credentials are helm's own
// (`helm repo add`), or the helmfile's; the keyring is `provenanceLens.helm.keyring` /
// `--helm-keyring`, else helm's default (~/.gnupg/pubring.gpg).

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseChartLock, parseChartYaml, parseHelmfile } from './charts';
import { HelmIndexClient, helmAuthFor, loadHelmRepositories, resolveHelmRepository } from './helmRepositories';
import type { PackageResult } from '../../result';
import { SiblingLocks } from '../../siblingLock';
import { readKeyring } from './chartProvenance';
import { HelmVerifier, type Keyring } from './helmVerifier';
import { PackageURL } from 'packageurl-js';
import { type EcosystemPlugin, type PackageVerifier, type VerifierEnvironment, type VerifyTarget, indexPurlTarget, resultPurl, settingText } from '../plugin';

export const helmPlugin: EcosystemPlugin = {
  ecosystem: 'helm',
  title: 'Helm charts',
  summary: 'chart provenance files against your keyring (Chart.yaml, Chart.lock, helmfile; OCI charts as images)',
  purlTypes: ['helm'],
  evidenceLabel: 'Chart provenance',
  files: [
    { kind: 'helm-chart', role: 'manifest', patterns: ['**/Chart.yaml'], matches: (base) => base === 'Chart.yaml', parse: parseChartYaml },
    { kind: 'helm-lock', role: 'lockfile', patterns: ['**/Chart.lock'], matches: (base) => base === 'Chart.lock', parse: parseChartLock },
    {
      kind: 'helmfile',
      patterns: ['**/{helmfile.yaml,helmfile.yml,helmfile.d/*.yaml,helmfile.d/*.yml}'],
      matches: (base, file) => /^helmfile\.ya?ml$/.test(base) || /[\\/]helmfile\.d[\\/][^\\/]+\.ya?ml$/.test(file),
      parse: parseHelmfile,
    },
  ],
  options: [
    {
      key: 'helm.keyring',
      flag: 'helm-keyring',
      argument: 'FILE',
      help: "OpenPGP public keys accepted for Helm chart provenance (default: helm's, ~/.gnupg/pubring.gpg)",
    },
  ],
  fromPurl: (purl, hashes) => indexPurlTarget(purl, hashes),
  packageUrl: (dependency, result) =>
    resultPurl(
      dependency,
      result,
      (version) => new PackageURL('helm', undefined, dependency.name, version, dependency.index ? { repository_url: dependency.index } : undefined, undefined),
    ),
  createVerifier: (environment) => new HelmPlugin(environment),
};

class HelmPlugin implements PackageVerifier {
  private readonly verifier: HelmVerifier;
  private readonly repositories;
  private readonly locks = new SiblingLocks(['Chart.lock'], (text) => new Map(parseChartLock(text).dependencies.map((d) => [d.name, d])));
  private keyring?: Promise<Keyring | { error: string }>;

  constructor(private readonly environment: VerifierEnvironment) {
    this.repositories = loadHelmRepositories(environment.env, environment.homeDir);
    const http = environment.http({ maxBodyBytes: 64 * 1024 * 1024, authFor: helmAuthFor(this.repositories) });
    this.verifier = new HelmVerifier({
      http,
      index: new HelmIndexClient(http),
      cache: environment.cache,
      keyring: () => (this.keyring ??= this.loadKeyring()),
    });
  }

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const written = target.dependency;
    // A range in Chart.yaml is checked at the version Chart.lock beside it pins.
    const locked = target.parsed.kind === 'helm-chart' && !written.version ? this.locks.get(path.dirname(target.file))?.get(written.name) : undefined;
    const d = locked ?? written;
    const repository = resolveHelmRepository(d.index ?? '', this.repositories);
    // The repository's URL (never its credentials) names the work.
    const key = ['helm', 'error' in repository ? repository.error : repository.url, d.name, d.version ?? '', d.spec, target.fresh].join('\n');
    return { key, run: () => this.verifier.verify({ name: d.name, version: d.version, spec: d.spec }, repository, target.signal, target.fresh) };
  }

  private async loadKeyring(): Promise<Keyring | { error: string }> {
    const configured = settingText(this.environment, 'helm.keyring');
    const file = configured ?? path.join(this.environment.homeDir ?? os.homedir(), '.gnupg', 'pubring.gpg');
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(file);
    } catch {
      return {
        error: configured
          ? `the Helm keyring ${file} cannot be read`
          : "no Helm keyring is configured to check it with (provenanceLens.helm.keyring, --helm-keyring, or helm's default ~/.gnupg/pubring.gpg)",
      };
    }
    try {
      const keys = await readKeyring(bytes);
      return { keys, file, digest: crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16) };
    } catch (error) {
      return { error: `the Helm keyring ${file} holds no readable OpenPGP public keys (${String((error as Error).message).split('\n')[0]})` };
    }
  }
}
