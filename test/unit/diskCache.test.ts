import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_KEY_ENV, cacheKeyFile, cacheSecret } from '../../server/src/core/cache/cacheSecret';
import { DiskCache } from '../../server/src/core/cache/diskCache';
import { MemoryCache } from '../../server/src/core/cache/memoryCache';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pl-disk-'));
const SECRET = crypto.randomBytes(32);

describe('disk cache', () => {
  it('survives a new instance (a restart)', async () => {
    const dir = tempDir();
    const a = new DiskCache<{ n: number }>({ dir, maxEntries: 1000, maxAgeMs: 60_000, secret: SECRET });
    await a.set('k1', { n: 1 });
    await a.flush();
    const b = new DiskCache<{ n: number }>({ dir, maxEntries: 1000, maxAgeMs: 60_000, secret: SECRET });
    assert.deepEqual(await b.get('k1'), { n: 1 });
    assert.equal(await b.get('k2'), undefined);
  });

  it('drops a corrupted shard and answers miss', async () => {
    const dir = tempDir();
    const a = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 60_000, secret: SECRET });
    await a.set('k', 1);
    await a.flush();
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), '\u0000garbage');
    const b = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 60_000, secret: SECRET });
    assert.equal(await b.get('k'), undefined);
    assert.deepEqual(fs.readdirSync(dir), [], 'the corrupted shard is removed');
  });

  it('forgets entries older than the maximum age', async () => {
    const dir = tempDir();
    const a = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 1, secret: SECRET });
    await a.set('k', 1);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(await a.get('k'), undefined);
  });

  it('stays within its size bound', async () => {
    const dir = tempDir();
    const a = new DiskCache<number>({ dir, maxEntries: 64, maxAgeMs: 60_000, secret: SECRET });
    for (let i = 0; i < 1000; i++) await a.set(`k${i}`, i);
    await a.flush();
    const stored = fs.readdirSync(dir).reduce((n, f) => n + Object.keys(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).entries).length, 0);
    assert.ok(stored <= 64, `${stored} entries on disk`);
  });

  it('merges with what another process wrote', async () => {
    const dir = tempDir();
    const a = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 60_000, secret: SECRET });
    const b = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 60_000, secret: SECRET });
    await a.get('x'); // both have loaded the (empty) shards
    await b.get('x');
    for (let i = 0; i < 50; i++) await a.set(`a${i}`, i);
    await a.flush();
    for (let i = 0; i < 50; i++) await b.set(`b${i}`, i);
    await b.flush();
    const c = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 60_000, secret: SECRET });
    assert.equal(await c.get('a7'), 7);
    assert.equal(await c.get('b7'), 7);
  });

  it('does not trust an entry edited on disk, or one sealed under another key (a planted cache)', async () => {
    const dir = tempDir();
    const a = new DiskCache<{ verdict: string }>({ dir, maxEntries: 1000, maxAgeMs: 60_000, secret: SECRET });
    await a.set('pkg', { verdict: 'invalid' });
    await a.set('other', { verdict: 'invalid' });
    await a.flush();
    for (const f of fs.readdirSync(dir)) {
      const file = path.join(dir, f);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('"invalid"', '"verified"'));
    }
    const b = new DiskCache<{ verdict: string }>({ dir, maxEntries: 1000, maxAgeMs: 60_000, secret: SECRET });
    assert.equal(await b.get('pkg'), undefined, 'an edited entry is a miss');
    const planted = tempDir();
    const theirs = new DiskCache<{ verdict: string }>({ dir: planted, maxEntries: 1000, maxAgeMs: 60_000, secret: crypto.randomBytes(32) });
    await theirs.set('pkg', { verdict: 'verified' });
    await theirs.flush();
    const ours = new DiskCache<{ verdict: string }>({ dir: planted, maxEntries: 1000, maxAgeMs: 60_000, secret: SECRET });
    assert.equal(await ours.get('pkg'), undefined, 'an entry sealed under another key is a miss');
    assert.deepEqual(await theirs.get('pkg'), { verdict: 'verified' });
  });

  it('keeps its key beside the cache directory, not in it, or takes it from the environment', () => {
    const parent = tempDir();
    const dir = path.join(parent, 'cache');
    const first = cacheSecret(dir, {});
    assert.equal(cacheKeyFile(dir), path.join(parent, 'cache.key'));
    assert.equal(fs.statSync(cacheKeyFile(dir)).mode & 0o777, 0o600);
    assert.ok(first.equals(cacheSecret(dir, {})), 'the same key next time');
    assert.ok(!fs.existsSync(dir) || !fs.readdirSync(dir).some((f) => f.includes('key')));
    assert.ok(!cacheSecret(dir, { [CACHE_KEY_ENV]: 'ci-secret' }).equals(first));
  });
});

describe('memory cache', () => {
  it('evicts the least recently used entry', () => {
    const m = new MemoryCache<number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.get('a');
    m.set('c', 3);
    assert.equal(m.get('b'), undefined);
    assert.equal(m.get('a'), 1);
    assert.equal(m.size, 2);
  });
});
