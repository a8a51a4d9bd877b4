// The provenance tree, served one level at a time: files → dependencies (a lockfile's transitive
// ones under the package that requires them) → the evidence behind each verdict. Node ids encode
// their path, so a package required from two places appears twice with two ids; children are
// computed only when asked for, which keeps a 5,000-package workspace cheap.

import { reachable } from '../core/reachable';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { type LockGraph, lockGraph } from '../core/ecosystems/npm/lockGraph';
import { sbomGraph } from '../core/sbom/graph';
import type { Dependency } from '../core/dependency';
import { type PackageResult, commitUrl } from '../core/result';
import type { SbomSignature } from '../core/sbom/review';
import type { TreeNode, TreeVerdict } from '../shared/protocol';
import type { FileView } from './documentChecks';
import { evidenceNodes } from './treeEvidence';

const PROBLEMS: ReadonlySet<TreeVerdict> = new Set(['invalid', 'unsigned', 'policy-violation']);
const SEARCH_LIMIT = 200;

/** Derived per file revision: the lockfile graph and which packages lead to a problem. */
interface FileIndex {
  revision: number;
  byKey: Map<string, Dependency>;
  graph?: LockGraph;
  /** Keys of packages that have a problem or require (transitively) one that has. */
  leadsToProblem: Set<string>;
}

/** Another part of the tree with its own ids (the signed local files). */
export interface TreeSection {
  roots(problemsOnly: boolean): TreeNode[];
  /** Undefined when the id is not the section's. */
  children(id: string, problemsOnly: boolean): TreeNode[] | undefined;
  node(id: string): TreeNode | undefined;
  /** The signature of a file of the tree itself (a signed SBOM), shown on its node. */
  signatureOf?(uri: string): SbomSignature | undefined;
}

export class ProvenanceTree {
  private readonly indexes = new Map<string, FileIndex>();

  constructor(
    private readonly files: () => FileView[],
    private readonly file: (uri: string) => FileView | undefined,
    private readonly workspaceFolders: () => string[],
    private readonly section?: TreeSection,
  ) {}

  children(parentId: string | undefined, problemsOnly: boolean): TreeNode[] {
    if (!parentId) return [...this.fileNodes(problemsOnly), ...(this.section?.roots(problemsOnly) ?? [])];
    const fromSection = this.section?.children(parentId, problemsOnly);
    if (fromSection) return fromSection;
    const parsed = parseId(parentId);
    const view = parsed && this.file(parsed.uri);
    if (!parsed || !view || parsed.evidence) return [];
    const index = this.index(view);
    if (parsed.key === undefined) {
      const keys = index.graph ? index.graph.roots : view.parsed.dependencies.map(keyOf);
      return this.packageNodes(view, index, parentId, keys, problemsOnly);
    }
    const dependency = index.byKey.get(parsed.key);
    if (!dependency) return [];
    const result = view.result(dependency);
    const evidence = result ? evidenceNodes(parentId, result) : [];
    const required = index.graph?.children.get(parsed.key) ?? [];
    return [...evidence, ...this.packageNodes(view, index, parentId, required, problemsOnly)];
  }

  /** A node by id (for "reveal"), rebuilt from its path. */
  node(id: string): TreeNode | undefined {
    const fromSection = this.section?.node(id);
    if (fromSection) return fromSection;
    const parsed = parseId(id);
    const view = parsed && this.file(parsed.uri);
    if (!parsed || !view) return undefined;
    if (parsed.key === undefined && !parsed.evidence) return this.fileNode(view);
    const siblings = this.children(parentOf(id), false);
    return siblings.find((n) => n.id === id);
  }

