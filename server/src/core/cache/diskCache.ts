// The disk tier: entries spread over 64 shard files by the sha256 of their key, each shard a JSON
// object read once and rewritten (merged with what is on disk, then renamed into place) a moment
// after it changes. A few dozen files instead of one per package keeps a cold run from spending
// its time in the file system and a warm run from opening thousands of files.
// Every entry repeats its key, carries a time and is sealed with an HMAC under a key kept outside
// the cache directory (cacheSecret.ts); a shard that does not parse, or an entry that is malformed,
// too old or not sealed by us, is dropped: a corrupted or planted cache costs a re-verification,
// never a verdict.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

// 4: reason codes from one table (core/reasons.ts); entries judged with the older codes are dropped.
const SCHEMA = 4;
const SHARDS = 64;
const FLUSH_DELAY_MS = 200;

interface Entry<V> {
  key: string;
  storedAt: number;
  value: V;
  /** HMAC-SHA256 of key, time and value under the cache secret. */
  seal: string;
}

interface ShardFile<V> {
  schema: number;
  entries: Record<string, Entry<V>>;
}

export interface DiskCacheOptions {
  dir: string;
  maxEntries: number;
  maxAgeMs: number;
  /** Seals entries; entries under another secret are not read. */
  secret: Buffer;
}

export class DiskCache<V> {
  private readonly shards = new Map<number, Promise<Map<string, Entry<V>>>>();
  private readonly dirty = new Set<number>();
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: DiskCacheOptions) {}

  async get(key: string): Promise<V | undefined> {
    const { shard, id } = this.locate(key);
    const entries = await this.load(shard);
    const entry = entries.get(id);
    if (!entry) return undefined;
    if (entry.key !== key || Date.now() - entry.storedAt >= this.options.maxAgeMs || entry.value === undefined || !this.sealed(entry)) {
      entries.delete(id);
      this.markDirty(shard);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: V): Promise<void> {
    const { shard, id } = this.locate(key);
    const entries = await this.load(shard);
    const storedAt = Date.now();
    entries.set(id, { key, storedAt, value, seal: this.seal(key, storedAt, value) });
    this.markDirty(shard);
  }

  private seal(key: string, storedAt: number, value: V): string {
    return crypto
      .createHmac('sha256', this.options.secret)
      .update(JSON.stringify([key, storedAt, value]))
      .digest('base64');
  }

  private sealed(entry: Entry<V>): boolean {
    const expected = Buffer.from(this.seal(entry.key, entry.storedAt, entry.value));
    const actual = Buffer.from(String(entry.seal));
    return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
  }

  /** Writes every pending change now (the CLI calls this before it exits). */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const pending = [...this.dirty];
    this.dirty.clear();
    this.flushing = this.flushing.then(() => Promise.all(pending.map((s) => this.write(s).catch(() => undefined))).then(() => undefined));
    await this.flushing;
  }

  private markDirty(shard: number): void {
    this.dirty.add(shard);
    this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
    this.flushTimer.unref?.();
  }

  private locate(key: string): { shard: number; id: string } {
    const id = crypto.createHash('sha256').update(key).digest('hex');
    return { shard: parseInt(id.slice(0, 2), 16) % SHARDS, id };
  }

  private load(shard: number): Promise<Map<string, Entry<V>>> {
    let pending = this.shards.get(shard);
    if (!pending) {
      pending = this.read(shard);
      this.shards.set(shard, pending);
    }
    return pending;
  }

  private async read(shard: number): Promise<Map<string, Entry<V>>> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.fileFor(shard), 'utf8');
    } catch {
      return new Map();
    }
    try {
      const file = JSON.parse(text) as ShardFile<V>;
      if (file?.schema === SCHEMA && typeof file.entries === 'object' && file.entries !== null) {
        return new Map(Object.entries(file.entries).filter(([, e]) => isEntry(e)));
      }
    } catch {
      // corrupted: start the shard afresh
    }
    await fs.promises.rm(this.fileFor(shard), { force: true });
    return new Map();
  }

  /** Merges with what another process may have written meanwhile, bounds the size, and renames into place. */
  private async write(shard: number): Promise<void> {
    const mine = await this.load(shard);
    const onDisk = await this.read(shard);
    for (const [id, entry] of onDisk) {
      const ours = mine.get(id);
      if (!ours || ours.storedAt < entry.storedAt) mine.set(id, entry);
    }
    const perShard = Math.max(1, Math.ceil(this.options.maxEntries / SHARDS));
    const now = Date.now();
    const kept = [...mine.entries()]
      .filter(([, e]) => now - e.storedAt < this.options.maxAgeMs)
      .sort((a, b) => b[1].storedAt - a[1].storedAt)
      .slice(0, perShard);
    mine.clear();
    for (const [id, e] of kept) mine.set(id, e);
    const file: ShardFile<V> = { schema: SCHEMA, entries: Object.fromEntries(kept) };
    await fs.promises.mkdir(this.options.dir, { recursive: true });
    const target = this.fileFor(shard);
    // Write-then-rename: a crash never leaves a half-written shard under the real name.
    const temp = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fs.promises.writeFile(temp, JSON.stringify(file));
    await fs.promises.rename(temp, target);
  }

  private fileFor(shard: number): string {
    return path.join(this.options.dir, `shard-${shard.toString().padStart(2, '0')}.json`);
  }
}

function isEntry(e: unknown): boolean {
  const entry = e as Entry<unknown>;
  return typeof entry === 'object' && entry !== null && typeof entry.key === 'string' && typeof entry.storedAt === 'number';
}
