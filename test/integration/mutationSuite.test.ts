// The mutation suite: every positive fixture of every verifier — npm registry signatures and
// provenance, cosign image signatures (keyless and keyed), image bundles, cosign `.att`
// attestations, signed files (the sigstore-conformance positive cases), SBOM attestations, GitHub
// artifact attestations, PyPI PEP 740 attestations and Helm chart provenance files — is first
// verified as it is, then changed in one place at a time (test/support/mutations.ts) and verified
// again. No mutant may be `verified`, and no verifier may throw. Every verdict must be the one its
// reason code stands for (core/reasons.ts): a result whose verdict and code disagree survives too.
// The count, the verdicts the mutants got and every survivor are printed and written to
// test-artifacts/mutation-report.json.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundlesFromText } from '../../server/src/core/attestations/githubAttestationsApi';
import { customTrust, embeddedTrust, type TrustContext } from '../../server/src/core/trust/trustedRoot';
import { verifyArtifact } from '../../server/src/core/artifacts/artifactVerifier';
import { type AttestationPolicy, digestFile, verifyGithubAttestations } from '../../server/src/core/attestations/githubAttestations';
import type { SubjectDigestAlgorithm } from '../../server/src/core/attestations/attestationSubject';
import { verifyRegistrySignature } from '../../server/src/core/ecosystems/npm/signature';
import { verifyNpmProvenance } from '../../server/src/core/ecosystems/npm/provenance';
import { verifyCosignAttestation } from '../../server/src/core/ecosystems/oci/cosignAttestation';
import { verifyCosignSignature } from '../../server/src/core/ecosystems/oci/cosignSignature';
import { verifyImageBundle } from '../../server/src/core/ecosystems/oci/imageBundle';
import { checkChartProvenance, readKeyring } from '../../server/src/core/ecosystems/helm/chartProvenance';
import { checkAttestation } from '../../server/src/core/ecosystems/pypi/pep740';
import { keySignedAttestationLayer, keySignedImageBundle } from '../support/bundles';
import { FIXTURES, KEYS, SIGNED, SIGSTORE_100, SIGSTORE_130, SIGSTORE_130_INTEGRITY, SIGSTORE_040_INTEGRITY, readFixture } from '../support/fixtureRegistry';
import { GpgSigner, gpgAvailable, helmProvenance as signedProvenance } from '../support/gpg';
import { type Json, crc24, mutantsOf } from '../support/mutations';
import { type Failure, type VerdictCode, verdictOf } from '../../server/src/core/reasons';
import { REPO_ROOT } from '../support/paths';

/** A positive fixture: its evidence as JSON, and a verification that answers with a verdict word. */
interface Subject {
  name: string;
  evidence: Json;
  verdict: (evidence: Json) => string | Promise<string>;
  skip?: RegExp[];
}

const trust = embeddedTrust();
const read = (relative: string) => fs.readFileSync(path.join(FIXTURES, relative));
const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
/** A key-signed bundle's hint only helps find a key; verification uses the key the user named, whatever the hint says. */
const KEY_HINT = /verificationMaterial\.publicKey\.hint$/;
/** A check's verdict word: verified, or its failure's code's verdict. */
const okWord = (r: { ok: true } | Failure) => (r.ok ? 'verified' : verdictOf(r.code));
/** `word`, unless the verdict it stands for is not the code's: then a word that makes the mutant a survivor. */
const agreed = (word: string, code: VerdictCode, verdict = word) => (verdictOf(code) === verdict ? word : `disagrees: ${verdict} with code ${code}`);

function npmSignatures(): Subject[] {
  const publishedAt = (name: string) => (name === 'sigstore' ? '2023-02-09T17:56:05.000Z' : '2023-01-15T12:00:00.000Z');
  return SIGNED.map((s) => ({
    name: `npm registry signature ${s.name}@${s.version}`,
    // publishedAt three years later is after the key expired: the "expired key" mutant.
    evidence: { name: s.name, version: s.version, integrity: s.integrity, signatures: s.signatures, publishedAt: publishedAt(s.name) } as unknown as Json,
    verdict: async (e) => {
      const r = await verifyRegistrySignature(e as never, KEYS.keys as never);
      return agreed(r.status, r.code);
    },
  }));
}