  /** Packages whose name contains the query, each at its shallowest place in the tree. */
  search(query: string): TreeNode[] {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const out: TreeNode[] = [];
    for (const view of this.files()) {
      const index = this.index(view);
      const fileId = fileIdOf(view.uri);
      // Breadth first from the file, so each package is found at its shallowest path.
      const seen = new Set<string>();
      let level = (index.graph ? index.graph.roots : view.parsed.dependencies.map(keyOf)).map((key) => ({ key, parentId: fileId }));
      while (level.length > 0 && out.length < SEARCH_LIMIT) {
        const next: typeof level = [];
        for (const { key, parentId } of level) {
          if (seen.has(key)) continue;
          seen.add(key);
          const dependency = index.byKey.get(key);
          if (!dependency) continue;
          const id = `${parentId}>${key}`;
          if (dependency.name.toLowerCase().includes(q)) out.push(this.packageNode(view, index, id, parentId, dependency));
          for (const child of index.graph?.children.get(key) ?? []) next.push({ key: child, parentId: id });
        }
        level = next;
      }
    }
    return out.slice(0, SEARCH_LIMIT);
  }

  /** The dependency a package node stands for, for "re-verify". */
  dependencyOf(id: string): { uri: string; dependency: Dependency } | undefined {
    const parsed = parseId(id);
    const view = parsed && this.file(parsed.uri);
    const dependency = parsed?.key !== undefined && view ? this.index(view).byKey.get(parsed.key) : undefined;
    return dependency && { uri: parsed!.uri, dependency };
  }

  private fileNodes(problemsOnly: boolean): TreeNode[] {
    const nodes = this.files()
      // Files that hold nothing to verify (the policy, YAML that is not a manifest) stay out of the view.
      .filter(
        (view) => view.parsed.kind !== 'policy' && (view.parsed.kind.startsWith('npm') || view.parsed.dependencies.length + view.parsed.problems.length > 0),
      )
      .sort((a, b) => a.uri.localeCompare(b.uri))
      .map((view) => this.fileNode(view));
    return problemsOnly ? nodes.filter((n) => n.verdict && PROBLEMS.has(n.verdict)) : nodes;
  }

