// Mutants of recorded evidence for the mutation suite. Walks a JSON value and yields copies that
// each differ in one place, in the ways an attacker or a broken registry would change evidence:
// bit flips in decoded bytes (signatures, certificates, hashes, log ids), one changed hex digit
// in digests, moved numbers and times, other media types, certificate chains in another order,
// and the same changes inside base64 payloads and JSON-in-strings (re-encoded, so the outer
// document stays well-formed and only the inner meaning changes).
//
// Flips happen in the decoded bytes, never in base64 text: a flip of a padding character's
// unused bits would change the text and not the evidence, and that mutant would be a false alarm.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Mutant {
  /** Where and how the value was changed: `verificationMaterial.tlogEntries.0.logIndex: +1`. */
  label: string;
  value: Json;
}

export interface MutationOptions {
  /** Paths (dotted, as in labels) left alone, each for a reason the caller writes down. */
  skip?: RegExp[];
  /** Bit flips per binary field besides the fixed ones (first, last, middle bytes). */
  randomFlips?: number;
  seed?: number;
}

const BUNDLE_TYPES = [
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.9',
];
const PAYLOAD_TYPES = ['application/vnd.in-toto+json', 'application/vnd.dev.cosign.simplesigning.v1+json', 'application/json'];

export function mutantsOf(root: Json, options: MutationOptions = {}): Mutant[] {
  const random = seeded(options.seed ?? 1);
  const out: Mutant[] = [];
  for (const [label, value] of mutate(root, '', { skip: options.skip ?? [], randomFlips: options.randomFlips ?? 3, random })) out.push({ label, value });
  return out;
}

interface Walk {
  skip: RegExp[];
  randomFlips: number;
  random: () => number;
}

function* mutate(value: Json, path: string, walk: Walk): Generator<[string, Json]> {
  if (walk.skip.some((re) => re.test(path))) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      for (const [label, changed] of mutate(value[i], join(path, String(i)), walk)) yield [label, value.map((v, j) => (j === i ? changed : v))];
    }
    if (value.length > 1 && value.every(isCertificateLike)) yield [`${path}: certificate chain re-ordered`, [...value].reverse()];
    return;
  }
  if (value !== null && typeof value === 'object') {
    const bundle = isBundle(value);
    for (const key of Object.keys(value)) {
      if (bundle && key === 'mediaType') {
        for (const other of BUNDLE_TYPES)
          if (!fitsVersion(value, version(other))) yield [`${join(path, key)}: media type ${other}`, { ...value, mediaType: other }];
        continue;
      }
      for (const [label, changed] of mutate(value[key], join(path, key), walk)) yield [label, { ...value, [key]: changed }];
    }
    return;
  }
  if (typeof value === 'number') {
    for (const [how, n] of numberChanges(value)) yield [`${path}: ${how}`, n];
    return;
  }
  if (typeof value === 'string') yield* mutateString(value, path, walk);
}