function npmProvenance(): Subject[] {
  const sigstore100 = SIGNED.find((s) => s.name === 'sigstore' && s.version === '1.0.0')!.integrity;
  const cases: Array<[string, string, string, unknown]> = [
    ['sigstore', '1.0.0', sigstore100, SIGSTORE_100],
    ['sigstore', '1.3.0', SIGSTORE_130_INTEGRITY, SIGSTORE_130],
    ['sigstore', '0.4.0', SIGSTORE_040_INTEGRITY, readFixture('npm/attestations/pacote/valid-attestations.json')],
  ];
  return cases.map(([name, version, integrity, document]) => ({
    name: `npm provenance ${name}@${version}`,
    evidence: { name, version, integrity, document } as Json,
    verdict: (e) => {
      const r = verifyNpmProvenance(e as never, KEYS.keys as never, trust);
      // `absent` provenance counts as fine (code verified) until a policy requires it.
      return agreed(r.status, r.code, r.status === 'absent' ? 'verified' : r.status);
    },
  }));
}

function cosignSignatures(): Subject[] {
  const classic = JSON.parse(read('cosign/cosign-classic-signature-with-cert.json').toString()) as { image: string; annotations: Record<string, string> };
  const keyed = JSON.parse(read('cosign/cosign-keyed-signature.json').toString()) as { signature: string; publicKeyPem: string };
  const keyedPayload = read('cosign/simplesigning-payload-keyed.json').toString();
  const keyedDigest = JSON.parse(keyedPayload).critical.image['docker-manifest-digest'];
  const verdict = (digest: string, keys: Array<{ name: string; pem: string }>) => (e: Json) => {
    const layer = e as { payload: string; annotations: Record<string, string> };
    return okWord(verifyCosignSignature({ payload: Buffer.from(layer.payload), annotations: layer.annotations }, digest, trust, keys));
  };
  return [
    {
      name: 'cosign keyless signature (2021, Rekor SET)',
      evidence: { payload: read('cosign/simplesigning-payload.json').toString(), annotations: classic.annotations },
      verdict: verdict(classic.image.split('@')[1], []),
    },
    {
      name: 'cosign key signature',
      evidence: { payload: keyedPayload, annotations: { 'dev.cosignproject.cosign/signature': keyed.signature } },
      // Recorded without a log entry: the key is accepted without one, as with cosign's --insecure-ignore-tlog.
      verdict: verdict(keyedDigest, [{ name: 'cosign.pub', pem: keyed.publicKeyPem, ignoreTlog: true }] as never),
    },
  ];
}

