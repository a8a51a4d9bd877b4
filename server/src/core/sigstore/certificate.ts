// Reads what a Fulcio certificate says about the build that signed: the OIDC issuer, the
// signer identity (SAN) and the build extensions under OID 1.3.6.1.4.1.57264.1.
// Newer extensions (.8 onward) are DER UTF8Strings; the deprecated .1–.6 are raw strings.

import { ASN1Obj, type X509Certificate } from '@sigstore/core';

export interface BuildIdentity {
  issuer?: string;
  subjectAlternativeName?: string;
  sourceRepository?: string;
  sourceCommit?: string;
  sourceRef?: string;
  buildSignerURI?: string;
  buildTrigger?: string;
  runnerEnvironment?: string;
  buildConfigURI?: string;
  /** The owner (user or organisation) of the source repository: `https://github.com/<owner>`. */
  sourceRepositoryOwnerURI?: string;
}

const OID = '1.3.6.1.4.1.57264.1.';

export function readBuildIdentity(cert: X509Certificate): BuildIdentity {
  const text = (n: number) => extensionText(cert, OID + n);
  const legacyRepo = text(5);
  return {
    issuer: text(8) ?? text(1),
    subjectAlternativeName: cert.subjectAltName,
    sourceRepository: text(12) ?? (legacyRepo ? `https://github.com/${legacyRepo}` : undefined),
    sourceCommit: text(13) ?? text(3),
    sourceRef: text(14) ?? text(6),
    buildSignerURI: text(9),
    buildTrigger: text(20) ?? text(2),
    runnerEnvironment: text(11),
    buildConfigURI: text(18),
    sourceRepositoryOwnerURI: text(16),
  };
}

function extensionText(cert: X509Certificate, oid: string): string | undefined {
  const ext = cert.extension(oid);
  if (!ext) return undefined;
  const raw = ext.value;
  const v2 = Number(oid.split('.').pop()) >= 8;
  if (v2) {
    try {
      return ASN1Obj.parseBuffer(raw as Buffer<ArrayBuffer>).value.toString('utf8');
    } catch {
      return undefined;
    }
  }
  return raw.toString('utf8');
}
