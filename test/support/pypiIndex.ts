// A Python package index on 127.0.0.1 for tests: the simple API (PEP 691 JSON, or PEP 503 HTML),
// PEP 740 provenance objects behind the `provenance` URLs, and the Integrity API path. Projects
// and their files are set per test; faults can be switched on.

import * as http from 'node:http';
import { closeServer, listenOnLoopback } from './loopback';

export interface IndexedFile {
  filename: string;
  sha256: string;
  /** The provenance object served for it; null: the index says it has none; undefined: not linked (Integrity API only). */
  provenance?: object | null;
  /** Served at the Integrity API path (for indexes that do not link provenance). */
  integrity?: object;
}

export type IndexFault = 'none' | 'http500' | 'html' | 'provenance500';

export class TestPypiIndex {
  private server?: http.Server;
  private port = 0;
  readonly projects = new Map<string, IndexedFile[]>();
  readonly requests: Array<{ path: string; authorization?: string; accept?: string }> = [];
  fault: IndexFault = 'none';

  get url(): string {
    return `http://127.0.0.1:${this.port}/simple/`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.port = await listenOnLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ path: url.pathname, authorization: req.headers.authorization, accept: req.headers.accept });
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const simple = /^\/simple\/([^/]+)\/$/.exec(url.pathname);
    if (simple) {
      if (this.fault === 'http500') return send(500, 'text/plain', 'down');
      const files = this.projects.get(simple[1]);
      if (!files) return send(404, 'text/plain', 'no such project');
      if (this.fault === 'html') {
        const anchors = files.map(
          (f) => `<a href="/files/${f.filename}#sha256=${f.sha256}"${f.provenance ? ` data-provenance="/provenance/${f.filename}"` : ''}>${f.filename}</a>`,
        );
        return send(200, 'text/html', `<!DOCTYPE html><html><body>${anchors.join('<br/>\n')}</body></html>`);
      }
      const entries = files.map((f) => ({
        filename: f.filename,
        url: `/files/${f.filename}`,
        hashes: { sha256: f.sha256 },
        ...(f.provenance === undefined ? {} : { provenance: f.provenance === null ? null : `/provenance/${f.filename}` }),
      }));
      return send(200, 'application/vnd.pypi.simple.v1+json', JSON.stringify({ meta: { 'api-version': '1.1' }, name: simple[1], files: entries }));
    }
    const provenance = /^\/provenance\/([^/]+)$/.exec(url.pathname);
    const integrity = /^\/integrity\/[^/]+\/[^/]+\/([^/]+)\/provenance$/.exec(url.pathname);
    const filename = provenance?.[1] ?? integrity?.[1];
    if (filename) {
      if (this.fault === 'provenance500') return send(500, 'text/plain', 'down');
      const file = [...this.projects.values()].flat().find((f) => f.filename === decodeURIComponent(filename));
      const body = provenance ? file?.provenance : file?.integrity;
      return body ? send(200, 'application/json', JSON.stringify(body)) : send(404, 'text/plain', 'none');
    }
    send(404, 'text/plain', 'not found');
  }
}

/** The provenance object an index serves for one attestation by one publisher. */
export function provenanceObject(attestation: object, publisher: object): object {
  return { version: 1, attestation_bundles: [{ publisher, attestations: [attestation] }] };
}
