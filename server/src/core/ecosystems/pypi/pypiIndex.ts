// A Python package index, through the simple repository API: PEP 691 JSON when the index speaks
// it, else the PEP 503 HTML page (the anchors, their `#sha256=` fragments and PEP 740's
// `data-provenance`). Gives each file of a project with its version, hashes and the URL of its
// provenance; and the provenance object itself. Nothing here names an index: the URL is the user's.

import { HttpError, type HttpClient } from '../../http/http';
import { normalizeName } from './pep508';

export interface IndexFile {
  filename: string;
  url: string;
  version?: string;
  sha256?: string;
  /** PEP 740: the provenance URL; null when the index says there is none; undefined when it does not say. */
  provenance?: string | null;
  yanked?: boolean;
}

const JSON_SIMPLE = 'application/vnd.pypi.simple.v1+json';
const ACCEPT = `${JSON_SIMPLE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01`;

export class PypiIndexClient {
  constructor(private readonly http: HttpClient) {}

  /** The files of a project on an index (`indexUrl`: the simple API's base, e.g. `…/simple/`); undefined when the index has no such project. */
  async files(indexUrl: string, project: string, signal?: AbortSignal): Promise<IndexFile[] | undefined> {
    const name = normalizeName(project);
    const pageUrl = new URL(`${encodeURIComponent(name)}/`, withSlash(indexUrl)).toString();
    const response = await this.http.get(pageUrl, { accept: ACCEPT, signal });
    if (response.status === 404) return undefined;
    const type = response.headers['content-type'] ?? '';
    const text = response.body.toString('utf8');
    const files = type.includes('json') ? fromJson(text, response.url) : fromHtml(text, response.url);
    return files.map((f) => ({ ...f, version: versionOf(f.filename, name) }));
  }

  /** A PEP 740 provenance object; undefined when there is none (404). */
  async provenance(url: string, signal?: AbortSignal): Promise<unknown | undefined> {
    const response = await this.http.get(url, { accept: 'application/vnd.pypi.integrity.v1+json, application/json', signal });
    if (response.status === 404) return undefined;
    try {
      return JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new HttpError('bad-body', `the provenance at ${new URL(url).host} is not JSON`);
    }
  }

  /** The file's provenance through the index's Integrity API, for indexes that do not link it from the simple API. */
  integrityUrl(indexUrl: string, project: string, version: string, filename: string): string {
    const origin = new URL(indexUrl).origin;
    return `${origin}/integrity/${encodeURIComponent(normalizeName(project))}/${encodeURIComponent(version)}/${encodeURIComponent(filename)}/provenance`;
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function fromJson(text: string, base: string): IndexFile[] {
  let page: { files?: Array<{ filename?: unknown; url?: unknown; hashes?: Record<string, unknown>; provenance?: unknown; yanked?: unknown }> };
  try {
    page = JSON.parse(text);
  } catch {
    throw new HttpError('bad-body', 'the index answered with JSON that does not parse');
  }
  return (Array.isArray(page?.files) ? page.files : []).flatMap((f) => {
    if (typeof f?.filename !== 'string' || typeof f.url !== 'string') return [];
    const sha256 = typeof f.hashes?.sha256 === 'string' ? f.hashes.sha256.toLowerCase() : undefined;
    const provenance = f.provenance === null ? null : typeof f.provenance === 'string' ? new URL(f.provenance, base).toString() : undefined;
    return [{ filename: f.filename, url: new URL(f.url, base).toString(), sha256, provenance, yanked: !!f.yanked }];
  });
}

/** PEP 503 anchors: `<a href="…#sha256=…" data-provenance="…">filename</a>`. */
function fromHtml(text: string, base: string): IndexFile[] {
  const files: IndexFile[] = [];
  for (const match of text.matchAll(/<a\s([^>]*)>([^<]*)<\/a>/gi)) {
    const attributes = new Map([...match[1].matchAll(/([\w-]+)\s*=\s*"([^"]*)"/g)].map((a) => [a[1].toLowerCase(), decodeEntities(a[2])]));
    const href = attributes.get('href');
    if (!href) continue;
    const url = new URL(href, base);
    const sha256 = /(?:^|&)sha256=([0-9a-f]{64})/i.exec(url.hash.slice(1))?.[1]?.toLowerCase();
    const provenance = attributes.get('data-provenance');
    files.push({
      filename: decodeEntities(match[2].trim()),
      url: url.toString(),
      sha256,
      provenance: provenance ? new URL(provenance, base).toString() : undefined,
      yanked: attributes.has('data-yanked'),
    });
  }
  return files;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** The version in a wheel or sdist file name (`name-1.2.3-py3-none-any.whl`, `name-1.2.3.tar.gz`). */
export function versionOf(filename: string, project: string): string | undefined {
  if (filename.endsWith('.whl')) return filename.split('-')[1];
  const stem = filename.replace(/\.(tar\.gz|tar\.bz2|tgz|zip|tar)$/, '');
  if (stem === filename) return undefined;
  // The name part may itself contain dashes: match the project name, normalised, at the start.
  for (let i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
    if (normalizeName(stem.slice(0, i)) === project) return stem.slice(i + 1);
  }
  return stem.slice(stem.lastIndexOf('-') + 1);
}
