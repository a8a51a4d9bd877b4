// A real TUF repository on 127.0.0.1 (root, timestamp, snapshot, targets metadata signed with
// ed25519 keys, canonical JSON as the TUF specification requires) publishing a Sigstore
// trusted_root.json target — the shape of Sigstore's TUF repository, small enough for a test.

import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalize } from '@tufjs/canonical-json';
import { closeServer, listenOnLoopback } from './loopback';

type Role = 'root' | 'targets' | 'snapshot' | 'timestamp';

interface Key {
  id: string;
  publicJson: { keytype: 'ed25519'; scheme: 'ed25519'; keyval: { public: string } };
  privateKey: crypto.KeyObject;
}

function newKey(): Key {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  // The raw 32-byte key is the tail of its SPKI encoding.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const publicJson = { keytype: 'ed25519' as const, scheme: 'ed25519' as const, keyval: { public: raw.toString('hex') } };
  const id = crypto.createHash('sha256').update(canonicalize(publicJson)).digest('hex');
  return { id, publicJson, privateKey };
}

function sign(signed: Record<string, unknown>, keys: Key[]): string {
  const bytes = Buffer.from(canonicalize(signed));
  return JSON.stringify({ signed, signatures: keys.map((k) => ({ keyid: k.id, sig: crypto.sign(null, bytes, k.privateKey).toString('hex') })) });
}

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const inDays = (days: number) => isoSeconds(new Date(Date.now() + days * 86_400_000));

export interface TufRepositoryOptions {
  /** The target to publish as trusted_root.json. */
  trustedRoot: string;
  /** Serve bytes other than those the signed targets metadata describes (a tampered mirror). */
  tamperedTarget?: string;
  /** Make root v1 (the one clients start from) already expired, and publish a rotated root v2. */
  rotateFromExpiredRoot?: boolean;
}

export class TufRepository {
  private server?: http.Server;
  private readonly files = new Map<string, string>();
  /** The root a client is given to start from (what an application ships). */
  initialRoot = '';
  readonly requests: string[] = [];

  constructor(private readonly options: TufRepositoryOptions) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const name = (req.url ?? '/').replace(/^\/+/, '');
      this.requests.push(name);
      const body = this.files.get(name);
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(body ?? '{}');
    });
    await listenOnLoopback(this.server);
    this.build();
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private build(): void {
    const keys: Record<Role, Key> = { root: newKey(), targets: newKey(), snapshot: newKey(), timestamp: newKey() };
    const rootSigned = (version: number, expires: string, rootKey: Key) => ({
      _type: 'root',
      spec_version: '1.0.31',
      version,
      expires,
      consistent_snapshot: false,
      keys: Object.fromEntries([rootKey, keys.targets, keys.snapshot, keys.timestamp].map((k) => [k.id, k.publicJson])),
      roles: {
        root: { keyids: [rootKey.id], threshold: 1 },
        targets: { keyids: [keys.targets.id], threshold: 1 },
        snapshot: { keyids: [keys.snapshot.id], threshold: 1 },
        timestamp: { keyids: [keys.timestamp.id], threshold: 1 },
      },
    });
    if (this.options.rotateFromExpiredRoot) {
      const oldRootKey = newKey();
      this.initialRoot = sign(rootSigned(1, isoSeconds(new Date(Date.now() - 86_400_000)), oldRootKey), [oldRootKey]);
      // v2 is signed by the old root key (continuity) and by the new one (its own threshold).
      this.files.set('2.root.json', sign(rootSigned(2, inDays(365), keys.root), [oldRootKey, keys.root]));
    } else {
      this.initialRoot = sign(rootSigned(1, inDays(365), keys.root), [keys.root]);
    }
    this.files.set('1.root.json', this.initialRoot);

    const target = this.options.trustedRoot;
    const targets = {
      _type: 'targets',
      spec_version: '1.0.31',
      version: 1,
      expires: inDays(30),
      targets: { 'trusted_root.json': { length: Buffer.byteLength(target), hashes: { sha256: crypto.createHash('sha256').update(target).digest('hex') } } },
    };
    this.files.set('targets.json', sign(targets, [keys.targets]));
    this.files.set(
      'snapshot.json',
      sign({ _type: 'snapshot', spec_version: '1.0.31', version: 1, expires: inDays(7), meta: { 'targets.json': { version: 1 } } }, [keys.snapshot]),
    );
    this.files.set(
      'timestamp.json',
      sign({ _type: 'timestamp', spec_version: '1.0.31', version: 1, expires: inDays(1), meta: { 'snapshot.json': { version: 1 } } }, [keys.timestamp]),
    );
    this.files.set('targets/trusted_root.json', this.options.tamperedTarget ?? target);
  }
}
