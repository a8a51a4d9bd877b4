// The entry point the language server and the CLI share: which files we read, how each is
// parsed, and how its dependencies are verified (through the scheduler and the cache).

import * as path from 'node:path';
import type { ArtifactExpectation } from './trust/signers';
import { cacheSecret } from './cache/cacheSecret';
import { DiskCache } from './cache/diskCache';
import { TieredCache } from './cache/tieredCache';
import type { Dependency, Ecosystem } from './dependency';
import type { PublicKeyEntry } from './trust/signers';
import type { EcosystemPlugin, PackageVerifier } from './ecosystems/plugin';
import { pluginFor } from './ecosystems/registry';
import { HttpClient, type HttpOptions } from './http/http';
import { environmentProxy } from './http/proxy';
import type { ParsedFile } from './parsedFile';
import { type PackageResult, unverifiableResult } from './result';
import { purlType } from './sbom/purl';
import { CancelledError, Scheduler } from './scheduler';
import { applyPolicy, ruleFor, type Policy } from './trust/policy';
import { artifactExpectation, loadPolicy } from './trust/policyFiles';
import { SignerMemory } from './trust/signerContinuity';
import type { TrustContext } from './trust/trustedRoot';

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
  /** Settings of the ecosystems' plugins (`python.indexUrl`…; see PluginOption). */
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
  private readonly policies = new Map<string, Policy>();
  private readonly pluginVerifiers = new Map<Ecosystem, PackageVerifier>();
  /** The HTTP clients handed to verifiers and not closed yet: closed on dispose. */
  private readonly httpClients = new Set<HttpClient>();
  private readonly signerMemory: SignerMemory;

  constructor(private readonly options: CheckerOptions) {
    this.scheduler = new Scheduler(options.concurrency ?? 16);
    this.signerMemory = new SignerMemory(options.signerMemoryFile);
    const secret = options.cacheDir ? cacheSecret(options.cacheDir, options.env) : undefined;
    const disk = options.cacheDir
      ? new DiskCache<PackageResult>({ dir: path.join(options.cacheDir, 'verdicts'), maxEntries: 100_000, maxAgeMs: 7 * 24 * 3600 * 1000, secret: secret! })
      : undefined;
    this.cache = new TieredCache<PackageResult>(20_000, disk);
    const tagDisk = options.cacheDir
      ? new DiskCache<string>({ dir: path.join(options.cacheDir, 'tags'), maxEntries: 20_000, maxAgeMs: 365 * 24 * 3600 * 1000, secret: secret! })
      : undefined;
    this.tags = new TieredCache<string>(5_000, tagDisk);
  }

  /**
   * Who must have signed a local file, by the policy that applies to its folder: the first
   * `artifacts` rule matching its path relative to the policy file. Empty without such a rule.
   */
  async artifactExpectation(file: string): Promise<ArtifactExpectation> {
    return artifactExpectation(this.policyFor(path.dirname(path.resolve(file))), file);
  }

  /** Verifies the dependencies of one file; `onResult` streams results as they arrive. */
  async verify(file: string, parsed: ParsedFile, signal?: AbortSignal, onResult?: (c: CheckedDependency) => void, fresh = false): Promise<CheckedDependency[]> {
    const policy = this.policyFor(path.dirname(path.resolve(file)));
    const report = (checked: CheckedDependency) => {
      onResult?.(checked);
      return checked;
    };
    const tasks = parsed.dependencies.map(async (dependency): Promise<CheckedDependency | undefined> => {
      const plugin = pluginFor(dependency.ecosystem);
      if (!plugin) {
        // Named by a package URL of an ecosystem without a verifier yet: said, not guessed.
        const type = purlType(dependency.purl) ?? 'this';
        return report({
          dependency,
          result: {
            ...unverifiableResult(dependency.name, 'spec-unsupported', `Packages of the ${type} ecosystem are not verified yet.`, dependency.version, 'other'),
            purl: dependency.purl,
          },
        });
      }
      const verifier = this.verifierFor(plugin);
      // A plan that fails (it reads configuration) is an internal error of that dependency only.
      const { key, run } = await verifier.plan({ dependency, file, parsed, policy, fresh, signal }).catch((error: Error) => ({
        key: `${plugin.ecosystem}\nfailed\n${dependency.name}`,
        run: async () => unverifiableResult(dependency.name, 'registry-error', `Internal error: ${error.message}`, dependency.version, dependency.ecosystem),
      }));
      try {
        const evidence = await this.scheduler.run(key, run, signal);
        const judged = applyPolicy(evidence, policy, this.options.requireProvenance, verifier.mirrors?.() ?? []);
        // Who may sign it is the policy's or the catalog's to say where they do; elsewhere the first signer seen is remembered.
        const rule = ruleFor(policy, judged.name);
        const decided = rule?.signers || rule?.keys || judged.publisher || judged.verdict === 'policy-violation';
        return report({ dependency, result: decided ? judged : this.signerMemory.observe(judged) });
      } catch (error) {
        if (error instanceof CancelledError) return undefined;
        return report({
          dependency,
          result: unverifiableResult(dependency.name, 'registry-error', `Internal error: ${(error as Error).message}`, undefined, dependency.ecosystem),
        });
      }
    });
    return (await Promise.all(tasks)).filter((c): c is CheckedDependency => c !== undefined);
  }

  /**
   * Forgets configuration and policies read from files (after an .npmrc or policy file changes).
   * Cached evidence stays: its keys name the registry and trust material it was judged with, and
   * the policy is applied afresh on top.
   */
  reset(): void {
    this.policies.clear();
    for (const verifier of this.pluginVerifiers.values()) verifier.reset?.();
  }

  /** The policy that applies to files in `dir`. */
  policyFor(dir: string): Policy {
    const resolved = path.resolve(dir);
    let policy = this.policies.get(resolved);
    if (!policy) {
      policy = loadPolicy(resolved, this.options.policyFile);
      if (policy.file) this.options.log?.(`policy for ${resolved}: ${policy.file} (${policy.packages.length} rules)`);
      this.policies.set(resolved, policy);
    }
    return policy;
  }

  /** The verifier of an ecosystem, for what only that ecosystem offers (an image's attested SBOMs). */
  ecosystemVerifier(ecosystem: Ecosystem): PackageVerifier | undefined {
    const plugin = pluginFor(ecosystem);
    return plugin && this.verifierFor(plugin);
  }

  /** Writes pending disk-cache entries. */
  async flush(): Promise<void> {
    await Promise.all([this.cache.flush(), this.tags.flush(), this.signerMemory.flush()]);
  }

  async dispose(): Promise<void> {
    await this.flush();
    await Promise.all([...this.pluginVerifiers.values()].map((v) => v.dispose?.()));
    await Promise.all([...this.httpClients].map((client) => client.close()));
  }

  /** One verifier per ecosystem for the whole checker, made on first use. */
  private verifierFor(plugin: EcosystemPlugin): PackageVerifier {
    let verifier = this.pluginVerifiers.get(plugin.ecosystem);
    if (!verifier) {
      const { env, homeDir, offline, allowProcessExecution, trust, log } = this.options;
      const settings = {
        ...this.options.ecosystemSettings,
        'oci.keys': this.options.imageKeys ?? [],
        'oci.insecureRegistries': this.options.insecureRegistries ?? [],
      };
      // The environment's proxy unless the ecosystem's own configuration names one (pip's `proxy`, npm's).
      const http = (specific: Pick<HttpOptions, 'maxBodyBytes' | 'authFor'> & Partial<Pick<HttpOptions, 'proxy' | 'tls'>>) => {
        const client: HttpClient = this.httpClient({ proxy: environmentProxy(env), ...specific, onClose: () => this.httpClients.delete(client) });
        this.httpClients.add(client);
        return client;
      };
      verifier = plugin.createVerifier({ env, homeDir, offline, allowProcessExecution, trust, log, cache: this.cache, memory: this.tags, settings, http });
      this.pluginVerifiers.set(plugin.ecosystem, verifier);
    }
    return verifier;
  }

  /** An HTTP client with this checker's deadlines, retries and offline mode. */
  private httpClient(specific: Pick<HttpOptions, 'maxBodyBytes' | 'proxy' | 'tls' | 'authFor' | 'onClose'>): HttpClient {
    return new HttpClient({
      timeoutMs: this.options.timeoutMs ?? 15_000,
      retries: 2,
      backoffMs: 250,
      offline: this.options.offline,
      userAgent: 'provenance-lens/0.1',
      ...specific,
    });
  }
}
