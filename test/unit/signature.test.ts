// The registry signature check alone (pure), on the recorded signatures: what a missing publish
// time may and may not change.

import * as assert from 'node:assert/strict';
import { verifyRegistrySignature } from '../../server/src/core/ecosystems/npm/signature';
import { KEYS, SIGNED, flipBase64 } from '../support/fixtureRegistry';

const keys = KEYS.keys as Parameters<typeof verifyRegistrySignature>[1];
const kms = SIGNED.find((s) => s.name === 'kms-demo')!;
const input = (overrides: Partial<Parameters<typeof verifyRegistrySignature>[0]> = {}) => ({
  name: kms.name,
  version: kms.version,
  integrity: kms.integrity,
  signatures: kms.signatures,
  publishedAt: '2023-01-15T12:00:00.000Z',
  ...overrides,
});

describe('registry signature check', () => {
  it('verifies with the key valid at publish time', async () => {
    assert.equal((await verifyRegistrySignature(input(), keys)).status, 'verified');
  });

  it('cannot decide an expiring key without a publish time, but a bad signature is invalid regardless', async () => {
    assert.equal((await verifyRegistrySignature(input({ publishedAt: undefined }), keys)).status, 'unverifiable');
    const tampered = [{ ...kms.signatures[0], sig: flipBase64(kms.signatures[0].sig, 20) }];
    const r = await verifyRegistrySignature(input({ publishedAt: undefined, signatures: tampered }), keys);
    assert.deepEqual([r.status, r.code], ['invalid', 'signature-invalid']);
  });

  it('rejects a malformed signature or key instead of throwing', async () => {
    assert.equal(
      (await verifyRegistrySignature(input({ signatures: [{ keyid: kms.signatures[0].keyid, sig: 'not base64 at all!' }] }), keys)).status,
      'invalid',
    );
    const brokenKeys = keys.map((k) => ({ ...k, key: 'AAAA' }));
    assert.equal((await verifyRegistrySignature(input(), brokenKeys)).status, 'invalid');
  });
});
