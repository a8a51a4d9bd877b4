// The checksum database's log is an RFC 6962 Merkle tree served as tiles (golang.org/x/mod/sumdb/tlog):
// a tile at level L holds up to 256 consecutive hashes of complete subtrees of height 8·L. Proving
// that a record is in a signed tree: recompute the tree's root from the record's own leaf hash and
// the tiles' hashes for everything else, and compare with the signed root. The tiles need no trust:
// any wrong hash makes the root differ.

import * as crypto from 'node:crypto';

export const TILE_HEIGHT = 8;
const TILE_WIDTH = 1 << TILE_HEIGHT;

export function leafHash(record: Buffer): Buffer {
  return crypto
    .createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), record]))
    .digest();
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return crypto
    .createHash('sha256')
    .update(Buffer.concat([Buffer.from([1]), left, right]))
    .digest();
}

/** `/tile/8/<level>/<index>[.p/<width>]`, the index in three-digit groups (`x001/x234/067`). */
export function tilePath(level: number, index: number, width: number): string {
  let digits = String(index % 1000).padStart(3, '0');
  for (let n = Math.floor(index / 1000); n > 0; n = Math.floor(n / 1000)) digits = `x${String(n % 1000).padStart(3, '0')}/${digits}`;
  return `tile/${TILE_HEIGHT}/${level}/${digits}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

/** Reads a tile's bytes (width × 32 hashes). */
export type TileReader = (level: number, index: number, width: number) => Promise<Buffer>;

/** Whether record `index`, hashing to `leaf`, is in the tree of `size` records with root `root`. */
export async function proveRecord(index: number, leaf: Buffer, size: number, root: Buffer, readTile: TileReader): Promise<boolean> {
  if (index < 0 || index >= size) return false;
  const tiles = new Map<string, Promise<Buffer>>();
  /** The hash of the complete, aligned subtree of height `height` whose leaves start at `start`. */
  const complete = async (start: number, height: number): Promise<Buffer> => {
    const level = Math.floor(height / TILE_HEIGHT);
    const below = height - level * TILE_HEIGHT;
    const first = start / 2 ** (level * TILE_HEIGHT);
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const stored = Math.floor(size / 2 ** (level * TILE_HEIGHT));
    const width = Math.min(TILE_WIDTH, stored - tileIndex * TILE_WIDTH);
    const key = `${level}/${tileIndex}/${width}`;
    if (!tiles.has(key)) tiles.set(key, readTile(level, tileIndex, width));
    const tile = await tiles.get(key)!;
    if (tile.length !== width * 32) throw new Error(`tile ${key} has ${tile.length} bytes, not ${width * 32}`);
    let hashes: Buffer[] = [];
    for (let i = first - tileIndex * TILE_WIDTH; i < first - tileIndex * TILE_WIDTH + 2 ** below; i++) hashes.push(tile.subarray(i * 32, i * 32 + 32));
    while (hashes.length > 1) hashes = hashes.reduce<Buffer[]>((next, h, i) => (i % 2 ? next : [...next, nodeHash(h, hashes[i + 1])]), []);
    return hashes[0];
  };
  /** RFC 6962's MTH of leaves [lo, hi), with the record's own leaf hash where it belongs. */
  const subtree = async (lo: number, hi: number): Promise<Buffer> => {
    const n = hi - lo;
    if (n === 1 && lo === index) return leaf;
    const powerOfTwo = (n & (n - 1)) === 0;
    if (powerOfTwo && (index < lo || index >= hi)) return complete(lo, Math.log2(n));
    const k = 2 ** Math.floor(Math.log2(n - 1));
    return nodeHash(await subtree(lo, lo + k), await subtree(lo + k, hi));
  };
  return (await subtree(0, size)).equals(root);
}
