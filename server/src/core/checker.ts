// The entry point the language server and the CLI share: which files we read, how each is
// parsed, and how its dependencies are verified (through the scheduler and the cache).

import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { cacheSecret } from './cache/cacheSecret';
import { DiskCache } from './cache/diskCache';
import { TieredCache } from './cache/tieredCache';
import type { ParsedFile } from './fileKinds';
import type { Dependency, Ecosystem } from './dependency';
import type { EcosystemPlugin, PackageVerifier } from './ecosystems/plugin';
import { pluginFor } from './ecosystems/registry';
import { HttpClient, type HttpOptions, redact } from './http/http';
import { authFor, environmentProxy, loadNpmConfig, proxyFor, tlsFor, withTrailingSlash } from './ecosystems/npm/npmConfig';
import { NpmRegistryClient } from './ecosystems/npm/npmRegistry';
import { type PackageResult, unverifiableResult } from './result';
import { readTextIfExists } from './readText';
import { CancelledError, Scheduler } from './scheduler';
import { SiblingLocks } from './siblingLock';
import { purlType } from './sbom/purl';
import { applyPolicy, ruleFor, type Policy } from './trust/policy';
import { SignerMemory } from './trust/signerContinuity';
import { artifactExpectation, loadPolicy, policyKeys } from './trust/policyFiles';
import type { TrustContext } from './trust/trustedRoot';
import { NpmVerifier } from './ecosystems/npm/npmVerifier';
import type { ArtifactExpectation } from './artifacts/artifactVerifier';
import type { PublicKeyEntry } from './ecosystems/oci/cosignLayer';
import type { AttestationLocation } from './ecosystems/oci/attestedSboms';
import { OciVerifier } from './ecosystems/oci/ociVerifier';
import { type DaemonConfig, credentialsFor, loadDaemonConfig, loadDockerConfig } from './ecosystems/oci/dockerConfig';
import { DEFAULT_DOMAIN } from './ecosystems/oci/imageReference';
import type { RegistryMirror } from './trust/knownSigners';
import { OciClient } from './ecosystems/oci/ociClient';

export interface CheckerOptions {
  trust: () => TrustContext;
  offline: boolean;
  /** No disk cache when undefined. */
  cacheDir?: string;
  requireProvenance: boolean;
  /** Whether we may run `npm config get registry` when no registry is configured (never in untrusted workspaces). */
  allowProcessExecution: boolean;
  env: NodeJS.ProcessEnv;
  homeDir?: string;
  concurrency?: number;
  /** Public keys accepted for key-based image signatures (`--key`, `provenanceLens.oci.keys`). */
  imageKeys?: PublicKeyEntry[];
  /** A policy file for every project, instead of the nearest provenance-policy.json. */
  policyFile?: string;
  /** Registries allowed over plain HTTP besides loopback. */
  insecureRegistries?: string[];
  /** Settings of the plugin ecosystems (`python.indexUrl`…). */
  ecosystemSettings?: Record<string, string | undefined>;
  timeoutMs?: number;
  log?: (message: string) => void;
  /** Where the workspace's remembered signers are kept (signer continuity); undefined: this process only. */
  signerMemoryFile?: string;
}

export interface CheckedDependency {
  dependency: Dependency;
  result: PackageResult;
}

export class Checker {
  readonly scheduler: Scheduler;
  private readonly cache: TieredCache<PackageResult>;
  private readonly tags: TieredCache<string>;
  private readonly siblingLocks = new SiblingLocks();
  private readonly projects = new Map<string, Promise<Project>>();
  private images?: { verifier: OciVerifier; http: HttpClient };
  private daemon?: DaemonConfig & { catalogMirrors: RegistryMirror[] };
  private readonly pluginVerifiers = new Map<Ecosystem, PackageVerifier>();
  private readonly signerMemory: SignerMemory;

  constructor(private readonly options: CheckerOptions) {
    this.scheduler = new Scheduler(options.concurrency ?? 16);
    this.signerMemory = new SignerMemory(options.signerMemoryFile);
    const secret = options.cacheDir ? cacheSecret(options.cacheDir, options.env) : undefined;
    const disk = options.cacheDir
      ? new DiskCache<PackageResult>({ dir: path.join(options.cacheDir, 'verdicts'), maxEntries: 100_000, maxAgeMs: 7 * 24 * 3600 * 1000, secret: secret! })
      : undefined;
    this.cache = new TieredCache<PackageResult>(20_000, disk);
    const tagDisk = options.cacheDir ? new DiskCache<string>({ dir: path.join(options.cacheDir, 'tags'), maxEntries: 20_000, maxAgeMs: 365 * 24 * 3600 * 1000, secret: secret! }) : undefined;
    this.tags = new TieredCache<string>(5_000, tagDisk);
  }

  /**
   * Who must have signed a local file, by the policy that applies to its folder: the first
   * `artifacts` rule matching its path relative to the policy file. Empty without such a rule.
   */
  async artifactExpectation(file: string): Promise<ArtifactExpectation> {
    return artifactExpectation((await this.project(path.dirname(path.resolve(file)))).policy, file);
  }

