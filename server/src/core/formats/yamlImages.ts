// Image references in YAML: compose files, Kubernetes manifests (any number of documents),
// GitHub Actions workflows, Helm values and Chart.yaml dependencies. The `yaml` library parses
// (with source ranges); this module only knows where each format keeps its images.

import { type Document, type Node, type Pair, type Scalar, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { LineIndex } from './jsonDocument';
import type { Dependency, ImageFile, ParseProblem, Range } from '../dependency';
import { entries, get, scalarRange, stringScalar, textScalar } from './yamlNodes';
import { type ImageReference, isImageReference, parseImageReference } from './imageReference';

export type YamlImageKind = 'compose' | 'kubernetes' | 'workflow' | 'helm-values' | 'helm-chart';

interface Found {
  written: string;
  /** The whole reference (for "pin to digest"); the name part when the format splits it. */
  range: Range;
  nameRange?: Range;
  source: string;
  /** Why this reference cannot be resolved to one image here (e.g. a version range). */
  unresolved?: string;
}

export function parseYamlImages(text: string, kind: YamlImageKind): ImageFile {
  const lines = new LineIndex(text);
  const problems: ParseProblem[] = [];
  const found: Found[] = [];
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, { prettyErrors: false }) as Document.Parsed[];
  } catch (error) {
    return {
      images: [],
      problems: [{ code: 'parse-error', range: lines.rangeAt(0, 0), message: `This file is not valid YAML (${(error as Error).message}).` }],
    };
  }
  if (!Array.isArray(documents)) documents = [documents];
  const rangeOf = (node: Scalar, skip = 0): Range => scalarRange(lines, node, skip);
  const finders: Record<YamlImageKind, (doc: Node, add: (f: Found) => void, range: typeof rangeOf) => void> = {
    compose: findCompose,
    kubernetes: findKubernetes,
    workflow: findWorkflow,
    'helm-values': findHelmValues,
    'helm-chart': findChartDependencies,
  };
  let recognised = kind !== 'kubernetes';
  for (const doc of documents) {
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      problems.push({
        code: 'parse-error',
        range: lines.rangeAt(error.pos[0], Math.max(1, error.pos[1] - error.pos[0])),
        message: `This file is not valid YAML: ${error.message.split('\n')[0]}`,
      });
      continue;
    }
    const contents = doc.contents as Node | null;
    if (!contents) continue;
    if (kind === 'kubernetes') {
      if (!isMap(contents) || !contents.has('apiVersion') || !contents.has('kind')) continue;
      recognised = true;
    }
    finders[kind](contents, (f) => found.push(f), rangeOf);
  }
  // A YAML file that turns out not to be a Kubernetes manifest is none of our business.
  if (!recognised) return { images: [], problems: [] };
  const images: Dependency[] = [];
  for (const f of found) {
    if (f.unresolved) {
      problems.push({ code: 'image-unresolved', range: f.range, message: f.unresolved });
      continue;
    }
    const ref = parseImageReference(f.written);
    if (!isImageReference(ref)) {
      // Template expressions (`${{ … }}`, `{{ … }}`, `$VAR`) are resolved elsewhere; say so rather than guess.
      const templated = /\$\{|\{\{|\$[A-Z_]/.test(f.written);
      problems.push({
        code: templated ? 'image-unresolved' : 'image-invalid',
        range: f.range,
        message: templated
          ? `"${f.written}" is filled in at deploy time; it cannot be verified here.`
          : `"${f.written}" is not an image reference: ${ref.error}.`,
      });
      continue;
    }
    images.push(imageDependency(ref, f.range, f.nameRange, f.source));
  }
  return { images, problems };
}

type Add = (f: Found) => void;
type RangeOf = (node: Scalar, skip?: number) => Range;

function findCompose(doc: Node, add: Add, range: RangeOf): void {
  for (const service of entries(get(doc, 'services'))) {
    const image = stringScalar(get(service.value, 'image'));
    if (image) add({ written: String(image.value), range: range(image), source: `compose service ${service.key.value}` });
  }
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

function findKubernetes(doc: Node, add: Add, range: RangeOf): void {
  const kind = String(stringScalar(get(doc, 'kind'))?.value ?? 'object');
  const name = String(stringScalar(get(get(doc, 'metadata'), 'name'))?.value ?? '');
  if (kind === 'Application' && String(stringScalar(get(doc, 'apiVersion'))?.value ?? '').startsWith('core.oam.dev/'))
    return findWasmCloudComponents(doc, name, add, range);
  const walk = (node: unknown): void => {
    // A pod spec with a runtime class (a Wasm runtime such as a containerd shim for Spin or wasmtime) says so on its images.
    const runtimeClass = stringScalar(get(node, 'runtimeClassName'))?.value;
    for (const pair of entries(node)) {
      const key = String(pair.key.value);
      if (CONTAINER_LISTS.has(key) && isSeq(pair.value)) {
        for (const container of pair.value.items) {
          const image = stringScalar(get(container, 'image'));
          const containerName = String(stringScalar(get(container, 'name'))?.value ?? '?');
          const runtime = runtimeClass ? ` (runtime class ${String(runtimeClass)})` : '';
          if (image)
            add({
              written: String(image.value),
              range: range(image),
              source: `${kind}${name ? '/' + name : ''} ${key.replace(/s$/, '')} ${containerName}${runtime}`,
            });
        }
      } else {
        walk(pair.value);
      }
    }
    if (isSeq(node)) node.items.forEach(walk); // List kinds and nested lists
  };
  walk(doc);
}

/** A wasmCloud application manifest (wadm, OAM): each component's and provider's `properties.image`. */
function findWasmCloudComponents(doc: Node, name: string, add: Add, range: RangeOf): void {
  const components = get(get(doc, 'spec'), 'components');
  for (const component of isSeq(components) ? components.items : []) {
    const image = stringScalar(get(get(component, 'properties'), 'image'));
    const componentName = String(stringScalar(get(component, 'name'))?.value ?? '?');
    const type = String(stringScalar(get(component, 'type'))?.value ?? 'component');
    if (image) add({ written: String(image.value), range: range(image), source: `wasmCloud application ${name} ${type} ${componentName}` });
  }
}

function findWorkflow(doc: Node, add: Add, range: RangeOf): void {
  for (const job of entries(get(doc, 'jobs'))) {
    const container = get(job.value, 'container');
    const containerImage = stringScalar(container) ?? stringScalar(get(container, 'image'));
    if (containerImage) add({ written: String(containerImage.value), range: range(containerImage), source: `job ${job.key.value} container` });
    for (const service of entries(get(job.value, 'services'))) {
      const image = stringScalar(service.value) ?? stringScalar(get(service.value, 'image'));
      if (image) add({ written: String(image.value), range: range(image), source: `job ${job.key.value} service ${service.key.value}` });
    }
    const steps = get(job.value, 'steps');
    for (const step of isSeq(steps) ? steps.items : []) {
      const uses = stringScalar(get(step, 'uses'));
      const value = String(uses?.value ?? '');
      if (uses && value.startsWith('docker://'))
        add({ written: value.slice('docker://'.length), range: range(uses, 'docker://'.length), source: `job ${job.key.value} step` });
    }
  }
}

/**
 * Helm values conventions: `image: {registry?, repository, tag?, digest?}` maps (at any depth, the
 * key naming an image), and plain `image: "name:tag"` strings.
 */
function findHelmValues(doc: Node, add: Add, range: RangeOf): void {
  const walk = (node: unknown, path: string): void => {
    for (const pair of entries(node)) {
      const key = String(pair.key.value);
      const here = path ? `${path}.${key}` : key;
      const value = pair.value;
      const repository = stringScalar(get(value, 'repository'));
      if (/image/i.test(key) && repository) {
        const registry = stringScalar(get(value, 'registry'));
        const tag = textScalar(get(value, 'tag'));
        const digest = stringScalar(get(value, 'digest'));
        let written = String(repository.value);
        if (registry) written = `${registry.value}/${written}`;
        if (tag) written += `:${tag.value}`;
        if (digest) written += `@${digest.value}`;
        add({ written, nameRange: range(repository), range: range(digest ?? tag ?? repository), source: `values ${here}` });
      } else if (/image$/i.test(key) && stringScalar(value)) {
        add({ written: String((value as Scalar).value), range: range(value as Scalar), source: `values ${here}` });
      } else {
        walk(value, here);
      }
    }
  };
  walk(doc, '');
}

/** Chart.yaml `dependencies` served from OCI registries (`repository: oci://…`). */
function findChartDependencies(doc: Node, add: Add, range: RangeOf): void {
  const dependencies = get(doc, 'dependencies');
  for (const dependency of isSeq(dependencies) ? dependencies.items : []) {
    const repository = stringScalar(get(dependency, 'repository'));
    const name = stringScalar(get(dependency, 'name'));
    const version = textScalar(get(dependency, 'version'));
    if (!repository || !name || !String(repository.value).startsWith('oci://')) continue;
    const base = String(repository.value).slice('oci://'.length).replace(/\/+$/, '');
    const exact = version && /^[\w][\w.+-]*$/.test(String(version.value));
    add({
      // OCI tags cannot hold `+`; Helm pushes chart versions with `_` in its place.
      written: `${base}/${name.value}${exact ? `:${String(version.value).replace(/\+/g, '_')}` : ''}`,
      nameRange: range(repository),
      range: range(version ?? name),
      source: `chart dependency ${name.value}`,
      unresolved:
        version && !exact ? `Version range "${version.value}" is resolved by helm (see Chart.lock); only exact versions can be checked here.` : undefined,
    });
  }
}

/** An image reference as a dependency: its version is the digest, else the tag (`latest` when none is written). */
export function imageDependency(ref: ImageReference, range: Range, nameRange: Range | undefined, source: string): Dependency {
  return {
    ecosystem: 'oci',
    group: 'image',
    name: ref.name,
    spec: ref.digest ?? ref.tag ?? 'latest',
    nameRange: nameRange ?? range,
    specRange: range,
    image: ref,
    source,
  };
}
