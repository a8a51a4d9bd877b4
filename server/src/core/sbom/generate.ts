// A CycloneDX SBOM for a workspace, from what is already parsed and verified: every package of
// its npm lockfiles (with the lockfile's integrity as hash and who requires whom as dependencies),
// the resolved versions of manifests without a lockfile, and every image reference, each with its verification results as properties. Built with the
// CycloneDX library's model and written by its serializer.

import * as path from 'node:path';
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import type { CheckedDependency } from '../checker';
import type { ParsedFile } from '../fileKinds';
import { lockGraph } from '../ecosystems/npm/lockGraph';
import type { Dependency } from '../dependency';
import type { PackageResult } from '../result';

export interface GenerateInput {
  file: string;
  parsed: ParsedFile;
  /** Verification results (empty: generate without them). */
  checked: CheckedDependency[];
}

export interface GenerateOptions {
  /** The application the SBOM describes (the workspace folder's name). */
  name: string;
  version?: string;
  specVersion?: '1.4' | '1.5' | '1.6';
  /** For reproducible output in tests. */
  timestamp?: Date;
}

const PROPERTY = 'provenance-lens';
const SPECS = { '1.4': Spec.Spec1dot4, '1.5': Spec.Spec1dot5, '1.6': Spec.Spec1dot6 };

export function generateCycloneDx(inputs: GenerateInput[], options: GenerateOptions): string {
  const bom = new Models.Bom();
  const root = new Models.Component(Enums.ComponentType.Application, options.name, { version: options.version, bomRef: `${options.name}#root` });
  bom.metadata.component = root;
  bom.metadata.timestamp = options.timestamp ?? new Date();
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'provenance-lens', { version: '0.1.0' }));
  const byPurl = new Map<string, Models.Component>();
  const componentOf = (dependency: Dependency, result: PackageResult | undefined): Models.Component | undefined => {
    const purl = purlOf(dependency, result);
    if (!purl) return undefined;
    const key = purl.toString();
    let component = byPurl.get(key);
    if (!component) {
      component = newComponent(dependency, purl, result);
      byPurl.set(key, component);
      bom.components.add(component);
    }
    return component;
  };

  // A project's lockfile says exactly what is installed; a manifest without one, what its ranges resolved to.
  const locked = new Set(inputs.filter((i) => i.parsed.kind === 'npm-lockfile').map((i) => path.dirname(i.file)));
  for (const { file, parsed, checked } of inputs) {
    const results = new Map(checked.map((c) => [c.dependency, c.result]));
    if (parsed.kind === 'npm-manifest') {
      if (locked.has(path.dirname(file))) continue;
      for (const dependency of parsed.dependencies) {
        const component = componentOf(dependency, results.get(dependency));
        if (component) root.dependencies.add(component.bomRef);
      }
    } else if (parsed.kind === 'npm-lockfile') {
      const byLocation = new Map<string, Models.Component>();
      for (const p of parsed.dependencies) {
        const component = componentOf(p, results.get(p));
        if (component && p.location) byLocation.set(p.location, component);
      }
      const graph = lockGraph(parsed.dependencies, parsed.rootRequires);
      for (const location of graph.roots) {
        const top = byLocation.get(location);
        if (top) root.dependencies.add(top.bomRef);
      }
      for (const [location, children] of graph.children) {
        const from = byLocation.get(location);
        for (const child of children) {
          const to = byLocation.get(child);
          if (from && to && from !== to) from.dependencies.add(to.bomRef);
        }
      }
    } else if (parsed.kind !== 'policy') {
      // Images (and SBOM components) as they are referenced.
      for (const dependency of parsed.dependencies) {
        const component = componentOf(dependency, results.get(dependency));
        if (component) root.dependencies.add(component.bomRef);
      }
    }
  }
  const spec = SPECS[options.specVersion ?? '1.6'];
  return new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(spec)).serialize(bom, { space: 2, sortLists: true });
}

function purlOf(dependency: Dependency, result: PackageResult | undefined): PackageURL | undefined {
  const version = dependency.version ?? result?.version;
  if (dependency.ecosystem === 'npm' && version) {
    const [namespace, name] = dependency.name.startsWith('@') ? dependency.name.split('/') : [undefined, dependency.name];
    return new PackageURL('npm', namespace, name, version, undefined, undefined);
  }
  const image = dependency.image;
  if (dependency.ecosystem === 'oci' && image) {
    // By digest where it is known (pinned, or what the tag resolved to), as the purl spec asks.
    const digest = image.digest ?? result?.digest;
    const qualifiers: Record<string, string> = { repository_url: `${image.domain}/${image.repository}` };
    if (image.tag) qualifiers.tag = image.tag;
    return new PackageURL('oci', undefined, image.repository.split('/').pop()!, digest, qualifiers, undefined);
  }
  // Python packages from an index, at their exact version (packages from URLs or paths have no purl).
  if (dependency.ecosystem === 'pypi' && version && !dependency.url) return new PackageURL('pypi', undefined, dependency.name, version, undefined, undefined);
  if (dependency.ecosystem === 'gem' && version && !dependency.url) return new PackageURL('gem', undefined, dependency.name, version, dependency.platform && dependency.platform !== 'ruby' ? { platform: dependency.platform } : undefined, undefined);
  return dependency.purl ? safePurl(dependency.purl) : undefined;
}

function newComponent(dependency: Dependency, purl: PackageURL, result: PackageResult | undefined): Models.Component {
  const isImage = dependency.ecosystem === 'oci';
  const [group, name] = !isImage && dependency.name.startsWith('@') ? dependency.name.split('/') : [undefined, isImage ? dependency.image?.name ?? dependency.name : dependency.name];
  const component = new Models.Component(isImage ? Enums.ComponentType.Container : Enums.ComponentType.Library, name, {
    group,
    version: isImage ? (dependency.image?.digest ?? result?.digest ?? dependency.image?.tag) : (dependency.version ?? result?.version),
    bomRef: purl.toString(),
    // The library's purl type is its own copy of packageurl-js; the value is the same class.
    purl: purl as never,
  });
  const sha512 = /^sha512-(.+)$/.exec(dependency.integrity ?? '')?.[1];
  if (sha512) component.hashes.set(Enums.HashAlgorithm['SHA-512'], Buffer.from(sha512, 'base64').toString('hex'));
  // A lock that pins one file gives its hash; several files (wheels for each platform) are not one component hash.
  const sha256 = dependency.hashes?.length === 1 ? /^sha256:([0-9a-f]{64})$/.exec(dependency.hashes[0])?.[1] : undefined;
  if (sha256) component.hashes.set(Enums.HashAlgorithm['SHA-256'], sha256);
  if (result) {
    const property = (key: string, value: string | undefined) => {
      if (value) component.properties.add(new Models.Property(`${PROPERTY}:${key}`, value));
    };
    property('verdict', result.verdict);
    property('reason', result.reason);
    property('signature', result.signature);
    property('provenance', result.provenance);
    property('source-repository', result.provenanceDetails?.sourceRepository);
    property('source-commit', result.provenanceDetails?.sourceCommit);
    property('signer', result.provenanceDetails?.subjectAlternativeName ?? result.signers?.map((s) => s.subject ?? s.key).filter(Boolean).join(', '));
    property('log-index', result.provenanceDetails?.logIndex);
  }
  return component;
}

function safePurl(purl: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
}
