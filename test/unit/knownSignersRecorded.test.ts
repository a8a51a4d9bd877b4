// The catalog of known signers on real image signatures its publishers recorded in public pages
// (test/fixtures/known-signers/ORIGIN.md): `cosign verify` output with the signature, certificate
// and Rekor entry, from which the signed payload is rebuilt — the log entry names the payload's
// SHA-256, so a payload rebuilt wrong does not verify. They run through the real image verifier
// and the real policy. The images themselves are not recorded (only their digests), so a stand-in
// registry client serves the recorded `.sig` layer for the recorded digest, under whichever name a
// test asks for: that is what lets one real signature be judged on the publisher's registry, on
// another registry, and on a mirror.

import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TieredCache } from '../../server/src/core/cache/tieredCache';
import { parseFile } from '../../server/src/core/fileKinds';
import { DEFAULT_DOMAIN } from '../../server/src/core/formats/imageReference';
import { MEDIA_TYPES, type Manifest, type OciClient } from '../../server/src/core/ecosystems/oci/ociClient';
import type { PackageResult } from '../../server/src/core/result';
import { BUNDLED_KNOWN_SIGNERS } from '../../server/src/core/trust/knownSigners';
import { EMPTY_POLICY, type Policy, applyPolicy, parsePolicy } from '../../server/src/core/trust/policy';
import { signerMatches } from '../../server/src/core/trust/signers';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { ANNOTATIONS } from '../../server/src/core/ecosystems/oci/cosignLayer';
import { OciVerifier } from '../../server/src/core/ecosystems/oci/ociVerifier';
import { FIXTURES } from '../support/fixtureRegistry';

const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** What `cosign verify` adds to a payload's `optional` from the certificate and the log entry; the rest was signed. */
const SHOWN_NOT_SIGNED = /^(Bundle|Issuer|Subject|githubWorkflow.*|1\.3\.6\.1\.4\.1\.57264\..*)$/;

interface RecordedSignature {
  digest: string;
  payload: Buffer;
  annotations: Record<string, string>;
  /** The signer `cosign verify` reported. */
  subject: string;
  issuer: string;
}

/** The one signature a recorded page's `cosign verify` output shows, as cosign's `.sig` layer. */
function recorded(file: string): RecordedSignature {
  const page = fs.readFileSync(path.join(FIXTURES, 'known-signers', file), 'utf8');
  const block = /^\[\n[\s\S]*?^\]$/m.exec(page);
  assert.ok(block, `${file} shows no cosign verify output`);
  const [shown] = JSON.parse(block[0]) as Array<{
    critical: { image: { 'docker-manifest-digest': string } };
    optional: Record<string, unknown> & { Bundle: { Payload: { body: string } }; Subject: string; Issuer: string };
  }>;
  const own = Object.entries(shown.optional)
    .filter(([key]) => !SHOWN_NOT_SIGNED.test(key))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const payload = Buffer.from(JSON.stringify({ critical: shown.critical, optional: own.length > 0 ? Object.fromEntries(own) : null }));
  const entry = JSON.parse(Buffer.from(shown.optional.Bundle.Payload.body, 'base64').toString('utf8')) as {
    spec: { signature: { content: string; publicKey: { content: string } } };
  };
  return {
    digest: shown.critical.image['docker-manifest-digest'],
    payload,
    annotations: {
      [ANNOTATIONS.signature]: entry.spec.signature.content,
      [ANNOTATIONS.certificate]: Buffer.from(entry.spec.signature.publicKey.content, 'base64').toString('utf8'),
      [ANNOTATIONS.bundle]: JSON.stringify(shown.optional.Bundle),
    },
    subject: shown.optional.Subject,
    issuer: shown.optional.Issuer,
  };
}

