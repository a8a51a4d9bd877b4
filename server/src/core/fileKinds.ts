// Which files we read, and how each kind is parsed: text in, dependencies (packages or images)
// with ranges and problems out. Pure.

import * as path from 'node:path';
import { parseDockerfile } from './parsers/oci/dockerfile';
import { type YamlImageKind, parseYamlImages } from './parsers/oci/yamlImages';
import { parsePackageJson } from './parsers/packageJson';
import { parsePackageLock } from './parsers/packageLock';
import type { Dependency, ParseProblem } from './parsers/types';
import { POLICY_FILES, parsePolicy } from './trust/policy';

export type FileKind = 'npm-manifest' | 'npm-lockfile' | 'policy' | 'dockerfile' | YamlImageKind;

export function fileKind(file: string): FileKind | undefined {
  const base = path.basename(file);
  if (POLICY_FILES.includes(base)) return 'policy';
  if (base === 'package.json') return 'npm-manifest';
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') return 'npm-lockfile';
  if (/^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|dockerfile|Containerfile)$/.test(base)) return 'dockerfile';
  if (!/\.ya?ml$/.test(base)) return undefined;
  if (/^(docker-)?compose([.-].+)?\.ya?ml$/.test(base)) return 'compose';
  if (/[\\/]\.github[\\/]workflows[\\/]/.test(file)) return 'workflow';
  if (base === 'Chart.yaml') return 'helm-chart';
  if (/^values([.-].+)?\.ya?ml$/.test(base)) return 'helm-values';
  // Any other YAML may be a Kubernetes manifest; its parser looks for apiVersion and kind and stays quiet otherwise.
  return 'kubernetes';
}

export interface ParsedFile {
  kind: FileKind;
  dependencies: Dependency[];
  problems: ParseProblem[];
  /** Lockfiles: what the project requires directly, when the lockfile says. */
  rootRequires?: string[];
}

export function parseFile(file: string, text: string): ParsedFile | undefined {
  const kind = fileKind(file);
  if (kind === 'npm-manifest') {
    const m = parsePackageJson(text);
    return { kind, dependencies: m.dependencies, problems: m.problems };
  }
  if (kind === 'npm-lockfile') {
    const l = parsePackageLock(text);
    return { kind, dependencies: l.packages, problems: l.problems, rootRequires: l.rootRequires };
  }
  if (kind === 'policy') return { kind, dependencies: [], problems: parsePolicy(text, file).problems };
  if (kind === 'dockerfile') {
    const d = parseDockerfile(text);
    return { kind, dependencies: d.images, problems: d.problems };
  }
  if (kind) {
    const y = parseYamlImages(text, kind);
    return { kind, dependencies: y.images, problems: y.problems };
  }
  return undefined;
}