  /** Verifies the dependencies of one file; `onResult` streams results as they arrive. */
  async verify(file: string, parsed: ParsedFile, signal?: AbortSignal, onResult?: (c: CheckedDependency) => void, fresh = false): Promise<CheckedDependency[]> {
    const dir = path.dirname(path.resolve(file));
    const { verifier, policy } = await this.project(dir);
    const locked = parsed.kind === 'npm-manifest' ? this.siblingLocks.get(dir) : undefined;
    const tasks = parsed.dependencies.map(async (dependency): Promise<CheckedDependency | undefined> => {
      let key: string;
      let run: () => Promise<PackageResult>;
      const plugin = pluginFor(dependency.ecosystem);
      if (plugin) {
        // A plan that fails (it reads configuration) is an internal error of that dependency only.
        ({ key, run } = await this.pluginVerifier(plugin)
          .plan({ dependency, file, parsed, fresh, signal })
          .catch((error: Error) => ({ key: `${plugin.ecosystem}\nfailed\n${dependency.name}`, run: async () => unverifiableResult(dependency.name, 'registry-error', `Internal error: ${error.message}`, dependency.version, dependency.ecosystem) })));
      } else if (dependency.ecosystem === 'other') {
        // Named by a package URL of an ecosystem without a verifier yet: said, not guessed.
        const type = purlType(dependency.purl) ?? 'this';
        const result = { ...unverifiableResult(dependency.name, 'spec-unsupported', `Packages of the ${type} ecosystem are not verified yet.`, dependency.version, 'other'), purl: dependency.purl };
        const checked = { dependency, result };
        onResult?.(checked);
        return checked;
      } else if (dependency.ecosystem === 'oci') {
        const ruleKeys = policyKeys(policy, ruleFor(policy, dependency.image?.name ?? ''));
        key = `oci\n${dependency.image?.written}\n${ruleKeys.map((k) => k.name).join()}\n${fresh}`;
        run = () => this.imageVerifier().verify(dependency, signal, ruleKeys, fresh);
      } else {
        const pin = dependency.version ? dependency : locked?.get(dependency.name);
        const target = { name: dependency.name, spec: dependency.spec, version: pin?.version, integrity: pin?.integrity };
        key = `${dir}\n${target.name}\n${target.spec}\n${target.version ?? ''}\n${target.integrity ?? ''}\n${fresh}`;
        run = () => verifier.verify(target, signal, fresh);
      }
      try {
        const evidence = await this.scheduler.run(key, run, signal);
        const judged = applyPolicy(evidence, policy, this.options.requireProvenance, evidence.ecosystem === 'oci' ? this.daemonConfig().catalogMirrors : []);
        // Who may sign it is the policy's or the catalog's to say where they do; elsewhere the first signer seen is remembered.
        const rule = ruleFor(policy, judged.name);
        const decided = rule?.signers || rule?.keys || judged.publisher || judged.verdict === 'policy-violation';
        const checked = { dependency, result: decided ? judged : this.signerMemory.observe(judged) };
        onResult?.(checked);
        return checked;
      } catch (error) {
        if (error instanceof CancelledError) return undefined;
        const checked = { dependency, result: unverifiableResult(dependency.name, 'registry-error', `Internal error: ${(error as Error).message}`, undefined, dependency.ecosystem) };
        onResult?.(checked);
        return checked;
      }
    });
    return (await Promise.all(tasks)).filter((c): c is CheckedDependency => c !== undefined);
  }

  /**
   * Forgets npm configuration and policies (after an .npmrc or policy file changes). Cached evidence
   * stays: its keys name the registry and trust material it was judged with, and the policy is
   * applied afresh on top.
   */
  reset(): void {
    for (const pending of this.projects.values()) void pending.then((p) => p.http.close()).catch(() => undefined);
    this.projects.clear();
  }

  /** The SBOM an image attestation carries, verified again now with the keys the policy accepts for the image. */
  async attestedSbom(file: string, dependency: Dependency, digest: string, location: AttestationLocation, signal?: AbortSignal): ReturnType<OciVerifier['attestedSbom']> {
    const image = dependency.image;
    if (!image) return { error: 'not an image reference' };
    const { policy } = await this.project(path.dirname(path.resolve(file)));
    const keys = policyKeys(policy, ruleFor(policy, image.name));
    return this.imageVerifier().attestedSbom({ domain: image.domain, repository: image.repository, digest }, location, keys, signal);
  }

  /** The policy that applies to files in `dir` (for quick fixes that edit it). */
  async policyFor(dir: string): Promise<Policy> {
    return (await this.project(path.resolve(dir))).policy;
  }

  /** Writes pending disk-cache entries. */
  async flush(): Promise<void> {
    await Promise.all([this.cache.flush(), this.tags.flush(), this.signerMemory.flush()]);
  }

