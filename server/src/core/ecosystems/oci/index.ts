// Container images (and Helm charts and WebAssembly modules in OCI registries) as a plugin: image
// references in Dockerfiles, Spin manifests, compose files, workflows, Helm values and Kubernetes
// manifests, verified through the OCI distribution API with docker's own configuration
// (credentials and helpers, daemon mirrors and insecure registries) and the keys the user accepts.

import * as path from 'node:path';
import { PackageURL } from 'packageurl-js';
import { DEFAULT_DOMAIN, isImageReference, parseImageReference } from '../../formats/imageReference';
import type { Dependency } from '../../dependency';
import type { PackageResult } from '../../result';
import type { RegistryMirror } from '../../trust/knownSigners';
import { type Policy, ruleFor } from '../../trust/policy';
import { policyKeys } from '../../trust/policyFiles';
import type { EcosystemAccess, EcosystemFile, EcosystemPlugin, PackageVerifier, VerifierEnvironment, VerifyTarget } from '../plugin';
import type { AttestationLocation } from './attestedSboms';
import type { PublicKeyEntry } from '../../trust/signers';
import { type DaemonConfig, credentialsFor, loadDaemonConfig, loadDockerConfig } from './dockerConfig';
import { parseDockerfile } from './dockerfile';
import { OciClient } from './ociClient';
import { OciVerifier } from './ociVerifier';
import { parseSpinManifest } from './spinManifest';
import { type YamlImageKind, parseYamlImages } from '../../formats/yamlImages';

const yamlFile = (kind: YamlImageKind, patterns: string[], matches: EcosystemFile['matches']): EcosystemFile => ({
  kind,
  patterns,
  matches: (base, file) => /\.ya?ml$/.test(base) && matches(base, file),
  parse: (text) => {
    const y = parseYamlImages(text, kind);
    return { dependencies: y.images, problems: y.problems };
  },
});

export const ociPlugin: EcosystemPlugin = {
  ecosystem: 'oci',
  title: 'container images',
  summary: 'cosign signatures and attestations (Dockerfiles, compose files, Kubernetes manifests, workflows, Helm values, Spin manifests)',
  purlTypes: ['oci', 'docker'],
  files: [
    {
      kind: 'dockerfile',
      patterns: ['**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,*.Containerfile,Dockerfile.*,Containerfile.*}'],
      matches: (base) => /^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|dockerfile|Containerfile)$/.test(base),
      parse: (text) => {
        const d = parseDockerfile(text);
        return { dependencies: d.images, problems: d.problems };
      },
    },
    {
      // WebAssembly: Spin application manifests (wasmCloud manifests are YAML, read below).
      kind: 'spin-manifest',
      patterns: ['**/spin.toml'],
      matches: (base) => base === 'spin.toml',
      parse: (text) => {
        const s = parseSpinManifest(text);
        return { dependencies: s.images, problems: s.problems };
      },
    },
    yamlFile('compose', ['**/{compose,docker-compose}*.{yaml,yml}'], (base) => /^(docker-)?compose([.-].+)?\.ya?ml$/.test(base)),
    yamlFile('workflow', ['**/.github/workflows/*.{yaml,yml}'], (_base, file) => /[\\/]\.github[\\/]workflows[\\/]/.test(file)),
    yamlFile('helm-values', ['**/values*.{yaml,yml}'], (base) => /^values([.-].+)?\.ya?ml$/.test(base)),
    // Any other YAML may be a Kubernetes manifest; its parser looks for apiVersion and kind and stays quiet otherwise.
    yamlFile('kubernetes', ['**/*.{yaml,yml}'], () => true),
  ],
  fromPurl: (purl) => {
    const image = parseImageReference(imageWritten(purl));
    if (!isImageReference(image)) return { error: `does not name a valid image (${image.error})` };
    return { name: image.name, version: purl.version ?? undefined, image };
  },
  packageUrl: (dependency, result) => {
    const image = dependency.image;
    if (!image) return undefined;
    // By digest where it is known (pinned, or what the tag resolved to), as the purl spec asks.
    const qualifiers: Record<string, string> = { repository_url: `${image.domain}/${image.repository}` };
    if (image.tag) qualifiers.tag = image.tag;
    return new PackageURL('oci', undefined, image.repository.split('/').pop()!, image.digest ?? result?.digest, qualifiers, undefined);
  },
  createVerifier: (environment) => new OciPlugin(environment),
};

