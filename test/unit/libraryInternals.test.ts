// Pins what the two internal entry points of @sigstore/verify we use (sigstore/libraryInternals.ts)
// accept and refuse, on the real 2021 keyless cosign signature (test/fixtures/cosign): an upgrade of
// the library that moves or changes them fails here before it can change a verdict elsewhere.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { X509Certificate } from '@sigstore/core';
import { embeddedTrust, trustFromJson } from '../../server/src/core/trust/trustedRoot';
import { verifyCertificateChain, verifySignedEntryTimestamp } from '../../server/src/core/sigstore/libraryInternals';
import { FIXTURES } from '../support/fixtureRegistry';

const recorded = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cosign', 'cosign-classic-signature-with-cert.json'), 'utf8')) as {
  annotations: Record<string, string>;
};
const certificate = X509Certificate.parse(recorded.annotations['dev.sigstore.cosign/certificate']);
const rekor = JSON.parse(recorded.annotations['dev.sigstore.cosign/bundle']) as {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
};
const signedAt = new Date(rekor.Payload.integratedTime * 1000);
const trust = embeddedTrust();

function entry(overrides: { body?: Buffer; integratedTime?: number } = {}) {
  return {
    logIndex: String(rekor.Payload.logIndex),
    logId: { keyId: Buffer.from(rekor.Payload.logID, 'hex') },
    kindVersion: { kind: '', version: '' },
    integratedTime: String(overrides.integratedTime ?? rekor.Payload.integratedTime),
    inclusionPromise: { signedEntryTimestamp: Buffer.from(rekor.SignedEntryTimestamp, 'base64') },
    inclusionProof: undefined,
    canonicalizedBody: overrides.body ?? Buffer.from(rekor.Payload.body, 'base64'),
  };
}

describe('@sigstore/verify internals we depend on (pinned behaviour)', () => {
  it('accepts the recorded certificate at its log time: it chains to the 2021 Fulcio CA and carries no SCT', () => {
    assert.deepEqual(verifyCertificateChain(certificate, [signedAt], trust.material), { verifiedScts: 0 });
  });

  it('refuses the certificate outside its validity, or against a root without its CA', () => {
    assert.throws(() => verifyCertificateChain(certificate, [new Date(signedAt.getTime() + 3600_000)], trust.material));
    const foreign = trustFromJson(JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sigstore', 'trusted_root.scaffolding.json'), 'utf8')), 'custom file');
    assert.throws(() => verifyCertificateChain(certificate, [signedAt], foreign.material));
  });

  it('accepts the recorded signed entry timestamp and refuses it for another body or time', () => {
    verifySignedEntryTimestamp(entry(), trust.material);
    const body = Buffer.from(rekor.Payload.body, 'base64');
    body[10] ^= 1;
    assert.throws(() => verifySignedEntryTimestamp(entry({ body }), trust.material));
    assert.throws(() => verifySignedEntryTimestamp(entry({ integratedTime: rekor.Payload.integratedTime + 1 }), trust.material));
  });

  it('refuses a signed entry timestamp from a log the trust material does not hold', () => {
    assert.throws(() => verifySignedEntryTimestamp(entry(), { ...trust.material, tlogs: [] }));
  });
});