  async dispose(): Promise<void> {
    await this.flush();
    await this.images?.http.close();
    await Promise.all([...this.pluginVerifiers.values()].map((v) => v.dispose()));
    await Promise.all([...this.projects.values()].map((p) => p.then((x) => x.http.close()).catch(() => undefined)));
  }

  /** One verifier per plugin ecosystem for the whole checker, made on first use. */
  private pluginVerifier(plugin: EcosystemPlugin): PackageVerifier {
    let verifier = this.pluginVerifiers.get(plugin.ecosystem);
    if (!verifier) {
      const { env, homeDir, offline, allowProcessExecution, trust, log } = this.options;
      // The environment's proxy unless the ecosystem's own configuration names one (pip's `proxy`).
      verifier = plugin.createVerifier({ env, homeDir, offline, allowProcessExecution, trust, log, cache: this.cache, settings: this.options.ecosystemSettings ?? {}, http: (specific) => this.httpClient({ proxy: environmentProxy(env), ...specific }) });
      this.pluginVerifiers.set(plugin.ecosystem, verifier);
    }
    return verifier;
  }

  /** One image verifier for the whole checker: docker's configuration is the user's, not a project's. */
  private imageVerifier(): OciVerifier {
    if (!this.images) {
      const env = this.options.env;
      const docker = loadDockerConfig(env, this.options.homeDir);
      const daemon = this.daemonConfig();
      const http = this.httpClient({
        maxBodyBytes: 16 * 1024 * 1024,
        proxy: environmentProxy(env),
        authFor: () => undefined, // registries challenge; the OCI client answers with docker's credentials
      });
      const client = new OciClient({
        http,
        credentials: (domain) => credentialsFor(docker, domain, this.options.allowProcessExecution, env),
        insecureRegistries: [...(this.options.insecureRegistries ?? []), ...daemon.insecureRegistries],
        mirrors: daemon.mirrors,
      });
      this.images = { http, verifier: new OciVerifier({ client, trust: this.options.trust, keys: this.options.imageKeys ?? [], cache: this.cache, tags: this.tags }) };
    }
    return this.images.verifier;
  }

  /** The docker daemon's settings; its `registry-mirrors` serve the default domain, for the catalog of known signers too. */
  private daemonConfig(): NonNullable<Checker['daemon']> {
    if (!this.daemon) {
      const daemon = loadDaemonConfig(this.options.env);
      this.daemon = { ...daemon, catalogMirrors: daemon.mirrors.map((mirror) => ({ mirror, of: DEFAULT_DOMAIN })) };
    }
    return this.daemon;
  }

  /** An HTTP client with this checker's deadlines, retries and offline mode. */
  private httpClient(specific: Pick<HttpOptions, 'maxBodyBytes' | 'proxy' | 'tls' | 'authFor'>): HttpClient {
    return new HttpClient({ timeoutMs: this.options.timeoutMs ?? 15_000, retries: 2, backoffMs: 250, offline: this.options.offline, userAgent: 'provenance-lens/0.1', ...specific });
  }

  private project(dir: string): Promise<Project> {
    let pending = this.projects.get(dir);
    if (!pending) {
      pending = this.createProject(dir);
      this.projects.set(dir, pending);
    }
    return pending;
  }

  private async createProject(dir: string): Promise<Project> {
    const config = loadNpmConfig({ projectDir: dir, env: this.options.env, homeDir: this.options.homeDir });
    if (!config.values.get('registry') && this.options.allowProcessExecution && !this.options.offline) {
      const fromNpm = await askNpmForRegistry(dir, this.options.env);
      if (fromNpm) config.values.set('registry', fromNpm);
    }
    const registry = config.values.get('registry');
    this.options.log?.(`npm config for ${dir}: files ${config.files.join(', ') || '(none)'}; registry ${registry ? redact(registry) : '(none)'}`);
    const http = this.httpClient({
      maxBodyBytes: 64 * 1024 * 1024,
      proxy: proxyFor(config, this.options.env),
      tls: tlsFor(config),
      authFor: (url) => authFor(config, url),
    });
    const verifier = new NpmVerifier({
      registry: new NpmRegistryClient(http),
      config,
      trust: this.options.trust,
      cache: this.cache,
    });
    const policy = loadPolicy(dir, this.options.policyFile);
    if (policy.file) this.options.log?.(`policy for ${dir}: ${policy.file} (${policy.packages.length} rules)`);
    return { verifier, http, policy };
  }
}



interface Project {
  verifier: NpmVerifier;
  http: HttpClient;
  policy: Policy;
}


/** With no registry in any npmrc, npm's own answer is the truth (npm knows its built-in default). */
function askNpmForRegistry(dir: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('npm', ['config', 'get', 'registry'], { cwd: dir, env, timeout: 10_000, shell: process.platform === 'win32' }, (error, stdout) => {
      const value = stdout?.trim();
      resolve(!error && value && /^https?:\/\//.test(value) ? withTrailingSlash(value) : undefined);
    });
  });
}

