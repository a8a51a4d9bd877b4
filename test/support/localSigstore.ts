// A private Sigstore deployment on 127.0.0.1 for signing flows: @sigstore/mock's Fulcio (with a CT
// log), Rekor and timestamp-authority building blocks served over real HTTP, the trusted root that
// describes them, and keyless signing with @sigstore/sign. (See shared notes: start Rekor's server before initialising
// its log, whose checkpoint origin comes from the URL; use Rekor v1 with `intoto` entries for DSSE.)

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, initializeTSA, rekorHandler, tsaHandler } from '@sigstore/mock';
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from '@sigstore/sign';
import { bundleToJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { type TrustContext, trustFromJson } from '../../server/src/core/trust/trustedRoot';
import { type AttestationLayer, IN_TOTO, envelopeBytes, imageStatement, pae } from './bundles';
import { closeServer, listenOnLoopback } from './loopback';

type Handler = Awaited<ReturnType<typeof fulcioHandler>>;

const key = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const spki = (k: crypto.KeyObject) => k.export({ format: 'der', type: 'spki' });
const VALID_FROM = '2020-01-01T00:00:00Z';

async function serve(handler: () => Handler | undefined, requests: string[]): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      requests.push(req.url ?? '');
      const h = handler();
      if (!h || !req.url?.startsWith(h.path)) return void res.writeHead(404).end();
      const result = await h.fn(body);
      res.writeHead(result.statusCode, { 'content-type': result.contentType ?? 'application/json' });
      res.end(result.response);
    });
  });
  return { server, url: `http://127.0.0.1:${await listenOnLoopback(server)}` };
}

export class LocalSigstore {
  private servers: http.Server[] = [];
  fulcioUrl = '';
  rekorUrl = '';
  tsaUrl = '';
  /** Requests each service has answered, by path (to see that signing reached them). */
  readonly requests: string[] = [];
  trust!: TrustContext;

