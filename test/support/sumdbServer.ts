// A Go checksum database on 127.0.0.1 for tests, with the real protocol: records in an RFC 6962
// log, stored hashes served as tiles (`/tile/8/L/…[.p/W]`), lookups answered with the record and a
// tree head signed as a note by the database's Ed25519 key (`vkey` is its verifier key). It sits
// behind a proxy path (`/sumdb/<name>/…`), as GOPROXY serves it.

import * as crypto from 'node:crypto';
import * as http from 'node:http';
import { closeServer, listenOnLoopback } from './loopback';

export interface SumRecord {
  module: string;
  version: string;
  zip: string;
  mod: string;
}

const H = 8;
const leaf = (data: Buffer) =>
  crypto
    .createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), data]))
    .digest();
const node = (l: Buffer, r: Buffer) =>
  crypto
    .createHash('sha256')
    .update(Buffer.concat([Buffer.from([1]), l, r]))
    .digest();

export class TestSumdb {
  readonly name = 'sumdb.test';
  readonly vkey: string;
  private readonly privateKey: crypto.KeyObject;
  private server?: http.Server;
  private port = 0;
  private records: SumRecord[] = [];
  private levels: Buffer[][] = [];
  readonly requests: string[] = [];
  /** Faults: a lookup answer that differs from the log, a tile with a flipped bit, a note signed by another key. */
  fault: 'none' | 'forged-record' | 'bad-tile' | 'other-key' = 'none';

  constructor() {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    const raw = Buffer.concat([Buffer.from([1]), publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)]);
    const hash = crypto
      .createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${this.name}\n`), raw]))
      .digest()
      .subarray(0, 4);
    this.vkey = `${this.name}+${hash.toString('hex')}+${raw.toString('base64')}`;
  }

  get proxy(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The log's records, in order; stored hashes are rebuilt. */
  setRecords(records: SumRecord[]): void {
    this.records = records;
    this.levels = [records.map((r) => leaf(this.recordText(r)))];
    while (this.levels[this.levels.length - 1].length >= 2 ** H) {
      const below = this.levels[this.levels.length - 1];
      const next: Buffer[] = [];
      for (let i = 0; i + 2 ** H <= below.length; i += 2 ** H) next.push(merkle(below.slice(i, i + 2 ** H)));
      this.levels.push(next);
    }
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req.url ?? '/', res));
    this.port = await listenOnLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private recordText(r: SumRecord): Buffer {
    return Buffer.from(`${r.module} ${r.version} ${r.zip}\n${r.module} ${r.version}/go.mod ${r.mod}\n`);
  }

  private note(): string {
    const text = `go.sum database tree\n${this.records.length}\n${merkle(this.levels[0]).toString('base64')}\n`;
    const key = this.fault === 'other-key' ? crypto.generateKeyPairSync('ed25519').privateKey : this.privateKey;
    const signature = crypto.sign(null, Buffer.from(text), key);
    const hash = Buffer.from(this.vkey.split('+')[1], 'hex');
    return `${text}\n— ${this.name} ${Buffer.concat([hash, signature]).toString('base64')}\n`;
  }

  private handle(url: string, res: http.ServerResponse): void {
    this.requests.push(url);
    const prefix = `/sumdb/${this.name}/`;
    const send = (status: number, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    };
    if (!url.startsWith(prefix)) return send(404, 'not found');
    const rest = url.slice(prefix.length);
    const lookup = /^lookup\/(.+)@(.+)$/.exec(rest);
    if (lookup) {
      const unescape = (s: string) => decodeURIComponent(s).replace(/!([a-z])/g, (_, c: string) => c.toUpperCase());
      const index = this.records.findIndex((r) => r.module === unescape(lookup[1]) && r.version === unescape(lookup[2]));
      if (index < 0) return send(404, 'not found');
      const record = this.fault === 'forged-record' ? { ...this.records[index], zip: `h1:${Buffer.alloc(32, 7).toString('base64')}` } : this.records[index];
      return send(200, `${index}\n${this.recordText(record).toString()}\n${this.note()}`);
    }
    const tile = /^tile\/8\/(\d+)\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d+))?$/.exec(rest);
    if (tile) {
      const level = Number(tile[1]);
      const index = Number(tile[2].replace(/x|\//g, ''));
      const width = tile[3] ? Number(tile[3]) : 2 ** H;
      const hashes = (this.levels[level] ?? []).slice(index * 2 ** H, index * 2 ** H + width);
      if (hashes.length !== width) return send(404, 'no such tile');
      const body = Buffer.concat(hashes);
      if (this.fault === 'bad-tile') body[0] ^= 1;
      return send(200, body);
    }
    send(404, 'not found');
  }
}

/** RFC 6962's Merkle tree hash of a list of leaf (or stored) hashes. */
function merkle(hashes: Buffer[]): Buffer {
  if (hashes.length === 1) return hashes[0];
  const k = 2 ** Math.floor(Math.log2(hashes.length - 1));
  return node(merkle(hashes.slice(0, k)), merkle(hashes.slice(k)));
}
