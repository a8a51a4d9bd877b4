// Versions a pom.xml leaves to others, resolved as Maven resolves them: its parent chain (the
// parent's relativePath on disk when it is that parent, else the parent POM from the repository)
// gives inherited properties and dependencyManagement, and BOMs imported in dependencyManagement
// give managed versions. Each POM is read or fetched once.

import * as path from 'node:path';
import { type PomModel, pomModelOf, resolveProperties } from './pom';
import type { HttpClient } from '../../http/http';
import { readTextIfExists } from '../../readText';

const MAX_DEPTH = 8;

export class PomResolver {
  private readonly poms = new Map<string, Promise<PomModel | undefined>>();

  constructor(private readonly http: HttpClient) {}

  /**
   * The version of `name` (`group:artifact`) as written (`${…}`, or empty when managed elsewhere),
   * with the POM at `file` (model `model`) and what it inherits and imports; undefined when none says.
   */
  async versionOf(name: string, written: string, file: string, model: PomModel, repositories: string[], signal?: AbortSignal): Promise<string | undefined> {
    const chain = await this.chain(model, path.dirname(file), repositories, signal);
    // Properties: the nearest POM wins; project.version is the POM's own.
    const properties = new Map<string, string>();
    for (const pom of [...chain].reverse()) for (const [key, value] of pom.properties) properties.set(key, value);
    if (model.version) properties.set('project.version', model.version);
    if (model.parent) properties.set('project.parent.version', model.parent.version);
    const resolve = (value: string) => resolveProperties(value, properties) || undefined;
    if (written) return resolve(written);
    for (const pom of chain) {
      for (const entry of pom.managed) if (!entry.bom && entry.key === name) return resolve(entry.version);
      for (const entry of pom.managed.filter((m) => m.bom)) {
        const version = resolve(entry.version);
        const bom = version ? await this.fetch(entry.key, version, repositories, signal) : undefined;
        const fromBom = bom && (await this.versionOf(name, '', '', bom, repositories, signal).catch(() => undefined));
        if (fromBom) return fromBom;
      }
    }
    return undefined;
  }

  /** The POM and its ancestors, nearest first. */
  private async chain(model: PomModel, dir: string, repositories: string[], signal?: AbortSignal): Promise<PomModel[]> {
    const chain = [model];
    let current = model;
    let currentDir: string | undefined = dir;
    while (current.parent && chain.length < MAX_DEPTH) {
      const { groupId, artifactId, version, relativePath } = current.parent;
      const localFile: string | undefined =
        currentDir && relativePath ? path.resolve(currentDir, relativePath.endsWith('.xml') ? relativePath : path.join(relativePath, 'pom.xml')) : undefined;
      const local: PomModel | undefined = localFile ? pomModelOf(readTextIfExists(localFile) ?? '') : undefined;
      // The file at relativePath counts only when it is that parent.
      const parent: PomModel | undefined =
        local && local.artifactId === artifactId && (local.groupId ?? groupId) === groupId
          ? local
          : await this.fetch(`${groupId}:${artifactId}`, version, repositories, signal);
      if (!parent) break;
      chain.push(parent);
      currentDir = parent === local ? path.dirname(localFile!) : undefined;
      current = parent;
    }
    return chain;
  }

  private fetch(name: string, version: string, repositories: string[], signal?: AbortSignal): Promise<PomModel | undefined> {
    const [group, artifact] = name.split(':');
    const relative = `${group.replace(/\./g, '/')}/${artifact}/${version}/${artifact}-${version}.pom`;
    const key = `${repositories.join(' ')}\n${relative}`;
    let pending = this.poms.get(key);
    if (!pending) {
      pending = (async () => {
        for (const repository of repositories) {
          const response = await this.http.get(`${repository.replace(/\/+$/, '')}/${relative}`, { accept: 'application/xml', signal });
          if (response.status !== 404) return pomModelOf(response.body.toString('utf8'));
        }
        return undefined;
      })();
      // A failed fetch is not remembered: the next check may reach the repository.
      pending.catch(() => this.poms.delete(key));
      this.poms.set(key, pending);
    }
    return pending;
  }
}
