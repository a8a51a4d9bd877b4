// A gem server on 127.0.0.1 for tests: the compact index (`info/<gem>`), the attestations API and
// `.gem` downloads, with the requests it saw (and their Authorization headers).

import * as http from 'node:http';
import { closeServer, listenOnLoopback } from './loopback';

export interface ServedGem {
  /** `name-version[-platform]`. */
  fullName: string;
  /** The `.gem` served; null: listed (index, attestations) but not served (404). */
  gem: Buffer | null;
  /** What the compact index lists as its sha256. */
  checksum: string;
  attestations: unknown[];
}

export class TestGemServer {
  private server?: http.Server;
  private port = 0;
  readonly gems: ServedGem[] = [];
  readonly requests: Array<{ path: string; authorization?: string }> = [];
  failing = false;

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', this.url).pathname;
      this.requests.push({ path, authorization: req.headers.authorization });
      const send = (status: number, body: string | Buffer, type = 'text/plain') => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (this.failing) return send(503, 'down');
      const info = /^\/info\/([^/]+)$/.exec(path);
      if (info) {
        const versions = this.gems.filter((g) => g.fullName.startsWith(`${info[1]}-`));
        if (versions.length === 0) return send(404, 'no such gem');
        return send(200, ['---', ...versions.map((g) => `${g.fullName.slice(info[1].length + 1)} |checksum:${g.checksum}`)].join('\n') + '\n');
      }
      const attestations = /^\/api\/v1\/attestations\/(.+)\.json$/.exec(path);
      if (attestations) {
        const gem = this.gems.find((g) => g.fullName === decodeURIComponent(attestations[1]));
        return gem ? send(200, JSON.stringify(gem.attestations), 'application/json') : send(404, 'not found');
      }
      const download = /^\/gems\/(.+)\.gem$/.exec(path);
      const gem = download && this.gems.find((g) => g.fullName === decodeURIComponent(download[1]));
      return gem?.gem ? send(200, gem.gem, 'application/octet-stream') : send(404, 'not found');
    });
    this.port = await listenOnLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}
