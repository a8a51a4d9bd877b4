// A CycloneDX SBOM for a workspace, from what is already parsed and verified: every dependency of
// every ecosystem, as its plugin names it by a package URL (the verifier's own where it made one),
// with who requires whom where a lockfile says (npm), each with its verification results as
// properties. A folder's lockfile says exactly what is installed, so the manifests of the same
// ecosystem beside it are left out. Built with the CycloneDX library's model and written by its
// serializer.

import * as path from 'node:path';
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import type { CheckedDependency } from '../checker';
import type { Dependency } from '../dependency';
import { ecosystemFilesOf, pluginFor } from '../ecosystems/registry';
import type { ParsedFile } from '../parsedFile';
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

  const readersOf = (file: string) => ecosystemFilesOf(file, path.basename(file));
  const locked = new Set(
    inputs.flatMap((i) =>
      readersOf(i.file)
        .filter((r) => r.file.role === 'lockfile')
        .map((r) => `${r.plugin.ecosystem}\n${path.dirname(i.file)}`),
    ),
  );
  for (const { file, parsed, checked } of inputs) {
    if (parsed.kind === 'policy') continue;
    const readers = readersOf(file);
    const isManifest = readers.some((r) => r.file.role === 'manifest' && locked.has(`${r.plugin.ecosystem}\n${path.dirname(file)}`));
    const results = new Map(checked.map((c) => [c.dependency, c.result]));
    // A manifest's own ecosystem is left out where its lockfile is read; what else it names (a chart's OCI charts) is not.
    const own = new Set(readers.map((r) => r.plugin.ecosystem));
    const dependencies = isManifest ? parsed.dependencies.filter((d) => !own.has(d.ecosystem)) : parsed.dependencies;
    const graph = readers.map((r) => r.plugin.graph?.(parsed)).find((g) => g !== undefined);
    if (!graph) {
      for (const dependency of dependencies) {
        const component = componentOf(dependency, results.get(dependency));
        if (component) root.dependencies.add(component.bomRef);
      }
      continue;
    }
    for (const dependency of dependencies) componentOf(dependency, results.get(dependency));
    for (const top of graph.roots) {
      const component = componentOf(top, results.get(top));
      if (component) root.dependencies.add(component.bomRef);
    }
    for (const [from, children] of graph.children) {
      const parent = componentOf(from, results.get(from));
      for (const child of children) {
        const to = componentOf(child, results.get(child));
        if (parent && to && parent !== to) parent.dependencies.add(to.bomRef);
      }
    }
  }
  const spec = SPECS[options.specVersion ?? '1.6'];
  return new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(spec)).serialize(bom, { space: 2, sortLists: true });
}

/** The ecosystem's own package URL for the dependency, else the one an SBOM component was written with. */
function purlOf(dependency: Dependency, result: PackageResult | undefined): PackageURL | undefined {
  return pluginFor(dependency.ecosystem)?.packageUrl(dependency, result) ?? (dependency.purl ? safePurl(dependency.purl) : undefined);
}

function newComponent(dependency: Dependency, purl: PackageURL, result: PackageResult | undefined): Models.Component {
  // Names as the purl spells them (npm's scope and Maven's group as the group), images by their full name.
  const image = dependency.image;
  const component = new Models.Component(image ? Enums.ComponentType.Container : Enums.ComponentType.Library, image ? image.name : purl.name, {
    group: image ? undefined : (purl.namespace ?? undefined),
    version: image ? (image.digest ?? result?.digest ?? image.tag) : (purl.version ?? dependency.version ?? result?.version),
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
    property(
      'signer',
      result.provenanceDetails?.subjectAlternativeName ??
        result.signers
          ?.map((s) => s.subject ?? s.key)
          .filter(Boolean)
          .join(', '),
    );
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
