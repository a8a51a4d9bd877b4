// A Maven pom.xml: its dependencies with ranges, versions filled in from `<properties>` (`${name}`,
// `${project.version}`, `${project.parent.version}`) and from `<dependencyManagement>`, and the
// repositories it names. A version that comes from a parent POM or a BOM this file does not hold
// is said to be unresolved rather than guessed.

import type { Dependency, ParseProblem } from '../../dependency';
import { type XmlElement, childOf, childrenOf, parseXmlTree } from '../../formats/xmlTree';

/** What a POM declares that its children and importers inherit: for resolving versions across files. */
export interface PomModel {
  groupId?: string;
  artifactId?: string;
  version?: string;
  parent?: { groupId: string; artifactId: string; version: string; relativePath: string };
  /** Own properties, as written. */
  properties: Map<string, string>;
  /** dependencyManagement entries, versions as written; `bom`: an imported BOM (scope import, type pom). */
  managed: Array<{ key: string; version: string; bom: boolean }>;
}

export function pomModel(root: XmlElement): PomModel {
  const parent = childOf(root, 'parent');
  const text = (e: XmlElement | undefined, name: string) => childOf(e, name)?.text || undefined;
  return {
    groupId: text(root, 'groupId') ?? text(parent, 'groupId'),
    artifactId: text(root, 'artifactId'),
    version: text(root, 'version') ?? text(parent, 'version'),
    parent:
      text(parent, 'artifactId') && text(parent, 'groupId') && text(parent, 'version')
        ? {
            groupId: text(parent, 'groupId')!,
            artifactId: text(parent, 'artifactId')!,
            version: text(parent, 'version')!,
            relativePath: childOf(parent, 'relativePath')?.text ?? '../pom.xml',
          }
        : undefined,
    properties: new Map((childOf(root, 'properties')?.children ?? []).map((p) => [p.name, p.text])),
    managed: childrenOf(childOf(childOf(root, 'dependencyManagement'), 'dependencies'), 'dependency').map((d) => ({
      key: `${text(d, 'groupId')}:${text(d, 'artifactId')}`,
      version: text(d, 'version') ?? '',
      bom: text(d, 'scope') === 'import' && text(d, 'type') === 'pom',
    })),
  };
}

/** A POM's text → its model (parents and BOMs fetched or read later are parsed with this). */
export function pomModelOf(text: string): PomModel | undefined {
  const { root } = parseXmlTree(text);
  return root?.name === 'project' ? pomModel(root) : undefined;
}

export function parsePom(text: string): { dependencies: Dependency[]; problems: ParseProblem[]; indexes: string[]; model?: PomModel } {
  const { root, problems } = parseXmlTree(text);
  const out: { dependencies: Dependency[]; problems: ParseProblem[]; indexes: string[]; model?: PomModel } = { dependencies: [], problems, indexes: [] };
  if (!root) return out;
  if (root.name !== 'project') {
    problems.push({ message: 'A pom.xml must have <project> as its root element.', range: { start: root.start, end: root.start } });
    return out;
  }
  const model = pomModel(root);
  const properties = new Map(model.properties);
  if (model.version) properties.set('project.version', model.version);
  if (model.parent) properties.set('project.parent.version', model.parent.version);
  const resolve = (value: string) => resolveProperties(value, properties);
  const managed = new Map<string, string>();
  for (const entry of model.managed) {
    const resolved = resolve(entry.version);
    if (resolved) managed.set(entry.key, resolved);
  }
  for (const repository of childrenOf(childOf(root, 'repositories'), 'repository')) {
    const url = childOf(repository, 'url')?.text;
    if (url) out.indexes.push(url);
  }
  for (const d of childrenOf(childOf(root, 'dependencies'), 'dependency')) out.dependencies.push(...dependencyOf(d, resolve, managed, problems));
  out.model = model;
  return out;
}

/** `${name}` references replaced from `properties` (nested ones too); undefined when one stays unknown. */
export function resolveProperties(value: string, properties: Map<string, string>): string | undefined {
  let result = value;
  for (let i = 0; i < 10 && /\$\{[^}]+\}/.test(result); i++) {
    const next = result.replace(/\$\{([^}]+)\}/g, (whole, name: string) => properties.get(name) ?? whole);
    if (next === result) break;
    result = next;
  }
  return /\$\{/.test(result) ? undefined : result;
}

function dependencyOf(d: XmlElement, resolve: (value: string) => string | undefined, managed: Map<string, string>, problems: ParseProblem[]): Dependency[] {
  const groupId = childOf(d, 'groupId');
  const artifactId = childOf(d, 'artifactId');
  if (!groupId?.text || !artifactId?.text) {
    problems.push({ message: 'A dependency needs <groupId> and <artifactId>.', range: { start: d.start, end: d.start } });
    return [];
  }
  const name = `${resolve(groupId.text) ?? groupId.text}:${resolve(artifactId.text) ?? artifactId.text}`;
  const versionElement = childOf(d, 'version');
  const written = versionElement?.text;
  const version = written ? resolve(written) : managed.get(name);
  const nameRange = artifactId.textRange ?? { start: d.start, end: d.start };
  const specRange = versionElement?.textRange ?? nameRange;
  const scope = childOf(d, 'scope')?.text;
  const type = childOf(d, 'type')?.text ?? 'jar';
  const unresolved = !version
    ? written
      ? `${written} is set outside this file (a parent POM or a property it does not define)`
      : 'its version comes from a parent POM or an imported BOM'
    : undefined;
  return [
    {
      ecosystem: 'maven',
      name,
      spec: written ?? version ?? '',
      // A range ([1.0,2.0)) is not one artifact: left unresolved.
      version: version && !/^[[(]/.test(version) ? version : undefined,
      group: scope === 'test' || scope === 'provided' ? 'devDependencies' : 'dependencies',
      nameRange,
      specRange,
      source:
        [type !== 'jar' ? type : undefined, childOf(d, 'classifier')?.text ? `classifier ${childOf(d, 'classifier')!.text}` : undefined, unresolved]
          .filter(Boolean)
          .join('; ') || undefined,
    },
  ];
}
