// Helm's files: Chart.yaml and Chart.lock `dependencies` and helmfile `releases`. A chart from a
// classic chart repository (an https URL, or a repository name from helm's or the helmfile's
// configuration) is a `helm` dependency whose `index` is that repository; a chart from an OCI
// registry (`oci://…`, or a helmfile repository with `oci: true`) is an image reference, verified
// with the images. Local charts (`file://…`, `./path`) are not dependencies.

import { type Document, type Scalar, parseAllDocuments } from 'yaml';
import { LineIndex } from '../../formats/jsonDocument';
import { type YamlImageKind, parseYamlImages } from '../../formats/yamlImages';
import { isImageReference, parseImageReference } from '../../formats/imageReference';
import type { Dependency, ParseProblem } from '../../dependency';
import { get, items, scalarRange, stringScalar, textScalar } from '../../formats/yamlNodes';

export interface HelmFile {
  dependencies: Dependency[];
  problems: ParseProblem[];
}

/** A version Helm would take as it is: anything but a range (`^1.2`, `~1`, `>=1 <2`, `1.x`, `*`). */
export function isExactChartVersion(version: string): boolean {
  return /^v?\d+(\.\d+){0,2}([-+][\w.+-]*)?$/.test(version);
}

export function parseChartYaml(text: string): HelmFile {
  return parseHelm(text, 'Chart.yaml', (doc, out) => chartDependencies(doc, out, 'chart dependency'), 'helm-chart');
}

export function parseChartLock(text: string): HelmFile {
  return parseHelm(text, 'Chart.lock', (doc, out) => chartDependencies(doc, out, 'locked chart dependency'), 'helm-chart');
}

export function parseHelmfile(text: string): HelmFile {
  return parseHelm(text, 'helmfile', helmfileReleases);
}

interface Output {
  lines: LineIndex;
  dependencies: Dependency[];
  problems: ParseProblem[];
}

function parseHelm(text: string, what: string, find: (doc: Document.Parsed, out: Output) => void, ociKind?: YamlImageKind): HelmFile {
  const lines = new LineIndex(text);
  const problems: ParseProblem[] = [];
  const out: Output = { lines, dependencies: [], problems };
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, { prettyErrors: false }) as Document.Parsed[];
  } catch (error) {
    return {
      dependencies: [],
      problems: [{ code: 'parse-error', range: lines.rangeAt(0, 0), message: `This ${what} is not valid YAML (${(error as Error).message}).` }],
    };
  }
  for (const doc of Array.isArray(documents) ? documents : [documents]) {
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      problems.push({
        code: 'parse-error',
        range: lines.rangeAt(error.pos[0], Math.max(1, error.pos[1] - error.pos[0])),
        message: `This ${what} is not valid YAML: ${error.message.split('\n')[0]}`,
      });
      continue;
    }
    find(doc, out);
  }
  // Charts from OCI registries are images; the image reader knows Chart.yaml's `oci://` form.
  const oci = ociKind && problems.length === 0 ? parseYamlImages(text, ociKind).images : [];
  return { dependencies: [...out.dependencies, ...oci], problems };
}

function chartDependencies(doc: Document.Parsed, out: Output, source: string): void {
  for (const dependency of items(get(doc.contents, 'dependencies'))) {
    const name = stringScalar(get(dependency, 'name'));
    const version = textScalar(get(dependency, 'version'));
    const repository = stringScalar(get(dependency, 'repository'));
    if (!name || !repository) continue;
    const repo = String(repository.value).trim();
    // OCI charts are read as images; local charts have no repository to verify against.
    if (repo.startsWith('oci://') || repo.startsWith('file://')) continue;
    out.dependencies.push(chartDependency(out.lines, name, version, repo, source));
  }
}

