// Python as a plugin: pip requirements and constraints files, pyproject.toml, poetry.lock,
// uv.lock and Pipfile.lock; verified against the package index the user's configuration names
// (the file's own index options and sources first, then pip/uv configuration, then the
// provenanceLens.python.indexUrl setting, then pip's own default — asked of pip, never assumed).

import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { parsePyproject } from './pyproject';
import { parsePipfileLock, parsePoetryLock, parseUvLock } from './pythonLocks';
import { parseRequirementsTxt } from './requirementsTxt';
import type { Dependency } from '../../dependency';
import { redact } from '../../http/http';
import { loadPipConfig, pipAuthFor, pipProxy, splitIndexCredentials } from './pipConfig';
import { PypiIndexClient } from './pypiIndex';
import type { PackageResult } from '../../result';
import { SiblingLocks } from '../../siblingLock';
import { PypiVerifier } from './pypiVerifier';
import { PackageURL } from 'packageurl-js';
import { normalizeName } from './pep508';
import { type EcosystemPlugin, type PackageVerifier, type VerifierEnvironment, type VerifyTarget, indexPurlTarget, resultPurl, settingText } from '../plugin';

export const pypiPlugin: EcosystemPlugin = {
  ecosystem: 'pypi',
  title: 'Python',
  summary: 'PEP 740 provenance (requirements and constraints files, pyproject.toml, poetry.lock, uv.lock, Pipfile.lock)',
  purlTypes: ['pypi'],
  evidenceLabel: 'PEP 740 provenance',
  files: [
    // requirements*.txt, pip-compile's requirements*.in, and any .txt in a requirements/ folder.
    {
      kind: 'pip-requirements',
      patterns: ['**/{requirements*.txt,requirements*.in,requirements/*.txt,requirements/*.in}'],
      matches: (base, file) => /^requirements.*\.(txt|in)$/.test(base) || /[\\/]requirements[\\/][^\\/]+\.(txt|in)$/.test(file),
      parse: (text) => parseRequirementsTxt(text),
    },
    {
      kind: 'pip-constraints',
      patterns: ['**/constraints*.txt'],
      matches: (base) => /^constraints.*\.txt$/.test(base),
      parse: (text) => parseRequirementsTxt(text, true),
    },
    { kind: 'pyproject', role: 'manifest', patterns: ['**/pyproject.toml'], matches: (base) => base === 'pyproject.toml', parse: parsePyproject },
    { kind: 'poetry-lock', role: 'lockfile', patterns: ['**/poetry.lock'], matches: (base) => base === 'poetry.lock', parse: parsePoetryLock },
    { kind: 'uv-lock', role: 'lockfile', patterns: ['**/uv.lock'], matches: (base) => base === 'uv.lock', parse: parseUvLock },
    { kind: 'pipfile-lock', role: 'lockfile', patterns: ['**/Pipfile.lock'], matches: (base) => base === 'Pipfile.lock', parse: parsePipfileLock },
  ],
  options: [
    {
      key: 'python.indexUrl',
      flag: 'python-index-url',
      argument: 'URL',
      help: 'the Python index when neither the file nor pip/uv configuration (pip.conf, PIP_INDEX_URL, UV_DEFAULT_INDEX) names one (default: ask pip)',
    },
  ],
  fromPurl: (purl, hashes) => indexPurlTarget(purl, hashes, normalizeName(purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name)),
  // Packages from an index, at their exact version (packages from URLs or paths have no purl).
  packageUrl: (dependency, result) =>
    dependency.url ? undefined : resultPurl(dependency, result, (version) => new PackageURL('pypi', undefined, dependency.name, version, undefined, undefined)),
  createVerifier: (environment) => new PypiPlugin(environment),
};

class PypiPlugin implements PackageVerifier {
  /** Credentials written in index URLs, by host: sent to that host only. */
  private readonly credentials = new Map<string, string>();
  private readonly config;
  private readonly verifier: PypiVerifier;
  private pipDefault?: Promise<string | undefined>;
  /** pyproject.toml's dependencies are verified at the versions (and files) its lockfile pins. */
  private readonly constraints = new Map<string, SiblingLocks>();
  private readonly locks = new SiblingLocks(['uv.lock', 'poetry.lock'], (text, lockfile) => {
    const parsed = lockfile === 'uv.lock' ? parseUvLock(text) : parsePoetryLock(text);
    return new Map(parsed.dependencies.map((d) => [d.name, d]));
  });