const sha256 = (data: Buffer) => `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;

/** A registry client that has the image `signature.digest` (not recorded: only its digest is) with the recorded `.sig` layer, under any name. */
function standIn(signature: RecordedSignature): OciClient {
  const manifest = (json: Manifest['json'], digest?: string): Manifest => {
    const body = Buffer.from(JSON.stringify(json));
    return { digest: digest ?? sha256(body), mediaType: json.mediaType!, body, json };
  };
  const layer = { mediaType: SIMPLE_SIGNING, digest: sha256(signature.payload), size: signature.payload.length, annotations: signature.annotations };
  const client: Pick<OciClient, 'getManifest' | 'getBlob' | 'getReferrers'> = {
    getManifest: async (_domain, _repository, reference) =>
      reference === signature.digest
        ? manifest({ mediaType: MEDIA_TYPES.ociIndex, manifests: [] }, signature.digest)
        : reference === `${signature.digest.replace(':', '-')}.sig`
          ? manifest({ mediaType: MEDIA_TYPES.ociManifest, layers: [layer] })
          : undefined,
    getBlob: async (_domain, _repository, digest) => (digest === layer.digest ? signature.payload : undefined),
    getReferrers: async () => [],
  };
  return client as OciClient;
}

/** The recorded signature verified as the image `name@digest`, with `policy` applied (and the docker daemon's `daemonMirrors`). */
async function judged(
  signature: RecordedSignature,
  name: string,
  policy: Policy = EMPTY_POLICY,
  daemonMirrors: Array<{ mirror: string; of: string }> = [],
): Promise<PackageResult> {
  const trust = embeddedTrust();
  const verifier = new OciVerifier({
    client: standIn(signature),
    trust: () => trust,
    keys: [],
    cache: new TieredCache(10, undefined),
    tags: new TieredCache(10, undefined),
  });
  const [dependency] = parseFile('Dockerfile', `FROM ${name}@${signature.digest}\n`)!.dependencies;
  return applyPolicy(await verifier.verify(dependency), policy, false, daemonMirrors);
}

const entry = (publisher: string) => BUNDLED_KNOWN_SIGNERS.publishers.find((p) => p.publisher === publisher)!;
const mirrorPolicy = (mirror: string, of: string) => parsePolicy(JSON.stringify({ mirrors: [{ mirror, of }] })).policy;

describe('known signers on real recorded image signatures', () => {
  describe("Cluster API: the Kubernetes image promoter's signature of cluster-api-controller v1.5.0", () => {
    const capi = entry('Kubernetes Cluster API');
    const signature = recorded('cluster-api.verify-container-images.md');
    const onPublisherRegistry = `${capi.registries![0]}/cluster-api/cluster-api-controller`;

    it('is signed by the identity the catalog names, and the Kubernetes entry names the same promoter identity', () => {
      assert.ok(
        capi.signers.some((s) => signerMatches(s, signature.issuer, signature.subject)),
        signature.subject,
      );
      assert.ok(
        entry('Kubernetes').signers.some((s) => signerMatches(s, signature.issuer, signature.subject)),
        'every image the promoter publishes carries its signature',
      );
    });

    it('verifies on the registry the catalog names and is attributed to Kubernetes Cluster API', async () => {
      const r = await judged(signature, onPublisherRegistry);
      assert.deepEqual([r.verdict, r.publisher], ['verified', 'Kubernetes Cluster API'], r.reason);
      assert.deepEqual(
        r.signers?.map((s) => [s.subject, s.issuer]),
        [[signature.subject, signature.issuer]],
      );
      assert.ok(r.reason.startsWith(`Signed by Kubernetes Cluster API (${signature.subject}). `), r.reason);
    });

    it('is neither attributed nor a violation on another registry: the entry does not apply there', async () => {
      const r = await judged(signature, '127.0.0.1:5000/cluster-api/cluster-api-controller');
      assert.deepEqual([r.verdict, r.publisher, r.code], ['verified', undefined, 'verified'], r.reason);
      const unqualified = await judged(signature, 'cluster-api/cluster-api-controller');
      assert.deepEqual([unqualified.verdict, unqualified.publisher], ['verified', undefined], unqualified.reason);
    });

    it("is attributed on a mirror of the publisher's registry that the policy names, and says so", async () => {
      const r = await judged(
        signature,
        '127.0.0.1:5000/k8s-cache/cluster-api/cluster-api-controller',
        mirrorPolicy('127.0.0.1:5000/k8s-cache', capi.registries![0]),
      );
      assert.deepEqual([r.verdict, r.publisher], ['verified', 'Kubernetes Cluster API'], r.reason);
      assert.ok(
        r.reason.startsWith(
          `Signed by Kubernetes Cluster API (${signature.subject}; served by 127.0.0.1:5000/k8s-cache, a mirror of ${capi.registries![0]}). `,
        ),
        r.reason,
      );
      // A mirror of something else, or another path on the same host, is not the publisher's registry.
      const elsewhere = await judged(
        signature,
        '127.0.0.1:5000/other/cluster-api/cluster-api-controller',
        mirrorPolicy('127.0.0.1:5000/k8s-cache', capi.registries![0]),
      );
      assert.equal(elsewhere.publisher, undefined);
    });

    it('attributes an image on a docker daemon mirror as the image on the default domain', async () => {
      // A policy's own entry for an image on the default domain, judged where a daemon mirror serves it.
      const policy = parsePolicy(
        JSON.stringify({
          knownSigners: [
            {
              publisher: 'Promoted copy',
              ecosystem: 'oci',
              registries: [DEFAULT_DOMAIN],
              match: 'cluster-api/*',
              signers: [{ issuer: signature.issuer, subject: signature.subject }],
            },
          ],
        }),
      ).policy;
      const viaDaemonMirror = await judged(signature, '127.0.0.1:5000/cluster-api/cluster-api-controller', policy, [
        { mirror: 'http://127.0.0.1:5000/', of: DEFAULT_DOMAIN },
      ]);
      assert.equal(viaDaemonMirror.publisher, 'Promoted copy', viaDaemonMirror.reason);
      const noMirror = await judged(signature, '127.0.0.1:5000/cluster-api/cluster-api-controller', policy);
      assert.equal(noMirror.publisher, undefined);
    });

    it('is a policy violation naming both identities when the entry for that registry names someone else', async () => {
      const policy = parsePolicy(
        JSON.stringify({
          knownSigners: [
            {
              publisher: 'Someone else',
              ecosystem: 'oci',
              registries: [capi.registries![0]],
              match: 'cluster-api/*',
              signers: [{ issuer: signature.issuer, subject: 'release@someone-else.example' }],
            },
          ],
        }),
      ).policy;
      const r = await judged(signature, onPublisherRegistry, policy);
      assert.deepEqual([r.verdict, r.code], ['policy-violation', 'signer-not-allowed']);
      assert.ok(
        r.reason.startsWith(
          `Signed by ${signature.subject} (${signature.issuer}), but Someone else signs ${onPublisherRegistry} as release@someone-else.example`,
        ),
        r.reason,
      );
    });
  });

  describe("Chainguard: a 2022 signature of its python image, by that image's own repository's release workflow", () => {
    const chainguard = entry('Chainguard');
    const signature = recorded('chainguard-images.python.README.md');
    const name = `${chainguard.registries![0]}/chainguard/python`;

    it('was signed by an identity other than the one documented today, which the catalog names as well', () => {
      assert.equal(signerMatches(chainguard.signers[0], signature.issuer, signature.subject), false, "today's release workflow is another repository's");
      assert.ok(
        chainguard.signers.some((s) => signerMatches(s, signature.issuer, signature.subject)),
        signature.subject,
      );
    });

    it('verifies and is attributed to Chainguard on its registry, and to no one elsewhere', async () => {
      const r = await judged(signature, name);
      assert.deepEqual([r.verdict, r.publisher], ['verified', 'Chainguard'], r.reason);
      assert.equal(r.signers?.[0].subject, signature.subject);
      const elsewhere = await judged(signature, '127.0.0.1:5000/chainguard/python');
      assert.deepEqual([elsewhere.verdict, elsewhere.publisher], ['verified', undefined]);
    });

    it('does not verify with its payload changed (the rebuilt payload is the signed one)', async () => {
      const changed = { ...signature, payload: Buffer.from(signature.payload.toString().replace('"run_attempt":"1"', '"run_attempt":"2"')) };
      const r = await judged(changed, name);
      assert.equal(r.verdict, 'invalid', r.reason);
    });
  });
});
