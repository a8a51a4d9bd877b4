// SBOMs attested on images, opened from the provenance tree: the "SBOM" evidence node of an image
// names one attestation; the SBOM is fetched and verified again, then served to the editor as a
// read-only document of its own scheme, whose review says who attested it.

import { attestedSbom } from '../core/ecosystems/oci';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { Checker } from '../core/checker';
import type { SbomSignature } from '../core/sbom/review';
import { ATTESTED_SBOM_SCHEME, type OpenAttestedSbomResult } from '../shared/protocol';
import type { FileView } from './documentChecks';
import type { ProvenanceTree } from './tree';

export interface AttestedSbomDeps {
  checker: () => Checker | undefined;
  tree: ProvenanceTree;
  file: (uri: string) => FileView | undefined;
  workspaceTrusted: () => boolean;
}

export class AttestedSboms {
  /** Who attested each SBOM document handed out, by its URI. */
  private readonly signatures = new Map<string, SbomSignature>();

  constructor(private readonly deps: AttestedSbomDeps) {}

  /** The SBOM behind an "SBOM" evidence node of an image, verified again now. */
  async open(nodeId: string, signal?: AbortSignal): Promise<OpenAttestedSbomResult> {
    if (!this.deps.workspaceTrusted()) return { error: 'this workspace is not trusted, so nothing is fetched' };
    const node = this.deps.tree.node(nodeId);
    const target = this.deps.tree.dependencyOf(nodeId.split('#')[0]);
    const result = target && this.deps.file(target.uri)?.result(target.dependency);
    const attested = node?.sbomIndex !== undefined ? result?.sboms?.[node.sbomIndex] : undefined;
    const checker = this.deps.checker();
    if (!target || !result?.digest || !attested || !checker) return { error: 'this SBOM is no longer listed for the image; verify the image again' };
    const sbom = await attestedSbom(checker, URI.parse(target.uri).fsPath, target.dependency, result.digest, attested.location, signal);
    if ('error' in sbom) return { error: `The SBOM attested on ${target.dependency.name} cannot be opened: ${sbom.error}.` };
    // One document per attestation: image, its digest, the attestation's digest.
    const where = `${target.dependency.image?.name ?? target.dependency.name}@${result.digest}/${attested.location.digest.replace(':', '-').slice(0, 19)}`;
    const uri = URI.from({ scheme: ATTESTED_SBOM_SCHEME, path: `/${where}/${sbom.fileName}` }).toString();
    const check = sbom.check.ok ? sbom.check : undefined;
    this.signatures.set(uri, {
      verdict: 'verified',
      reason: `The attestation's signature, transparency-log entry and subject (${result.digest}) were verified when it was opened.`,
      signer: check?.keyName ?? check?.identity?.subjectAlternativeName,
      issuer: check?.identity?.issuer,
      source: `attestation (${attested.location.kind === 'att' ? 'cosign .att' : 'referrer'}) on ${path.posix.basename(target.dependency.image?.name ?? target.dependency.name)}@${result.digest.slice(0, 19)}…`,
    });
    return { uri, text: sbom.text };
  }

  signatureOf(uri: string): SbomSignature | undefined {
    return this.signatures.get(uri);
  }
}