function imageEvidence(): Subject[] {
  const recorded = JSON.parse(read('sigstore-js-bundles/bundleV01-intoto-with-proof.sigstore').toString());
  const entry = recorded.verificationMaterial.tlogEntries[0];
  const body = JSON.parse(Buffer.from(entry.canonicalizedBody, 'base64').toString('utf8'));
  const certificatePem = Buffer.from(body.spec.content.envelope.signatures[0].publicKey, 'base64').toString('utf8');
  const statement = JSON.parse(Buffer.from(recorded.dsseEnvelope.payload, 'base64').toString('utf8'));
  // The envelope exactly as uploaded to the log (see cosignAttestation.test.ts) is the `.att` layer.
  const blob = JSON.stringify({
    payload: recorded.dsseEnvelope.payload,
    payloadType: recorded.dsseEnvelope.payloadType,
    signatures: [{ publicKey: certificatePem, sig: recorded.dsseEnvelope.signatures[0].sig }],
  });
  const rekorBundle = {
    SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp,
    Payload: {
      body: entry.canonicalizedBody,
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex'),
    },
  };
  const attestation = {
    blob,
    annotations: {
      'dev.cosignproject.cosign/signature': '',
      'dev.sigstore.cosign/certificate': certificatePem,
      'dev.sigstore.cosign/bundle': JSON.stringify(rekorBundle),
    },
  };
  return [
    {
      name: 'image bundle (cosign attestation, v0.3)',
      evidence: JSON.parse(read('cosign/oci-attestation.sigstore.json').toString()),
      verdict: (e) => okWord(verifyImageBundle(e, 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4', trust, [])),
    },
    {
      name: 'cosign .att attestation layer (keyless, Rekor intoto entry)',
      evidence: attestation,
      verdict: (e) => {
        const layer = e as typeof attestation;
        return okWord(verifyCosignAttestation(Buffer.from(layer.blob), layer.annotations, `sha512:${statement.subject[0].digest.sha512}`, trust, []));
      },
    },
  ];
}

/** The sigstore-conformance positive cases: signed files, message signatures and DSSE, Rekor v1 and v2, keys and custom roots. */
function signedFiles(): Subject[] {
  const cases = path.join(FIXTURES, 'conformance', 'bundle-verify');
  const identity =
    'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
  const issuer = 'https://token.actions.githubusercontent.com';
  return fs
    .readdirSync(cases)
    .filter((name) => !name.endsWith('_fail') && fs.statSync(path.join(cases, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = path.join(cases, name);
      const has = (file: string) => fs.existsSync(path.join(dir, file));
      const text = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8').trim();
      const artifact = fs.readFileSync(has('artifact') ? path.join(dir, 'artifact') : path.join(cases, 'a.txt'));
      const caseTrust: TrustContext = has('trusted_root.json') ? customTrust(path.join(dir, 'trusted_root.json')) : trust;
      const expected = has('key.pub')
        ? { signers: [], keys: [{ name: 'key.pub', pem: text('key.pub') }] }
        : { signers: [{ subject: has('identity') ? text('identity') : identity, issuer: has('issuer') ? text('issuer') : issuer }], keys: [] };
      return {
        name: `signed file: conformance ${name}`,
        evidence: JSON.parse(text('bundle.sigstore.json')),
        verdict: (e: Json) => {
          const r = verifyArtifact(artifact, JSON.stringify(e), caseTrust, expected);
          return agreed(r.verdict, r.code);
        },
        skip: has('key.pub') ? [KEY_HINT] : undefined,
      };
    });
}

function sbomAttestations(): Subject[] {
  // Made here with a test key: no recorded public SBOM attestation exists in the fixtures. The
  // key is accepted without a log entry, as `cosign attest --key --tlog-upload=false` needs.
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keys = [{ name: 'sbom.pub', pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), ignoreTlog: true }];
  const digest = `sha256:${sha256(Buffer.from('an image manifest'))}`;
  const sbom = JSON.parse(read('sbom/k8s-bom-example11.spdx3.json').toString());
  const layer = keySignedAttestationLayer(digest, 'https://spdx.dev/Document', privateKey, sbom);
  return [
    {
      name: 'SBOM attestation bundle (CycloneDX, key-signed)',
      evidence: keySignedImageBundle(digest, 'https://cyclonedx.org/bom', privateKey, {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [{ name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' }],
      }) as Json,
      verdict: (e) => okWord(verifyImageBundle(e, digest, trust, keys)),
      skip: [KEY_HINT],
    },
    {
      name: 'SBOM attestation .att layer (SPDX 3, key-signed)',
      evidence: { blob: layer.blob.toString(), annotations: layer.annotations },
      verdict: (e) => {
        const l = e as { blob: string; annotations: Record<string, string> };
        return okWord(verifyCosignAttestation(Buffer.from(l.blob), l.annotations, digest, trust, keys));
      },
    },
  ];
}

function githubAttestations(): Subject[] {
  const cases: Array<[string, string, string, AttestationPolicy, SubjectDigestAlgorithm?]> = [
    [
      'public-good, sha512 subject (npm provenance, --digest-alg sha512)',
      'github/sigstore-js-2.1.0.tgz',
      'github/sigstore-js-2.1.0-bundle.json',
      { owner: 'sigstore' },
      'sha512',
    ],
    [
      'public-good, reusable workflow',
      'github/reusable-workflow-artifact',
      'github/reusable-workflow-attestation.sigstore.json',
      { owner: 'malancas', signerRepo: 'github/artifact-attestations-workflows' },
    ],
    [
      "GitHub's instance (timestamps)",
      'github/github_provenance_demo-0.0.12-py3-none-any.whl',
      'github/github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl',
      { owner: 'actions', repo: 'actions/attest-demo' },
    ],
    [
      'tenant issuer',
      'github/custom-issuer-artifact',
      'github/custom-issuer.sigstore.json',
      { owner: 'too-legit', issuer: 'https://token.actions.githubusercontent.com/hammer-time' },
    ],
  ];
  return cases.map(([label, file, bundles, policy, algorithm]) => {
    const digest = digestFile(read(file), algorithm);
    const verdict = (e: Json) => {
      const r = verifyGithubAttestations(digest, e as unknown[], policy, trust);
      return agreed(r.verdict, r.code);
    };
    return { name: `GitHub attestation: ${label}`, evidence: bundlesFromText(read(bundles).toString()) as Json, verdict };
  });
}

/** A chart archive and its provenance file, signed here with GnuPG as `helm package --sign` signs (skipped without gpg). */
function helmProvenance(): Subject[] {
  if (!gpgAvailable()) return [];
  const signer = new GpgSigner('Chart Author <author@example.test>');
  const keyring = readKeyring(signer.publicKeyring());
  const archive = Buffer.from('a chart archive, standing in for the gzipped tar');
  const chartYaml = 'apiVersion: v2\nname: web\nversion: 1.2.0\ndescription: A chart\n';
  const prov = signedProvenance(signer, chartYaml, 'web-1.2.0.tgz', sha256(archive));
  const armor = /\n(=[A-Za-z0-9+/]{4})\n-----END PGP SIGNATURE/.exec(prov)![1];
  const packet = Buffer.from(prov.split('-----BEGIN PGP SIGNATURE-----')[1].split('\n\n')[1].split('\n=')[0].replace(/\s+/g, ''), 'base64');
  // The mutator re-computes the armor checksum after a flip; it must compute GnuPG's.
  assert.equal(`=${crc24(packet)}`, armor);
  return [
    {
      name: 'Helm chart provenance (OpenPGP clear signature by GnuPG)',
      evidence: { prov, archive: archive.toString('base64') },
      verdict: async (e) => {
        const { prov: text, archive: bytes } = e as { prov: string; archive: string };
        return okWord(await checkChartProvenance(Buffer.from(bytes, 'base64'), 'web-1.2.0.tgz', { name: 'web', version: '1.2.0' }, text, await keyring));
      },
    },
  ];
}

function pypiAttestations(): Subject[] {
  const cases: Array<[string, object]> = [
    [
      'gitlab_oidc_project-0.0.3.tar.gz',
      { kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml', environment: null },
    ],
    [
      'pypi_attestation_models-0.0.4a2.tar.gz',
      { kind: 'GitHub', repository: 'trailofbits/pypi-attestation-models', workflow: 'release.yml', environment: null },
    ],
  ];
  return cases.map(([file, publisher]) => {
    const attestationFile = fs.existsSync(path.join(FIXTURES, 'pypi', `${file}.publish.attestation`)) ? `${file}.publish.attestation` : `${file}.attestation`;
    const digest = sha256(read(`pypi/${file}`));
    return {
      name: `PyPI PEP 740 ${file}`,
      evidence: JSON.parse(read(`pypi/${attestationFile}`).toString()),
      verdict: (e: Json) => okWord(checkAttestation(e as never, publisher, file, digest, trust)),
    };
  });
}

describe('mutation suite: no mutant of a positive fixture is verified', function () {
  this.timeout(600_000);
  const subjects = [
    ...npmSignatures(),
    ...npmProvenance(),
    ...cosignSignatures(),
    ...imageEvidence(),
    ...signedFiles(),
    ...sbomAttestations(),
    ...githubAttestations(),
    ...pypiAttestations(),
    ...helmProvenance(),
  ];
  const report: Array<{ subject: string; mutants: number; ms: number; verdicts: Record<string, number>; survivors: string[] }> = [];

  after(() => {
    const total = report.reduce((n, r) => n + r.mutants, 0);
    const survivors = report.flatMap((r) => r.survivors.map((s) => `${r.subject} — ${s}`));
    const verdicts: Record<string, number> = {};
    for (const r of report) for (const [v, n] of Object.entries(r.verdicts)) verdicts[v] = (verdicts[v] ?? 0) + n;
    console.log(`      mutation suite: ${total} mutants of ${report.length} positive fixtures; ${JSON.stringify(verdicts)}; survivors: ${survivors.length}`);
    fs.mkdirSync(path.join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, 'test-artifacts', 'mutation-report.json'), JSON.stringify({ total, verdicts, survivors, subjects: report }, null, 2));
  });

  for (const subject of subjects) {
    it(subject.name, async () => {
      assert.equal(await subject.verdict(subject.evidence), 'verified', 'the unmutated fixture verifies');
      const mutants = mutantsOf(subject.evidence, { skip: subject.skip });
      const verdicts: Record<string, number> = {};
      const survivors: string[] = [];
      const started = performance.now();
      for (const mutant of mutants) {
        let verdict: string;
        try {
          verdict = await subject.verdict(mutant.value);
        } catch (error) {
          verdict = `threw ${String(error).slice(0, 80)}`;
        }
        verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
        if (verdict === 'verified' || verdict.startsWith('threw') || verdict.startsWith('disagrees')) survivors.push(`${mutant.label} → ${verdict}`);
      }
      report.push({ subject: subject.name, mutants: mutants.length, ms: Math.round(performance.now() - started), verdicts, survivors });
      assert.ok(mutants.length > 0);
      assert.deepEqual(survivors, [], `${survivors.length} of ${mutants.length} mutants survived`);
    });
  }

  it('made at least 1,000 mutants', () => {
    assert.ok(report.reduce((n, r) => n + r.mutants, 0) >= 1000);
  });
});
