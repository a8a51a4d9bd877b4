// Trusted roots as protobuf-specs defines them, on sigstore-conformance's own cases and roots:
// a key or authority without `validFor` is valid for all time (the field is optional; sigstore-js
// reads it so); a range without its start is malformed and the root is refused, saying what is
// malformed. And a log or CA the root does not hold: another Sigstore instance (`invalid`) when the
// root is current (TUF, or the user's own file), undecided (`unverifiable`, saying why) only with
// a bundled snapshot that could not be refreshed.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TrustSource, embeddedTrust, trustFromJson } from '../../server/src/core/trust/trustedRoot';
import { type ArtifactExpectation, verifyArtifact } from '../../server/src/core/artifacts/artifactVerifier';
import { FIXTURES } from '../support/fixtureRegistry';

const CASES = path.join(FIXTURES, 'conformance', 'bundle-verify');
const A_TXT = fs.readFileSync(path.join(CASES, 'a.txt'));
const BEACON: ArtifactExpectation = {
  signers: [
    {
      subject:
        'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
      issuer: 'https://token.actions.githubusercontent.com',
    },
  ],
  keys: [],
};

interface RootJson {
  tlogs: Array<{ baseUrl: string; publicKey: { validFor?: { start?: string; end?: string } } }>;
  ctlogs: Array<{ publicKey: { validFor?: { start?: string; end?: string } } }>;
  certificateAuthorities: Array<{ uri: string; validFor?: { start?: string; end?: string } }>;
  timestampAuthorities: Array<{ uri: string; validFor?: { start?: string; end?: string } }>;
}

const caseRoot = (name: string): RootJson => JSON.parse(fs.readFileSync(path.join(CASES, name, 'trusted_root.json'), 'utf8'));
const caseBundle = (name: string) => fs.readFileSync(path.join(CASES, name, 'bundle.sigstore.json'), 'utf8');
const verifyCase = (name: string, root: unknown, source: TrustSource = 'custom file') =>
  verifyArtifact(A_TXT, caseBundle(name), trustFromJson(root, source), BEACON);

describe('trusted roots: validity ranges as protobuf-specs defines them', () => {
  it('control: rekor2-happy-path verifies against its own root', () => {
    assert.equal(verifyCase('rekor2-happy-path', caseRoot('rekor2-happy-path')).verdict, 'verified');
  });

  it('a transparency-log key without validFor is valid for all time', () => {
    const root = caseRoot('rekor2-happy-path');
    for (const log of root.tlogs) delete log.publicKey.validFor;
    const r = verifyCase('rekor2-happy-path', root);
    assert.equal(r.verdict, 'verified', r.reason);
  });

  it('a CT-log key, a certificate authority and a timestamp authority without validFor are valid for all time', () => {
    const root = caseRoot('rekor2-happy-path');
    for (const log of root.ctlogs) delete log.publicKey.validFor;
    for (const ca of root.certificateAuthorities) delete ca.validFor;
    for (const tsa of root.timestampAuthorities) delete tsa.validFor;
    const r = verifyCase('rekor2-happy-path', root);
    assert.equal(r.verdict, 'verified', r.reason);
  });

  it('a range without its start is malformed: the root is refused, naming the log (conformance trust-root-tlog-missing-validity-start)', () => {
    assert.throws(
      () => trustFromJson(caseRoot('trust-root-tlog-missing-validity-start_fail'), 'custom file'),
      /malformed: the transparency log \S+ \(log id \S+\) has a validFor range without its start/,
    );
    const ca = caseRoot('rekor2-happy-path');
    delete ca.certificateAuthorities[0].validFor!.start;
    assert.throws(() => trustFromJson(ca, 'custom file'), /malformed: the certificate authority \S+ has a validFor range without its start/);
    const ctlog = caseRoot('rekor2-happy-path');
    ctlog.ctlogs[0].publicKey.validFor = { end: '2030-01-01T00:00:00Z' };
    assert.throws(() => trustFromJson(ctlog, 'custom file'), /malformed: the certificate-transparency log/);
  });

  it('the end of a range is inclusive (conformance trust-root-*-validity-end-inclusive), and a key past its end does not serve', () => {
    const name = 'trust-root-tlog-validity-end-inclusive';
    assert.equal(verifyCase(name, caseRoot(name)).verdict, 'verified');
    // The case's entry was integrated at the very second its log's key stops being valid; a second earlier, it does not serve.
    const root = caseRoot(name);
    const integrated = Number(JSON.parse(caseBundle(name)).verificationMaterial.tlogEntries[0].integratedTime);
    for (const log of root.tlogs) if (log.publicKey.validFor?.end) log.publicKey.validFor.end = new Date((integrated - 1) * 1000).toISOString();
    const r = verifyCase(name, root);
    assert.equal(r.verdict, 'invalid', r.reason);
  });
});

describe('trusted roots: another Sigstore instance', () => {
  const WRONG_INSTANCE = 'bundle-from-wrong-instance_fail';
  const publicGood = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sigstore', 'trusted_root.public-good.json'), 'utf8'));

  it('is invalid against a current root: the public-good root refreshed through TUF, or given as a file', () => {
    for (const source of ['TUF', 'custom file'] as const) {
      const r = verifyArtifact(A_TXT, caseBundle(WRONG_INSTANCE), trustFromJson(publicGood, source), BEACON);
      assert.equal(r.verdict, 'invalid', `${source}: ${r.reason}`);
      assert.match(r.reason, /another Sigstore instance/);
    }
  });

  it('is undecided against the bundled snapshot that could not be refreshed, and says so', () => {
    const r = verifyArtifact(A_TXT, caseBundle(WRONG_INSTANCE), embeddedTrust(), BEACON);
    assert.equal(r.verdict, 'unverifiable', r.reason);
    assert.equal(r.code, 'trust-material-missing');
    assert.match(r.reason, /embedded snapshot of the trusted root does not know; it could not be refreshed/);
  });

  it('a certificate from a CA a current root does not hold, in a log it holds, is invalid; with a stale snapshot, undecided', () => {
    // The public-good logs, with the conformance staging root's CAs: the happy path's certificate chains to none.
    const root = caseRoot('rekor2-happy-path');
    const foreignCas = {
      ...publicGood,
      certificateAuthorities: publicGood.certificateAuthorities,
      tlogs: root.tlogs,
      ctlogs: root.ctlogs,
      timestampAuthorities: root.timestampAuthorities,
    };
    const current = verifyCase('rekor2-happy-path', foreignCas, 'TUF');
    assert.equal(current.verdict, 'invalid', current.reason);
    const stale = verifyCase('rekor2-happy-path', foreignCas, 'embedded snapshot');
    assert.equal(stale.verdict, 'unverifiable', stale.reason);
    assert.match(stale.reason, /could not be refreshed; a newer root may know it/);
  });

  it("a certificate whose CA the stale snapshot holds, that still fails, is invalid whatever the root's age", () => {
    // intoto-expired-certificate_fail: a certificate of a CA the case's root holds, used outside its validity.
    const r = verifyArtifact(
      fs.readFileSync(path.join(CASES, 'intoto-expired-certificate_fail', 'artifact')),
      caseBundle('intoto-expired-certificate_fail'),
      trustFromJson(caseRoot('intoto-expired-certificate_fail'), 'embedded snapshot'),
      {
        signers: [{ subjectPattern: '.+', issuerPattern: '.+' }],
        keys: [],
      },
    );
    assert.equal(r.verdict, 'invalid', r.reason);
  });
});