function* mutateString(text: string, path: string, walk: Walk): Generator<[string, Json]> {
  const json = jsonInside(text);
  if (json !== undefined) {
    for (const [label, changed] of mutate(json, `${path}{json}`, walk)) yield [label, JSON.stringify(changed)];
    return;
  }
  const clearSigned =
    /^(-----BEGIN PGP SIGNED MESSAGE-----\r?\n(?:[^\r\n]+\r?\n)*\r?\n)([\s\S]*?)(\r?\n-----BEGIN PGP SIGNATURE-----\r?\n(?:[^\r\n]+\r?\n)*\r?\n)([A-Za-z0-9+/=\r\n]+?)\r?\n(=[A-Za-z0-9+/]{4})(\r?\n-----END PGP SIGNATURE-----[\s\S]*)$/.exec(
      text,
    );
  if (clearSigned) {
    // An OpenPGP clear-signed message: every line of the signed text, and the signature packet's bytes (with a fresh armor checksum).
    const [, head, body, signatureHead, armored, , tail] = clearSigned;
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (!line.trim()) continue;
      const at = Math.floor(line.length / 2);
      const changed = line.slice(0, at) + (line[at] === 'x' ? 'y' : 'x') + line.slice(at + 1);
      yield [
        `${path}{signed text}: line ${i + 1} changed`,
        `${head}${lines.map((l, j) => (j === i ? changed : l)).join('\n')}${signatureHead}${armored}\n=${crc24(Buffer.from(armored.replace(/\s+/g, ''), 'base64'))}${tail}`,
      ];
    }
    for (const [how, bytes] of flips(Buffer.from(armored.replace(/\s+/g, ''), 'base64'), walk)) {
      yield [`${path}{signature}: ${how}`, `${head}${body}${signatureHead}${wrap(bytes.toString('base64'))}\n=${crc24(bytes)}${tail}`];
    }
    return;
  }
  const note = /^([^\n]+)\n(\d+)\n([A-Za-z0-9+/=]+)\n\n([\s\S]*)$/.exec(text);
  if (note) {
    // A signed checkpoint: origin, tree size and root hash, then signature lines. The log's own line
    // is the one named like the origin (others are witnesses' cosignatures, which may be ignored).
    const [, origin, size, root, signatureLines] = note;
    const lines = signatureLines.split('\n');
    const own = Math.max(
      0,
      lines.findIndex((line) => line.startsWith(`— ${origin.split(' ')[0]} `)),
    );
    const [, signer, signature] = /^(— \S+ )(\S+)$/.exec(lines[own]) ?? ['', '', ''];
    const at = (o: string, n: string, r: string, s: string) => `${o}\n${n}\n${r}\n\n${lines.map((line, i) => (i === own ? signer + s : line)).join('\n')}`;
    const middle = Math.floor(origin.length / 2);
    yield [
      `${path}{checkpoint}: origin changed`,
      at(origin.slice(0, middle) + (origin[middle] === 'x' ? 'y' : 'x') + origin.slice(middle + 1), size, root, signature),
    ];
    for (const [how, n] of numberChanges(Number(size))) yield [`${path}{checkpoint}: size ${how}`, at(origin, String(n), root, signature)];
    for (const [how, bytes] of flips(Buffer.from(root, 'base64'), walk))
      yield [`${path}{checkpoint}: root hash ${how}`, at(origin, size, bytes.toString('base64'), signature)];
    for (const [how, bytes] of flips(Buffer.from(signature, 'base64'), walk))
      yield [`${path}{checkpoint}: signature ${how}`, at(origin, size, root, bytes.toString('base64'))];
    return;
  }
  const pem = /^(-----BEGIN [A-Z ]+-----\r?\n)([A-Za-z0-9+/=\r\n]+)(-----END [A-Z ]+-----\s*)$/.exec(text);
  if (pem) {
    for (const [how, bytes] of flips(Buffer.from(pem[2], 'base64'), walk))
      yield [`${path}{pem}: ${how}`, `${pem[1]}${wrap(bytes.toString('base64'))}\n${pem[3]}`];
    return;
  }
  if (/^\d{1,19}$/.test(text)) {
    for (const [how, n] of numberChanges(Number(text))) yield [`${path}: ${how}`, String(n)];
    return;
  }
  const date = Date.parse(text);
  if (/^\d{4}-\d\d-\d\dT/.test(text) && !Number.isNaN(date)) {
    yield [`${path}: three years later`, new Date(date + 3 * 365 * 86_400_000).toISOString()];
    return;
  }
  const digest = /^(sha256|sha384|sha512):([0-9a-f]+)$/.exec(text);
  if (/^[0-9a-f]{16,}$/.test(text) || digest) {
    const hex = digest ? digest[2] : text;
    for (const at of positions(hex.length, walk)) {
      const changed = hex.slice(0, at) + ((parseInt(hex[at], 16) + 1) % 16).toString(16) + hex.slice(at + 1);
      yield [`${path}: hex digit ${at} changed`, digest ? `${digest[1]}:${changed}` : changed];
    }
    return;
  }
  const integrity = /^(sha\d+)-([A-Za-z0-9+/]+={0,2})$/.exec(text);
  if (integrity) {
    for (const [how, bytes] of flips(Buffer.from(integrity[2], 'base64'), walk))
      yield [`${path}: integrity ${how}`, `${integrity[1]}-${bytes.toString('base64')}`];
    return;
  }
  if (text.length >= 12 && text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    const inner = printable(bytes);
    if (inner !== undefined)
      for (const [label, changed] of mutateString(inner, `${path}{base64}`, walk)) yield [label, Buffer.from(changed as string).toString('base64')];
    for (const [how, flipped] of flips(bytes, walk)) yield [`${path}: ${how}`, flipped.toString('base64')];
    return;
  }
  if (BUNDLE_TYPES.includes(text) || text.startsWith('application/vnd.dev.sigstore.bundle')) {
    for (const other of BUNDLE_TYPES) if (version(other) !== version(text)) yield [`${path}: media type ${other}`, other];
    return;
  }
  if (PAYLOAD_TYPES.includes(text)) {
    for (const other of PAYLOAD_TYPES) if (other !== text) yield [`${path}: payload type ${other}`, other];
    return;
  }
  if (text.length > 0) {
    // Any other text (names, identities, kinds, checkpoint notes): one character in the middle moves on.
    const at = Math.floor(text.length / 2);
    const code = text.charCodeAt(at);
    const next = /[0-9]/.test(text[at])
      ? String((Number(text[at]) + 1) % 10)
      : /[a-y]/i.test(text[at])
        ? String.fromCharCode(code + 1)
        : text[at] === 'z'
          ? 'a'
          : 'x';
    yield [`${path}: character ${at} changed`, text.slice(0, at) + next + text.slice(at + 1)];
  }
}