  async start(): Promise<void> {
    const ctKeys = key();
    const caKeys = key();
    const tlogKeys = key();
    const tsaKeys = key();
    let fulcio: Handler | undefined;
    let rekor: Handler | undefined;
    let tsa: Handler | undefined;
    const f = await serve(() => fulcio, this.requests);
    // Rekor's server first: the log's checkpoint origin comes from its URL.
    const r = await serve(() => rekor, this.requests);
    // The mock TSA reads its time from this Date; whole seconds only (fractions it writes do not parse).
    const clock = new Date();
    const t = await serve(() => {
      clock.setTime(Math.floor(Date.now() / 1000) * 1000);
      return tsa;
    }, this.requests);
    this.servers.push(f.server, r.server, t.server);
    [this.fulcioUrl, this.rekorUrl, this.tsaUrl] = [f.url, r.url, t.url];
    const ctLog = await initializeCTLog(ctKeys);
    const ca = await initializeCA(caKeys, ctLog);
    const tlog = await initializeTLog(r.url, tlogKeys);
    const authority = await initializeTSA(tsaKeys, clock);
    fulcio = fulcioHandler(ca, { strict: true, subjectClaim: 'sub' });
    rekor = rekorHandler(tlog, { strict: true });
    tsa = tsaHandler(authority, { strict: true });
    const logId = (k: crypto.KeyObject) => crypto.createHash('sha256').update(spki(k)).digest('base64');
    const der = (view: ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
    this.trust = trustFromJson(
      {
        mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
        tlogs: [
          {
            baseUrl: r.url,
            hashAlgorithm: 'SHA2_256',
            publicKey: { rawBytes: spki(tlogKeys.publicKey).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: VALID_FROM } },
            logId: { keyId: logId(tlogKeys.publicKey) },
          },
        ],
        certificateAuthorities: [
          {
            subject: { organization: 'local', commonName: 'local' },
            uri: f.url,
            certChain: { certificates: [{ rawBytes: der(ca.rootCertificate) }] },
            validFor: { start: VALID_FROM },
          },
        ],
        ctlogs: [
          {
            baseUrl: 'http://ct.local',
            hashAlgorithm: 'SHA2_256',
            publicKey: { rawBytes: spki(ctKeys.publicKey).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: VALID_FROM } },
            logId: { keyId: der(ctLog.logID) },
          },
        ],
        // Leaf first, then root.
        timestampAuthorities: [
          {
            subject: { organization: 'local', commonName: 'tsa' },
            uri: t.url,
            certChain: { certificates: [{ rawBytes: der(authority.intCertificate) }, { rawBytes: der(authority.rootCertificate) }] },
            validFor: { start: VALID_FROM },
          },
        ],
      },
      'custom file',
    );
  }

  /** The trusted root as a file, for the CLI's --trusted-root. */
  writeTrustedRoot(file: string): string {
    fs.writeFileSync(file, JSON.stringify(TrustedRoot.toJSON(this.trust.root)));
    return file;
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map(closeServer));
  }

  /** Signs an in-toto statement about `imageDigest` (with `predicate`) as `subject` (an OIDC identity from `issuer`), logged in Rekor. */
  signImage(imageDigest: string, predicateType: string, subject: string, issuer = 'https://issuer.local', predicate?: object): Promise<object> {
    return this.signStatement(imageStatement(imageDigest, predicateType, predicate), subject, issuer);
  }

  /** Signs a serialised in-toto statement (about anything: an npm tarball, say) as `subject` from `issuer`, logged in Rekor: a Sigstore bundle. */
  async signStatement(statement: Buffer, subject: string, issuer = 'https://issuer.local'): Promise<object> {
    const builder = new DSSEBundleBuilder({
      signer: this.fulcioSigner(subject, issuer),
      witnesses: [new RekorWitness({ rekorBaseURL: this.rekorUrl, entryType: 'intoto' })],
    });
    return bundleToJSON(await builder.create({ data: statement, type: IN_TOTO })) as object;
  }

  /**
   * What keyless `cosign attest` writes to the `.att` tag: the envelope as a layer, the Fulcio
   * certificate and the Rekor entry (its signed entry timestamp) as annotations. The entry body is
   * what Rekor stores for the envelope: `intoto` 0.0.2 (cosign 2) or 0.0.1 (cosign 1), whose
   * recorded hash is of the envelope bytes as uploaded.
   */
  async attestImage(
    imageDigest: string,
    predicateType: string,
    subject: string,
    options: { predicate?: object; entryVersion?: '0.0.1' | '0.0.2' } = {},
  ): Promise<AttestationLayer> {
    const payload = imageStatement(imageDigest, predicateType, options.predicate);
    const signed = await this.fulcioSigner(subject, 'https://issuer.local').sign(pae(IN_TOTO, payload));
    if (signed.key.$case !== 'x509Certificate') throw new Error('Fulcio returned no certificate');
    const certificate = signed.key.certificate;
    const blob = envelopeBytes(payload, signed.signature);
    const hash = { algorithm: 'sha256', value: crypto.createHash('sha256').update(blob).digest('hex') };
    const payloadHash = { algorithm: 'sha256', value: crypto.createHash('sha256').update(payload).digest('hex') };
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const spec =
      options.entryVersion === '0.0.1'
        ? { content: { hash, payloadHash }, publicKey: b64(certificate) }
        : {
            content: {
              envelope: { payloadType: IN_TOTO, signatures: [{ publicKey: b64(certificate), sig: b64(signed.signature.toString('base64')) }] },
              hash,
              payloadHash,
            },
          };
    const response = await fetch(`${this.rekorUrl}/api/v1/log/entries`, {
      method: 'POST',
      body: JSON.stringify({ apiVersion: options.entryVersion ?? '0.0.2', kind: 'intoto', spec }),
      headers: { 'content-type': 'application/json' },
    });
    const [entry] = Object.values(
      (await response.json()) as Record<
        string,
        { body: string; integratedTime: number; logIndex: number; logID: string; verification: { signedEntryTimestamp: string } }
      >,
    );
    const rekorBundle = {
      SignedEntryTimestamp: entry.verification.signedEntryTimestamp,
      Payload: { body: entry.body, integratedTime: entry.integratedTime, logIndex: entry.logIndex, logID: entry.logID },
    };
    return {
      blob,
      annotations: {
        'dev.cosignproject.cosign/signature': '',
        'dev.sigstore.cosign/certificate': certificate,
        'dev.sigstore.cosign/bundle': JSON.stringify(rekorBundle),
        predicateType,
      },
    };
  }

  /** Keyless signing as `subject`: a token from `issuer` (unsigned: the mock Fulcio only reads its claims). */
  private fulcioSigner(subject: string, issuer: string): FulcioSigner {
    const now = Math.floor(Date.now() / 1000);
    const claims = Buffer.from(JSON.stringify({ iss: issuer, sub: subject, aud: 'sigstore', iat: now, exp: now + 600 })).toString('base64url');
    const token = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${claims}.`;
    return new FulcioSigner({ identityProvider: { getToken: async () => token }, fulcioBaseURL: this.fulcioUrl });
  }
}