  constructor(private readonly environment: VerifierEnvironment) {
    this.config = loadPipConfig({ env: environment.env, homeDir: environment.homeDir });
    const http = environment.http({
      maxBodyBytes: 32 * 1024 * 1024,
      proxy: pipProxy(this.config, environment.env),
      authFor: (url) => pipAuthFor(this.credentials, url),
    });
    this.verifier = new PypiVerifier({ index: new PypiIndexClient(http), trust: environment.trust, cache: environment.cache });
    environment.log?.(`pip config: files ${this.config.files.join(', ') || '(none)'}; index ${this.config.indexUrl ? redact(this.config.indexUrl) : '(none)'}`);
  }

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const { fresh, signal } = target;
    const d = this.pinned(target);
    const indexes = (await this.indexesFor(d, target.parsed.indexes ?? [])).map((url) => this.withoutCredentials(url));
    const key = ['pypi', indexes.join(' '), d.name, d.spec, d.version ?? '', (d.hashes ?? []).join(','), d.url ?? '', fresh].join('\n');
    return { key, run: () => this.verifier.verify({ name: d.name, spec: d.spec, version: d.version, hashes: d.hashes, url: d.url }, indexes, signal, fresh) };
  }

  /**
   * A dependency at the version something beside it pins: a pyproject's lockfile (with the lock's
   * hashes and source), or a requirements file's `-c` constraints files (pip applies their pins).
   */
  private pinned(target: VerifyTarget): Dependency {
    const d = target.dependency;
    if (d.version || d.url) return d;
    const dir = path.dirname(target.file);
    const locked =
      target.parsed.kind === 'pyproject'
        ? this.locks.get(dir)?.get(d.name)
        : (target.parsed.includes ?? [])
            .filter((i) => i.constraint)
            .map((i) => this.constraintsOf(path.resolve(dir, i.file))?.get(d.name))
            .find((c) => c?.version);
    return locked?.version ? { ...d, version: locked.version, hashes: locked.hashes ?? d.hashes, index: locked.index ?? d.index } : d;
  }

  /** A constraints file's pins by name (kept until the file changes, like a lockfile). */
  private constraintsOf(file: string): Map<string, Dependency> | undefined {
    let memo = this.constraints.get(file);
    if (!memo)
      this.constraints.set(
        file,
        (memo = new SiblingLocks([path.basename(file)], (text) => new Map(parseRequirementsTxt(text, true).dependencies.map((c) => [c.name, c])))),
      );
    return memo.get(path.dirname(file));
  }

  /** Where a package comes from: the lock's own source for it, else the file's indexes, else the configuration. */
  private async indexesFor(d: Dependency, fileIndexes: string[]): Promise<string[]> {
    if (d.index) return [d.index];
    const extra = this.config.extraIndexUrls;
    if (fileIndexes.length > 0) return [...new Set([...fileIndexes, ...extra])];
    const primary = this.config.indexUrl ?? settingText(this.environment, 'python.indexUrl') ?? (await this.askPip());
    return [...new Set([...(primary ? [primary] : []), ...extra])];
  }

  private withoutCredentials(url: string): string {
    const { url: bare, auth } = splitIndexCredentials(url);
    if (auth) this.credentials.set(auth.host, auth.authorization);
    return bare;
  }

  /** pip's built-in default index, from pip itself (as npm is asked for its registry). */
  private askPip(): Promise<string | undefined> {
    if (!this.environment.allowProcessExecution || this.environment.offline) return Promise.resolve(undefined);
    this.pipDefault ??= new Promise((resolve) => {
      const script = 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)';
      execFile('python3', ['-c', script], { env: this.environment.env, timeout: 10_000 }, (error, stdout) => {
        const value = stdout?.trim();
        resolve(!error && value && /^https?:\/\//.test(value) ? value : undefined);
      });
    });
    return this.pipDefault;
  }
}
