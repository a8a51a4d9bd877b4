import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskCache } from '../../server/src/core/cache/diskCache';
import { MemoryCache } from '../../server/src/core/cache/memoryCache';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pl-disk-'));

describe('disk cache', () => {
  it('survives a new instance (a restart)', async () => {
    const dir = tempDir();
    const a = new DiskCache<{ n: number }>({ dir, maxEntries: 1000, maxAgeMs: 60_000 });
    await a.set('k1', { n: 1 });
    await a.flush();
    const b = new DiskCache<{ n: number }>({ dir, maxEntries: 1000, maxAgeMs: 60_000 });
    assert.deepEqual(await b.get('k1'), { n: 1 });
    assert.equal(await b.get('k2'), undefined);
  });

  it('drops a corrupted shard and answers miss', async () => {
    const dir = tempDir();
    const a = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 60_000 });
    await a.set('k', 1);
    await a.flush();
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), '\u0000garbage');
    const b = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 60_000 });
    assert.equal(await b.get('k'), undefined);
    assert.deepEqual(fs.readdirSync(dir), [], 'the corrupted shard is removed');
  });

  it('forgets entries older than the maximum age', async () => {
    const dir = tempDir();
    const a = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 1 });
    await a.set('k', 1);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(await a.get('k'), undefined);
  });

  it('stays within its size bound', async () => {
    const dir = tempDir();
    const a = new DiskCache<number>({ dir, maxEntries: 64, maxAgeMs: 60_000 });
    for (let i = 0; i < 1000; i++) await a.set(`k${i}`, i);
    await a.flush();
    const stored = fs.readdirSync(dir).reduce((n, f) => n + Object.keys(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).entries).length, 0);
    assert.ok(stored <= 64, `${stored} entries on disk`);
  });

  it('merges with what another process wrote', async () => {
    const dir = tempDir();
    const a = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 60_000 });
    const b = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 60_000 });
    await a.get('x'); // both have loaded the (empty) shards
    await b.get('x');
    for (let i = 0; i < 50; i++) await a.set(`a${i}`, i);
    await a.flush();
    for (let i = 0; i < 50; i++) await b.set(`b${i}`, i);
    await b.flush();
    const c = new DiskCache<number>({ dir, maxEntries: 1000, maxAgeMs: 60_000 });
    assert.equal(await c.get('a7'), 7);
    assert.equal(await c.get('b7'), 7);
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
