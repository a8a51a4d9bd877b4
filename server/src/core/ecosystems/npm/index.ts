// npm as a plugin: package.json (at the versions the lockfile beside it pins), package-lock.json
// and npm-shrinkwrap.json, verified against the registry each project's own npm configuration
// names (its .npmrc chain, as npm reads it; npm itself is asked when none names one).

import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { PackageURL } from 'packageurl-js';
import type { Dependency } from '../../dependency';
import { type HttpClient, redact } from '../../http/http';
import type { ParsedFile } from '../../parsedFile';
import type { PackageResult } from '../../result';
import { SiblingLocks } from '../../siblingLock';
import type { DependencyGraph, EcosystemPlugin, PackageVerifier, VerifierEnvironment, VerifyTarget } from '../plugin';
import { lockGraph } from './lockGraph';
import { type NpmConfig, authFor, loadNpmConfig, proxyFor, tlsFor, withTrailingSlash } from './npmConfig';
import { NpmRegistryClient } from './npmRegistry';
import { NpmVerifier } from './npmVerifier';
import { parsePackageJson } from './packageJson';
import { parsePackageLock } from './packageLock';

const LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'];

export const npmPlugin: EcosystemPlugin = {
  ecosystem: 'npm',
  title: 'npm',
  summary: 'registry signatures and Sigstore provenance (package.json, package-lock.json, npm-shrinkwrap.json)',
  purlTypes: ['npm'],
  files: [
    {
      kind: 'npm-manifest',
      role: 'manifest',
      patterns: ['**/package.json'],
      matches: (base) => base === 'package.json',
      parse: (text) => {
        const m = parsePackageJson(text);
        return { dependencies: m.dependencies, problems: m.problems };
      },
    },
    {
      kind: 'npm-lockfile',
      role: 'lockfile',
      patterns: ['**/{package-lock.json,npm-shrinkwrap.json}'],
      matches: (base) => LOCKFILES.includes(base),
      parse: (text) => {
        const l = parsePackageLock(text);
        return { dependencies: l.packages, problems: l.problems, rootRequires: l.rootRequires };
      },
    },
  ],
  fromPurl: (purl, hashes) => ({
    name: purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name,
    version: purl.version ?? undefined,
    integrity: npmIntegrity(hashes),
  }),
  packageUrl: (dependency, result) => {
    const version = dependency.version ?? result?.version;
    if (!version) return undefined;
    const [namespace, name] = dependency.name.startsWith('@') ? dependency.name.split('/') : [undefined, dependency.name];
    return new PackageURL('npm', namespace, name, version, undefined, undefined);
  },
  graph: lockfileGraph,
  createVerifier: (environment) => new NpmPlugin(environment),
};

/** A component's hash in npm's integrity form, so the registry's tarball integrity is compared with it. */
export function npmIntegrity(hashes: Record<string, string>): string | undefined {
  for (const [alg, name] of [
    ['SHA-512', 'sha512'],
    ['SHA-384', 'sha384'],
    ['SHA-256', 'sha256'],
    ['SHA-1', 'sha1'],
  ] as const) {
    const hex = hashes[alg];
    if (hex && /^[0-9a-f]+$/.test(hex)) return `${name}-${Buffer.from(hex, 'hex').toString('base64')}`;
  }
  return undefined;
}

/** Who requires whom in a lockfile, by its packages' install locations. */
function lockfileGraph(parsed: ParsedFile): DependencyGraph {
  const byLocation = new Map(parsed.dependencies.filter((d) => d.location).map((d) => [d.location!, d]));
  const graph = lockGraph(parsed.dependencies, parsed.rootRequires);
  const at = (locations: string[]) => locations.map((l) => byLocation.get(l)).filter((d): d is Dependency => d !== undefined);
  return {
    roots: at(graph.roots),
    children: new Map([...graph.children].flatMap(([from, to]) => (byLocation.has(from) ? [[byLocation.get(from)!, at(to)]] : []))),
  };
}

/** Each folder's npm configuration, registry client and verifier: npm reads .npmrc from the project's folder up. */
interface Project {
  verifier: NpmVerifier;
  http: HttpClient;
}

class NpmPlugin implements PackageVerifier {
  private readonly projects = new Map<string, Promise<Project>>();
  /** A manifest's dependencies are verified at the versions its lockfile pins. */
  private readonly locks = npmSiblingLocks();

  constructor(private readonly environment: VerifierEnvironment) {}

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const dir = path.dirname(path.resolve(target.file));
    const { verifier } = await this.project(dir);
    const { dependency, fresh, signal } = target;
    const pin = dependency.version ? dependency : target.parsed.kind === 'npm-manifest' ? this.locks.get(dir)?.get(dependency.name) : undefined;
    const npm = { name: dependency.name, spec: dependency.spec, version: pin?.version, integrity: pin?.integrity };
    const key = ['npm', dir, npm.name, npm.spec, npm.version ?? '', npm.integrity ?? '', fresh].join('\n');
    return { key, run: () => verifier.verify(npm, signal, fresh) };
  }

  /** After an .npmrc changes: configurations are read again. Cached evidence stays (its keys name the registry). */
  reset(): void {
    for (const pending of this.projects.values()) void pending.then((p) => p.http.close()).catch(() => undefined);
    this.projects.clear();
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
    const { env, homeDir, allowProcessExecution, offline, log } = this.environment;
    const config: NpmConfig = loadNpmConfig({ projectDir: dir, env, homeDir });
    if (!config.values.get('registry') && allowProcessExecution && !offline) {
      const fromNpm = await askNpmForRegistry(dir, env);
      if (fromNpm) config.values.set('registry', fromNpm);
    }
    const registry = config.values.get('registry');
    log?.(`npm config for ${dir}: files ${config.files.join(', ') || '(none)'}; registry ${registry ? redact(registry) : '(none)'}`);
    const http = this.environment.http({
      maxBodyBytes: 64 * 1024 * 1024,
      proxy: proxyFor(config, env),
      tls: tlsFor(config),
      authFor: (url) => authFor(config, url),
    });
    const verifier = new NpmVerifier({ registry: new NpmRegistryClient(http), config, trust: this.environment.trust, cache: this.environment.cache });
    return { verifier, http };
  }
}

/** The lockfile beside a package.json (npm-shrinkwrap.json first, as npm prefers it), by the names the manifest uses. */
export function npmSiblingLocks(): SiblingLocks {
  return new SiblingLocks(LOCKFILES, installedAtTop);
}

/** A lockfile's packages installed at the top (`node_modules/<name>`), by that name: what a manifest's names resolve to. */
function installedAtTop(text: string): Map<string, Dependency> {
  const top = new Map<string, Dependency>();
  for (const p of parsePackageLock(text).packages) {
    const installedAs = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(p.location ?? '')?.[1];
    if (installedAs) top.set(installedAs, p);
  }
  return top;
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
