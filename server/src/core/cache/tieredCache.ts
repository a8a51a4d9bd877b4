// Memory in front of disk. The disk tier is optional (`--no-cache`, or no storage folder).

import { type DiskCache } from './diskCache';
import { MemoryCache } from './memoryCache';

export class TieredCache<V> {
  private readonly memory: MemoryCache<V>;

  constructor(
    memoryEntries: number,
    private readonly disk: DiskCache<V> | undefined,
  ) {
    this.memory = new MemoryCache<V>(memoryEntries);
  }

  async get(key: string): Promise<V | undefined> {
    const hit = this.memory.get(key);
    if (hit !== undefined) return hit;
    const fromDisk = await this.disk?.get(key);
    if (fromDisk !== undefined) this.memory.set(key, fromDisk);
    return fromDisk;
  }

  async set(key: string, value: V): Promise<void> {
    this.memory.set(key, value);
    await this.disk?.set(key, value).catch(() => undefined); // a full or read-only disk only costs speed
  }

  /** Persists pending disk writes. */
  async flush(): Promise<void> {
    await this.disk?.flush();
  }

  clearMemory(): void {
    this.memory.clear();
  }
}