  private fileNode(view: FileView): TreeNode {
    const counts = new Map<TreeVerdict, number>();
    for (const d of view.parsed.dependencies) {
      const v = verdictOf(view.result(d));
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    // A signed file's own signature counts like one of its packages: a broken signature marks the file.
    const signature = this.section?.signatureOf?.(view.uri);
    const signed = signature && (signature.verdict === 'verified' ? `signed by ${signature.signer ?? 'a trusted signer'}` : `signature ${signature.verdict}`);
    const worst = (['invalid', 'policy-violation', 'unsigned', 'unverifiable', 'pending', 'verified'] as TreeVerdict[]).find(
      (v) => counts.get(v) || (signature?.verdict === v && v !== 'unsigned'),
    );
    const parts = (['verified', 'invalid', 'policy-violation', 'unsigned', 'unverifiable', 'pending'] as TreeVerdict[])
      .filter((v) => counts.get(v))
      .map((v) => `${counts.get(v)} ${v}`);
    const file = URI.parse(view.uri).fsPath;
    return {
      id: fileIdOf(view.uri),
      kind: 'file',
      label: this.relativePath(file),
      description: [parts.join(' · ') || 'no dependencies', signed].filter(Boolean).join(' · '),
      tooltip: `**${file}**\n\n${view.parsed.dependencies.length} packages: ${parts.join(', ') || 'none'}${signature ? `\n\nSignature (${signature.source}): ${signature.verdict}. ${signature.reason}` : ''}`,
      verdict: worst,
      collapsible: view.parsed.dependencies.length > 0,
      uri: view.uri,
    };
  }

  private packageNodes(view: FileView, index: FileIndex, parentId: string, keys: string[], problemsOnly: boolean): TreeNode[] {
    const nodes: TreeNode[] = [];
    for (const key of keys) {
      const dependency = index.byKey.get(key);
      if (!dependency) continue;
      if (problemsOnly && !index.leadsToProblem.has(key)) continue;
      nodes.push(this.packageNode(view, index, `${parentId}>${key}`, parentId, dependency));
    }
    return nodes;
  }

  private packageNode(view: FileView, index: FileIndex, id: string, parentId: string, dependency: Dependency): TreeNode {
    const result = view.result(dependency);
    const verdict = verdictOf(result);
    const requires = index.graph?.children.get(keyOf(dependency))?.length ?? 0;
    const below = !PROBLEMS.has(verdict) && index.leadsToProblem.has(keyOf(dependency)) ? ' · problems below' : '';
    const version = result?.version ?? dependency.version ?? dependency.spec;
    return {
      id,
      parentId,
      kind: 'package',
      // Images as written in the file (`nginx:1.25`); packages as name@version.
      label: dependency.image ? dependency.image.written : `${dependency.name}@${version}`,
      description: `${verdict}${requires ? ` · ${requires} ${requires === 1 ? 'dependency' : 'dependencies'}` : ''}${below}`,
      tooltip: result ? `**${result.name}@${version}** — ${verdict}\n\n${result.reason}` : `${dependency.name}: verification pending`,
      verdict,
      collapsible: true,
      uri: view.uri,
      range: dependency.specRange,
      purl: result?.purl,
      logEntryUrl: result?.provenanceDetails?.logEntryUrl,
      commitUrl: commitUrl(result?.provenanceDetails),
    };
  }

  private index(view: FileView): FileIndex {
    const cached = this.indexes.get(view.uri);
    if (cached && cached.revision === view.revision) return cached;
    const byKey = new Map(view.parsed.dependencies.map((d) => [keyOf(d), d]));
    const { parsed } = view;
    const graph =
      parsed.kind === 'npm-lockfile'
        ? lockGraph(parsed.dependencies, parsed.rootRequires)
        : parsed.sbom
          ? sbomGraph(parsed.sbom, parsed.dependencies, keyOf)
          : undefined;
    const index: FileIndex = { revision: view.revision, byKey, graph, leadsToProblem: leadsToProblem(view, byKey, graph) };
    this.indexes.set(view.uri, index);
    return index;
  }

  private relativePath(file: string): string {
    for (const folder of this.workspaceFolders()) {
      const rel = path.relative(folder, file);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
    }
    return file;
  }
}

/** Reverse reachability from every package with a problem: who leads to one. */
function leadsToProblem(view: FileView, byKey: Map<string, Dependency>, graph: LockGraph | undefined): Set<string> {
  const parents = new Map<string, string[]>();
  for (const [from, tos] of graph?.children ?? []) for (const to of tos) parents.set(to, [...(parents.get(to) ?? []), from]);
  return reachable(
    [...byKey].filter(([, d]) => PROBLEMS.has(verdictOf(view.result(d)))).map(([k]) => k),
    parents,
  );
}

export function verdictOf(result: PackageResult | undefined): TreeVerdict {
  return result ? result.verdict : 'pending';
}

/** A dependency's key within its file: the lockfile location, or group + name in a manifest. */
function keyOf(d: Dependency): string {
  // SBOM refs may hold any character: encoded, they cannot be taken for the id's separators (`>`, `#`).
  if (d.group === 'sbom') return `sbom:${encodeURIComponent(d.ref ?? `${d.name}@${d.version ?? ''}`)}`;
  return d.location ?? `${d.group}:${d.name}`;
}

// Ids: `f|<uri>` for files, then `>`-separated keys down the path: `f|<uri>>node_modules/a>node_modules/b`.
export function fileIdOf(uri: string): string {
  return `f|${uri}`;
}

function parseId(id: string): { uri: string; key?: string; evidence: boolean } | undefined {
  if (!id.startsWith('f|')) return undefined;
  const parts = id.slice(2).split('>');
  const last = parts.length > 1 ? parts[parts.length - 1] : undefined;
  // Evidence ids end in `#<kind>` (`…>node_modules/a#signature`); they have no children.
  const hash = last?.indexOf('#') ?? -1;
  return { uri: parts[0], key: hash >= 0 ? last!.slice(0, hash) : last, evidence: hash >= 0 };
}

function parentOf(id: string): string | undefined {
  const hash = id.lastIndexOf('#');
  if (hash > id.lastIndexOf('>')) return id.slice(0, hash);
  const idx = id.lastIndexOf('>');
  return idx < 0 ? undefined : id.slice(0, idx);
}
