// A folder of small JSON files, one per entry, named by the sha256 of the key. Each file repeats
// its key and a schema number; anything unreadable, mismatched or too old is deleted and treated
// as a miss, so a corrupted cache costs a re-verification, never a wrong verdict.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SCHEMA = 1;

interface Envelope<V> {
  schema: number;
  key: string;
  storedAt: number;
  value: V;
}

export interface DiskCacheOptions {
  dir: string;
  maxEntries: number;
  maxAgeMs: number;
}

export class DiskCache<V> {
  private writesSincePrune = 0;

  constructor(private readonly options: DiskCacheOptions) {}

  async get(key: string): Promise<V | undefined> {
    const file = this.fileFor(key);
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const envelope = JSON.parse(text) as Envelope<V>;
      if (envelope.schema === SCHEMA && envelope.key === key && Date.now() - envelope.storedAt < this.options.maxAgeMs && envelope.value !== undefined) {
        return envelope.value;
      }
    } catch {
      // fall through: corrupted
    }
    await fs.promises.rm(file, { force: true });
    return undefined;
  }

  async set(key: string, value: V): Promise<void> {
    const file = this.fileFor(key);
    const envelope: Envelope<V> = { schema: SCHEMA, key, storedAt: Date.now(), value };
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // Write-then-rename so a crash never leaves a half-written entry under the real name.
    const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fs.promises.writeFile(temp, JSON.stringify(envelope));
    await fs.promises.rename(temp, file);
    if (++this.writesSincePrune >= Math.max(50, this.options.maxEntries / 10)) {
      this.writesSincePrune = 0;
      await this.prune();
    }
  }

  /** Keeps the newest `maxEntries` files. */
  async prune(): Promise<void> {
    let names: string[];
    try {
      names = (await fs.promises.readdir(this.options.dir)).filter((n) => n.endsWith('.json'));
    } catch {
      return;
    }
    if (names.length <= this.options.maxEntries) return;
    const stats = await Promise.all(
      names.map(async (name) => {
        const file = path.join(this.options.dir, name);
        const stat = await fs.promises.stat(file).catch(() => undefined);
        return { file, mtime: stat?.mtimeMs ?? 0 };
      }),
    );
    stats.sort((a, b) => a.mtime - b.mtime);
    await Promise.all(stats.slice(0, stats.length - this.options.maxEntries).map((s) => fs.promises.rm(s.file, { force: true })));
  }

  private fileFor(key: string): string {
    return path.join(this.options.dir, crypto.createHash('sha256').update(key).digest('hex') + '.json');
  }
}