/**
 * The image reference a purl names. pkg:oci: `repository_url` (registry and path) with the digest
 * as version, or the `tag` qualifier. pkg:docker: namespace/name on `repository_url` (default: the
 * default domain), version a tag or digest.
 */
function imageWritten(p: PackageURL): string {
  const q = (p.qualifiers ?? {}) as Record<string, string>;
  const version = p.version ?? '';
  const suffix = version.includes(':') ? `@${version}` : version ? `:${version}` : q.tag ? `:${q.tag}` : '';
  if (p.type === 'oci') return `${q.repository_url ?? p.name}${suffix}`;
  const repository = p.namespace ? `${p.namespace}/${p.name}` : p.name;
  return `${q.repository_url ?? DEFAULT_DOMAIN}/${repository}${suffix}`;
}

/** One image verifier for the whole checker: docker's configuration is the user's, not a project's. */
export class OciPlugin implements PackageVerifier {
  private images?: OciVerifier;
  private daemon?: DaemonConfig;

  constructor(private readonly environment: VerifierEnvironment) {}

  async plan(target: VerifyTarget): Promise<{ key: string; run: () => Promise<PackageResult> }> {
    const { dependency, fresh, signal } = target;
    const ruleKeys = keysFor(target.policy, dependency);
    const key = ['oci', dependency.image?.written, ruleKeys.map((k) => k.name).join(), fresh].join('\n');
    return { key, run: () => this.verifier().verify(dependency, signal, ruleKeys, fresh) };
  }

  /** The SBOM an image attestation carries, verified again now with the keys the policy accepts for the image. */
  async attestedSbom(
    dependency: Dependency,
    digest: string,
    location: AttestationLocation,
    policy: Policy,
    signal?: AbortSignal,
  ): ReturnType<OciVerifier['attestedSbom']> {
    const image = dependency.image;
    if (!image) return { error: 'not an image reference' };
    return this.verifier().attestedSbom({ domain: image.domain, repository: image.repository, digest }, location, keysFor(policy, dependency), signal);
  }

  /** The docker daemon's `registry-mirrors` serve the default domain: the catalog of known signers treats them as it. */
  mirrors(): RegistryMirror[] {
    return this.daemonConfig().mirrors.map((mirror) => ({ mirror, of: DEFAULT_DOMAIN }));
  }

  private verifier(): OciVerifier {
    if (!this.images) {
      const { env, homeDir, allowProcessExecution, settings } = this.environment;
      const docker = loadDockerConfig(env, homeDir);
      const daemon = this.daemonConfig();
      // Registries challenge; the OCI client answers with docker's credentials.
      const http = this.environment.http({ maxBodyBytes: 16 * 1024 * 1024, authFor: () => undefined });
      const client = new OciClient({
        http,
        credentials: (domain) => credentialsFor(docker, domain, allowProcessExecution, env),
        insecureRegistries: [...((settings['oci.insecureRegistries'] as string[] | undefined) ?? []), ...daemon.insecureRegistries],
        mirrors: daemon.mirrors,
      });
      const keys = (settings['oci.keys'] as PublicKeyEntry[] | undefined) ?? [];
      const verifier = new OciVerifier({ client, trust: this.environment.trust, keys, cache: this.environment.cache, tags: this.environment.memory });
      this.images = verifier;
    }
    return this.images;
  }

  private daemonConfig(): DaemonConfig {
    this.daemon ??= loadDaemonConfig(this.environment.env);
    return this.daemon;
  }
}

/**
 * The SBOM an image attestation carries, fetched and verified again now, with the keys the policy
 * of the file's folder accepts for the image.
 */
export async function attestedSbom(
  checker: EcosystemAccess,
  file: string,
  dependency: Dependency,
  digest: string,
  location: AttestationLocation,
  signal?: AbortSignal,
): ReturnType<OciPlugin['attestedSbom']> {
  const verifier = checker.ecosystemVerifier('oci');
  if (!(verifier instanceof OciPlugin)) return { error: 'images are not verified here' };
  return verifier.attestedSbom(dependency, digest, location, checker.policyFor(path.dirname(path.resolve(file))), signal);
}

/** The keys a policy rule accepts for this image (besides the configured ones). */
function keysFor(policy: Policy, dependency: Dependency): PublicKeyEntry[] {
  return policyKeys(policy, ruleFor(policy, dependency.image?.name ?? dependency.name));
}