function numberChanges(n: number): Array<[string, number]> {
  // Unix times (log integration, timestamps) also move a year either way: outside a certificate's ten minutes.
  const isTime = n > 1_400_000_000 && n < 4_000_000_000;
  return [
    ['+1', n + 1],
    ['-1', n - 1],
    ...(isTime
      ? ([
          ['a year earlier', n - 31_536_000],
          ['a year later', n + 31_536_000],
        ] as Array<[string, number]>)
      : []),
  ];
}

function* flips(bytes: Buffer, walk: Walk): Generator<[string, Buffer]> {
  for (const at of positions(bytes.length, walk)) {
    const copy = Buffer.from(bytes);
    const bit = at % 8;
    copy[at] ^= 1 << bit;
    yield [`bit ${bit} of byte ${at} flipped`, copy];
  }
}

/** First, second, last, middle and quarter positions, and a few seeded random ones: no duplicates. */
function positions(length: number, walk: Walk): number[] {
  if (length === 0) return [];
  const fixed = [0, 1, Math.floor(length / 4), Math.floor(length / 2), Math.floor((3 * length) / 4), length - 1];
  for (let i = 0; i < walk.randomFlips; i++) fixed.push(Math.floor(walk.random() * length));
  return [...new Set(fixed.filter((p) => p >= 0 && p < length))];
}

function isBundle(v: { [key: string]: Json }): boolean {
  return typeof v.mediaType === 'string' && v.mediaType.startsWith('application/vnd.dev.sigstore.bundle') && typeof v.verificationMaterial === 'object';
}

/**
 * Whether the bundle's content is also a well-formed bundle of that version (log entries with a
 * promise for 0.1, with a proof and checkpoint for 0.2 and 0.3; a single certificate only from 0.3,
 * a chain only before it). Relabelling a bundle as a version whose shape it already has is the
 * same evidence under another name, not a forgery, so no such mutant is made.
 */
function fitsVersion(bundle: { [key: string]: Json }, target: string): boolean {
  const material = bundle.verificationMaterial as { [key: string]: Json };
  const entries = (Array.isArray(material.tlogEntries) ? material.tlogEntries : []) as Array<{ [key: string]: Json }>;
  const proofs = entries.every((e) => typeof e.inclusionProof === 'object' && e.inclusionProof !== null && 'checkpoint' in e.inclusionProof);
  switch (target) {
    case '0.1':
      return !('certificate' in material) && entries.every((e) => typeof e.inclusionPromise === 'object');
    case '0.2':
      return !('certificate' in material) && proofs;
    case '0.3':
      return !('x509CertificateChain' in material) && proofs;
    default:
      return false;
  }
}

function isCertificateLike(v: Json): boolean {
  return (
    (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.rawBytes === 'string') ||
    (typeof v === 'string' && v.startsWith('-----BEGIN CERTIFICATE'))
  );
}

function jsonInside(text: string): Json | undefined {
  if (!/^\s*[{[]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function printable(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  return Buffer.from(text).equals(bytes) && /^[\x09\x0a\x0d\x20-\x7e]+$/.test(text) ? text : undefined;
}

function version(mediaType: string): string {
  return /(\d+\.\d+)/.exec(mediaType)?.[1] ?? mediaType;
}

function wrap(base64: string): string {
  return base64.match(/.{1,64}/g)!.join('\n');
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** OpenPGP's armor checksum (RFC 4880, 6.1), base64. */
export function crc24(data: Buffer): string {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  crc &= 0xffffff;
  return Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
}

/** mulberry32: a small seeded generator, so CI runs the same mutants every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