function helmfileReleases(doc: Document.Parsed, out: Output): void {
  const repositories = new Map<string, { url: string; oci: boolean }>();
  for (const repository of items(get(doc.contents, 'repositories'))) {
    const name = stringScalar(get(repository, 'name'));
    const url = stringScalar(get(repository, 'url'));
    const oci = get(repository, 'oci') as Scalar | undefined;
    if (name && url)
      repositories.set(String(name.value), { url: String(url.value).replace(/\/+$/, ''), oci: oci?.value === true || String(url.value).startsWith('oci://') });
  }
  for (const release of items(get(doc.contents, 'releases'))) {
    const chart = stringScalar(get(release, 'chart'));
    const version = textScalar(get(release, 'version'));
    if (!chart) continue;
    const written = String(chart.value).trim();
    const releaseName = String(stringScalar(get(release, 'name'))?.value ?? written);
    if (written.startsWith('oci://')) {
      ociChart(out, chart, written.slice('oci://'.length), version, `helmfile release ${releaseName}`, true);
      continue;
    }
    const slash = written.indexOf('/');
    // `./charts/app`, `../app`, an absolute path: a local chart.
    if (slash <= 0 || written.startsWith('.') || written.startsWith('/')) continue;
    const repoName = written.slice(0, slash);
    const chartName = written.slice(slash + 1);
    const repository = repositories.get(repoName);
    if (repository?.oci) {
      ociChart(out, chart, `${repository.url.replace(/^oci:\/\//, '')}/${chartName}`, version, `helmfile release ${releaseName}`);
      continue;
    }
    // A repository the helmfile does not define is one `helm repo add` named (helm's own configuration).
    const dependency = chartDependency(
      out.lines,
      chart,
      version,
      repository?.url ?? `@${repoName}`,
      `helmfile release ${releaseName}`,
      chartName,
      repoName.length + 1,
    );
    out.dependencies.push(dependency);
  }
}

/** A classic-repository chart. `index` is the repository URL, or `@name` for a repository helm's configuration names. */
function chartDependency(
  lines: LineIndex,
  name: Scalar,
  version: Scalar | undefined,
  repository: string,
  source: string,
  chartName = String(name.value),
  nameSkip = 0,
): Dependency {
  const spec = version ? String(version.value) : '';
  const index = repository.startsWith('alias:') ? `@${repository.slice('alias:'.length)}` : repository;
  const nameRange = scalarRange(lines, name, nameSkip);
  return {
    ecosystem: 'helm',
    name: chartName,
    spec,
    version: spec && isExactChartVersion(spec) ? spec.replace(/^v/, '') : undefined,
    group: 'dependencies',
    nameRange,
    specRange: version ? scalarRange(lines, version) : nameRange,
    index,
    source,
  };
}

/**
 * A chart in an OCI registry, as an image reference; a version range or a malformed reference is a
 * problem instead. `oci://…@sha256:…` (helm 3.18 and later) pins it: the tag is then the version, if any.
 * `pinnable`: the chart is written as an `oci://` reference a digest can be appended to.
 */
function ociChart(out: Output, chart: Scalar, base: string, version: Scalar | undefined, source: string, pinnable = false): void {
  const spec = version ? String(version.value) : '';
  const [repository, digest] = base.replace(/\/+$/, '').split('@');
  const range = scalarRange(out.lines, version ?? chart);
  if (!digest && (!spec || !isExactChartVersion(spec))) {
    out.problems.push({
      code: 'image-unresolved',
      range,
      message: `Chart version ${spec ? `range "${spec}"` : 'not set'}: helm resolves it at deploy time; only exact versions or digests can be checked here.`,
    });
    return;
  }
  // OCI tags cannot hold `+`; Helm pushes chart versions with `_` in its place.
  const tag = spec && isExactChartVersion(spec) ? `:${spec.replace(/\+/g, '_')}` : '';
  const ref = parseImageReference(`${repository}${tag}${digest ? `@${digest}` : ''}`);
  if (!isImageReference(ref)) {
    out.problems.push({ code: 'image-invalid', range: scalarRange(out.lines, chart), message: `"${base}" is not a chart reference: ${ref.error}.` });
    return;
  }
  const chartRange = scalarRange(out.lines, chart);
  out.dependencies.push({
    ecosystem: 'oci',
    group: 'image',
    name: ref.name,
    spec: ref.digest ?? ref.tag ?? 'latest',
    nameRange: chartRange,
    specRange: range,
    image: ref,
    source,
    ...(pinnable && !digest ? { pinAfter: chartRange } : {}),
  });
}
