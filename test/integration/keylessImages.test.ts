// Keyless image signatures end to end: a private Sigstore on 127.0.0.1 (mock Fulcio + Rekor over
// real HTTP) signs images as an OIDC identity; the bundles are attached to a real registry as
// referrers, and attestations also as cosign's classic `.att` layers; verdicts follow the trusted
// root and the policy.

import { testChecker } from '../support/testChecker';
import { attestedSbom } from '../../server/src/core/ecosystems/oci';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type Checker } from '../../server/src/core/checker';
import { parseFile } from '../../server/src/core/fileKinds';
import { parsePolicy } from '../../server/src/core/trust/policy';
import { type TrustContext, embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { codeActions } from '../../server/src/features/codeActions';
import { COSIGN_SIGN_PREDICATE } from '../../server/src/core/ecosystems/oci/imageBundle';
import { cleanEnv } from '../support/env';
import { LocalSigstore } from '../support/localSigstore';
import { FIXTURES } from '../support/fixtureRegistry';
import { OciRegistry, skipWithoutRegistry } from '../support/ociRegistry';

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
const BUILDER = 'https://ci.acme.example/builder@v1';

describe('keyless image signatures from a local Sigstore', function () {
  this.timeout(30000);
  const registry = new OciRegistry();
  const sigstore = new LocalSigstore();
  const checkers: Checker[] = [];
  let home: string;

  /** The checked image; `policy`: a policy object (written as JSON) or the text of provenance-policy.yaml. */
  async function checked(image: string, trust: TrustContext, policy?: object | string, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-keyless-'))) {
    if (typeof policy === 'string') fs.writeFileSync(path.join(dir, 'provenance-policy.yaml'), policy);
    else if (policy) fs.writeFileSync(path.join(dir, 'provenance-policy.json'), JSON.stringify(policy));
    const file = path.join(dir, 'Dockerfile');
    const text = `FROM ${registry.host}/${image}\n`;
    fs.writeFileSync(file, text);
    const checker = testChecker(home, { trust: () => trust, timeoutMs: 3000 });
    checkers.push(checker);
    const [r] = await checker.verify(file, parseFile(file, text)!);
    return { dir, file, text, checked: r };
  }

  async function verdict(image: string, trust: TrustContext, policy?: object | string) {
    return (await checked(image, trust, policy)).checked.result;
  }

  before(async function () {
    skipWithoutRegistry(this);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-home-'));
    await Promise.all([registry.start(), sigstore.start()]);
    const app = await registry.pushImage('acme/app', '1.0');
    await registry.attachBundle('acme/app', app.digest, await sigstore.signImage(app.digest, COSIGN_SIGN_PREDICATE, 'release@acme.example'));
    const other = await registry.pushImage('acme/other', '1.0');
    // Signed, but the statement is about acme/app's digest.
    await registry.attachBundle('acme/other', other.digest, await sigstore.signImage(app.digest, COSIGN_SIGN_PREDICATE, 'release@acme.example'));
    // Signed by the release identity; SLSA provenance by the build identity on the `.att` tag, logged
    // as cosign 2 logs it (intoto 0.0.2) and as cosign 1 did (intoto 0.0.1).
    for (const [repository, entryVersion] of [
      ['acme/attested', '0.0.2'],
      ['acme/attested-v1', '0.0.1'],
    ] as const) {
      const image = await registry.pushImage(repository, '1.0');
      await registry.attachBundle(repository, image.digest, await sigstore.signImage(image.digest, COSIGN_SIGN_PREDICATE, 'release@acme.example'));
      await registry.attachAttestations(repository, image.digest, [
        await sigstore.attestImage(image.digest, SLSA_V02, 'build@acme.example', { predicate: { builder: { id: BUILDER } }, entryVersion }),
      ]);
    }
    // The layer in the registry is not the envelope that was logged (same statement, re-serialised).
    const altered = await registry.pushImage('acme/altered', '1.0');
    await registry.attachBundle('acme/altered', altered.digest, await sigstore.signImage(altered.digest, COSIGN_SIGN_PREDICATE, 'release@acme.example'));
    const logged = await sigstore.attestImage(altered.digest, SLSA_V02, 'build@acme.example');
    await registry.attachAttestations('acme/altered', altered.digest, [
      { ...logged, blob: Buffer.from(JSON.stringify(JSON.parse(logged.blob.toString()), null, 1)) },
    ]);
    // SBOMs attested on an image: a real CycloneDX SBOM on the `.att` tag (cosign attest --type
    // cyclonedx), a real SPDX 3 SBOM in a referrer bundle.
    const withSboms = await registry.pushImage('acme/with-sboms', '1.0');
    await registry.attachBundle('acme/with-sboms', withSboms.digest, await sigstore.signImage(withSboms.digest, COSIGN_SIGN_PREDICATE, 'release@acme.example'));
    await registry.attachAttestations('acme/with-sboms', withSboms.digest, [
      await sigstore.attestImage(withSboms.digest, 'https://cyclonedx.org/bom', 'sbom@acme.example', {
        predicate: JSON.parse(fixture('sbom/dev-dependencies.bom.1.6.json')),
      }),
    ]);
    await registry.attachBundle(
      'acme/with-sboms',
      withSboms.digest,
      await sigstore.signImage(
        withSboms.digest,
        'https://spdx.dev/Document',
        'sbom@acme.example',
        'https://issuer.local',
        JSON.parse(fixture('sbom/k8s-bom-example11.spdx3.json')),
      ),
    );
  });
  after(async () => {
    await Promise.all(checkers.map((c) => c.dispose()));
    await Promise.all([registry.stop(), sigstore.stop()]);
  });

  it('lists the SBOMs attested on an image with their signers, and opens each only after verifying it again', async () => {
    const { file, checked: image } = await checked('acme/with-sboms:1.0', sigstore.trust);
    const r = image.result;
    assert.equal(r.verdict, 'verified', r.reason);
    assert.deepEqual(
      r.sboms?.map((s) => [s.predicateType, s.location.kind, s.subject]),
      [
        ['https://cyclonedx.org/bom', 'att', 'sbom@acme.example'],
        ['https://spdx.dev/Document', 'referrer', 'sbom@acme.example'],
      ],
    );
    const checker = checkers[checkers.length - 1];
    const cyclonedx = await attestedSbom(checker, file, image.dependency, r.digest!, r.sboms![0].location);
    assert.ok(!('error' in cyclonedx), JSON.stringify(cyclonedx));
    assert.equal(cyclonedx.fileName, 'sbom.cdx.json');
    assert.equal(
      parseFile('/x/sbom.cdx.json', cyclonedx.text)!.dependencies.length,
      parseFile('/x/bom.json', fixture('sbom/dev-dependencies.bom.1.6.json'))!.dependencies.length,
    );
    const spdx = await attestedSbom(checker, file, image.dependency, r.digest!, r.sboms![1].location);
    assert.ok(
      !('error' in spdx) && spdx.fileName === 'sbom.spdx3.json' && spdx.check.ok && spdx.check.identity?.subjectAlternativeName === 'sbom@acme.example',
      JSON.stringify(spdx).slice(0, 300),
    );

    // Evidence that does not hold (or is gone) is never opened.
    const { file: alteredFile, checked: altered } = await checked('acme/altered:1.0', sigstore.trust);
    const attTag = `${altered.result.digest!.replace(':', '-')}.att`;
    const manifest = (await (
      await fetch(`http://${registry.host}/v2/acme/altered/manifests/${attTag}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })
    ).json()) as { layers: Array<{ digest: string }> };
    const layer = manifest.layers[0].digest;
    assert.match(
      JSON.stringify(await attestedSbom(checker, alteredFile, altered.dependency, altered.result.digest!, { kind: 'att', digest: layer })),
      /does not verify now: the transparency-log entry is for another envelope/,
    );
    assert.match(
      JSON.stringify(await attestedSbom(checker, file, image.dependency, r.digest!, { kind: 'att', digest: `sha256:${'0'.repeat(64)}` })),
      /no longer attached/,
    );
  });

  it('verifies the signature and shows who signed', async () => {
    const r = await verdict('acme/app:1.0', sigstore.trust);
    assert.equal(r.verdict, 'verified', r.reason);
    assert.deepEqual(
      r.signers?.map((s) => [s.subject, s.issuer]),
      [['release@acme.example', 'https://issuer.local']],
    );
    assert.match(r.signers![0].logIndex ?? '', /^\d+$/);
  });

  it('applies the policy: the accepted identity passes, another is a policy violation', async () => {
    const rule = (subject: string) => ({ packages: [{ match: `${registry.host}/acme/*`, signers: [{ issuer: 'https://issuer.local', subject }] }] });
    assert.equal((await verdict('acme/app:1.0', sigstore.trust, rule('release@acme.example'))).verdict, 'verified');
    const r = await verdict('acme/app:1.0', sigstore.trust, rule('release@acme.example.evil'));
    assert.deepEqual([r.verdict, r.code], ['policy-violation', 'signer-not-allowed']);
  });

  it('rejects a signature over another digest', async () => {
    assert.deepEqual([(await verdict('acme/other:1.0', sigstore.trust)).verdict], ['invalid']);
  });

  it('verifies classic .att provenance as cosign 2 and cosign 1 logged it, and shows its signer and builder', async () => {
    for (const image of ['acme/attested:1.0', 'acme/attested-v1:1.0']) {
      const r = await verdict(image, sigstore.trust);
      assert.deepEqual([r.signature, r.provenance, r.verdict], ['verified', 'verified', 'verified'], `${image}: ${r.reason} / ${r.provenanceReason}`);
      assert.deepEqual(
        [r.provenanceDetails?.subjectAlternativeName, r.provenanceDetails?.issuer, r.provenanceDetails?.builderId],
        ['build@acme.example', 'https://issuer.local', BUILDER],
      );
      assert.match(r.provenanceDetails?.logIndex ?? '', /^\d+$/);
    }
  });

  it('rejects a .att layer that is not the envelope the log recorded', async () => {
    const r = await verdict('acme/altered:1.0', sigstore.trust);
    assert.deepEqual([r.signature, r.provenance, r.verdict, r.code], ['verified', 'invalid', 'invalid', 'provenance-invalid'], r.provenanceReason);
  });

  it('requires provenance by an identity the rule accepts, when it requires provenance', async () => {
    const rule = (...subjects: string[]) => ({
      packages: [
        { match: `${registry.host}/acme/*`, requireProvenance: true, signers: subjects.map((subject) => ({ issuer: 'https://issuer.local', subject })) },
      ],
    });
    const releaseOnly = await verdict('acme/attested:1.0', sigstore.trust, rule('release@acme.example'));
    assert.deepEqual([releaseOnly.verdict, releaseOnly.code], ['policy-violation', 'signer-not-allowed'], releaseOnly.reason);
    assert.match(releaseOnly.reason, /provenance is signed by build@acme\.example/);
    assert.equal((await verdict('acme/attested:1.0', sigstore.trust, rule('release@acme.example', 'build@acme.example'))).verdict, 'verified');
    const unattested = await verdict('acme/app:1.0', sigstore.trust, rule('release@acme.example'));
    assert.deepEqual([unattested.verdict, unattested.code], ['policy-violation', 'provenance-required']);
  });

  it('offers to trust a rejected image signer in a YAML policy, which then verifies the image', async () => {
    const policyText = `packages:\n  - match: "${registry.host}/acme/*"\n    signers:\n      - issuer: https://issuer.local\n        subject: someone-else@acme.example\n`;
    const { dir, file, text, checked: rejected } = await checked('acme/app:1.0', sigstore.trust, policyText);
    assert.deepEqual([rejected.result.verdict, rejected.result.code], ['policy-violation', 'signer-not-allowed']);
    const policyFile = path.join(dir, 'provenance-policy.yaml');
    const diagnostic = { code: 'signer-not-allowed', message: rejected.result.reason, range: rejected.dependency.specRange };
    const actions = codeActions({
      uri: pathToFileURL(file).toString(),
      checked: rejected,
      diagnostics: [diagnostic],
      policy: parsePolicy(policyText, policyFile).policy,
      policyFolder: dir,
      policyText,
      documentText: text,
    });
    const fix = actions.find((a) => a.title.startsWith('Trust'))!;
    assert.equal(fix?.title, `Trust release@acme.example for ${registry.host}/acme/app in provenance-policy.yaml`);
    const edits = (fix.edit!.documentChanges![0] as { edits: TextEdit[] }).edits;
    const trusted = TextDocument.applyEdits(TextDocument.create('p', 'yaml', 1, policyText), edits);
    assert.equal((await verdict('acme/app:1.0', sigstore.trust, trusted)).verdict, 'verified');
  });

  it("does not verify against another deployment's trusted root", async () => {
    assert.notEqual((await verdict('acme/app:1.0', embeddedTrust())).verdict, 'verified');
  });
});
