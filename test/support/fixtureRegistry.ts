// Scenarios for the test registry, built from recorded real data in test/fixtures/npm/ (see
// test/fixtures/MANIFEST.md). Every tampered variant says in a comment what it changes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';
import type { Scenario, ServedVersion } from './registryServer';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

export function readFixture<T = unknown>(relative: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, relative), 'utf8')) as T;
}

export interface RecordedSignature {
  name: string;
  version: string;
  integrity: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

export const KEYS = readFixture<{ keys: Array<{ keyid: string; expires: string | null }> }>('npm/keys/npm-v1-keys.corepack-config.json');
export const SIGNED = readFixture<RecordedSignature[]>('npm/keys/packument-dist-signatures.json');
export const SIGSTORE_100 = readFixture('npm/attestations/sigstore@1.0.0.attestations.json');
export const SIGSTORE_130 = readFixture('npm/attestations/sigstore@1.3.0.attestations.assembled.json');
export const SIGSTORE_130_INTEGRITY = 'sha512-dhdv+jOAi1RgLHw13lxumk3rlgZtumUz9QrCNPTx9MazUnUV3BfAb74oYAMPQQ7uaeogB5vTosbz3POzKbEHUQ==';
export const SIGSTORE_040_INTEGRITY = 'sha512-KCwMX6k20mQyFkNYG2XT3lwK9u1P36wS9YURFd85zCXPrwrSLZCEh7/vMBFNYcJXRiBtGDS+T4/RZZF493zABA==';
export const PACOTE_VARIANTS = [
  'invalid',
  'malformed-subject',
  'mismatched-keyid',
  'mismatched-subject-digest',
  'mismatched-subject-name',
  'no-keyid',
  'unsupported',
] as const;

/** Before the first npm key's expiry (2025-01-29); sigstore@1.0.0 just after its log entry (2023-02-09T17:56:00Z). */
const PUBLISHED = '2023-01-15T12:00:00.000Z';
const SIGSTORE_100_PUBLISHED = '2023-02-09T17:56:05.000Z';

function signedVersion(s: RecordedSignature, extra: Partial<ServedVersion> = {}): ServedVersion {
  return {
    manifest: { name: s.name, version: s.version, dist: { integrity: s.integrity, signatures: s.signatures } },
    publishedAt: s.name === 'sigstore' ? SIGSTORE_100_PUBLISHED : PUBLISHED,
    ...extra,
  };
}

/** The whole recorded data set, untampered: every package as the public registry served it. */
export function recordedScenario(): Scenario {
  const packages: Scenario['packages'] = {};
  for (const s of SIGNED) {
    packages[s.name] ??= {};
    packages[s.name][s.version] = signedVersion(s, s.name === 'sigstore' && s.version === '1.0.0' ? { attestations: SIGSTORE_100 } : {});
  }
  // Provenance without a recorded registry signature (so "unsigned" by signature, "verified" by provenance).
  packages.sigstore['1.3.0'] = {
    manifest: {
      name: 'sigstore',
      version: '1.3.0',
      repository: { url: 'git+https://github.com/sigstore/sigstore-js.git' },
      dist: { integrity: SIGSTORE_130_INTEGRITY },
    },
    attestations: SIGSTORE_130,
    publishedAt: '2023-04-20T00:00:00.000Z',
  };
  return { keys: KEYS, packages };
}

/** sigstore@0.4.0 with one of pacote's attestation documents. */
export function pacoteScenario(variant: 'valid' | (typeof PACOTE_VARIANTS)[number]): Scenario {
  return {
    keys: KEYS,
    packages: {
      sigstore: {
        '0.4.0': {
          manifest: { name: 'sigstore', version: '0.4.0', dist: { integrity: SIGSTORE_040_INTEGRITY } },
          attestations: readFixture(`npm/attestations/pacote/${variant}-attestations.json`),
          publishedAt: PUBLISHED,
        },
      },
    },
  };
}

/** A deep copy of the recorded scenario, changed by `mutate`. */
export function tampered(mutate: (s: Scenario) => void): Scenario {
  const copy = structuredClone(recordedScenario());
  mutate(copy);
  return copy;
}

export function manifestOf(s: Scenario, name: string, version: string): { dist: Record<string, unknown> } & Record<string, unknown> {
  return s.packages[name][version].manifest as { dist: Record<string, unknown> };
}

/** Breaks the registry signature of `name@version` (one bit flipped at `byte`). */
export function breakSignature(s: Scenario, name: string, version: string, byte = 10): void {
  const dist = manifestOf(s, name, version).dist as { signatures: Array<{ sig: string }> };
  dist.signatures[0].sig = flipBase64(dist.signatures[0].sig, byte);
}

/** Adds sigstore@`version`, published without provenance, so a later version (1.0.0) is the nearest with it. */
export function addSigstoreWithoutProvenance(s: Scenario, version = '0.9.0'): void {
  s.packages.sigstore[version] = { manifest: { name: 'sigstore', version, dist: { integrity: SIGNED[0].integrity } }, publishedAt: '2023-01-01T00:00:00.000Z' };
}

/** Flips one bit in a base64 value, keeping it valid base64 of the same length. */
export function flipBase64(value: string, byteIndex = 10): string {
  const bytes = Buffer.from(value, 'base64');
  bytes[byteIndex % bytes.length] ^= 0x01;
  return bytes.toString('base64');
}
