// The evidence under a package node: each check with its verdict, and what the provenance says
// (source, workflow, builder, signer, log entry, attestations), with links where there are some.

import { evidenceLabelOf } from '../core/ecosystems/registry';
import { type PackageResult, commitUrl, signingTime } from '../core/result';
import type { TreeNode, TreeVerdict } from '../shared/protocol';

export function evidenceNodes(packageId: string, r: PackageResult): TreeNode[] {
  const nodes: TreeNode[] = [];
  const add = (kind: NonNullable<TreeNode['evidence']>, label: string, extra: Partial<TreeNode> = {}) =>
    nodes.push({ id: `${packageId}#${kind}${nodes.length}`, parentId: packageId, kind: 'evidence', evidence: kind, label, collapsible: false, ...extra });

  if (r.ecosystem === 'oci') {
    if (r.digest) add('source', `Digest: ${r.digest.slice(0, 19)}…`, { tooltip: r.digest });
    add('signature', `Signature: ${r.signature}`, { tooltip: r.signatureReason, verdict: r.signature });
    for (const s of r.signers ?? []) {
      add('signer', s.key ? `Key: ${s.key}` : `Signer: ${s.subject ?? 'unknown'}`, { description: s.issuer });
      if (s.logIndex) add('log', `Transparency log entry ${s.logIndex}`, { description: signingTime(s) });
    }
    const attested = r.provenanceDetails?.predicateTypes ?? [];
    if (attested.length > 0 || r.provenance === 'invalid') {
      add('attestation', `Attestations: ${r.provenance}`, {
        description: attested.map(shortPredicate).join(', '),
        tooltip: r.provenanceReason,
        verdict: r.provenance === 'absent' ? 'absent' : r.provenance,
      });
    }
    const d = r.provenanceDetails;
    if (d && r.provenance === 'verified') {
      if (d.builderId) add('builder', `Builder: ${d.builderId}`);
      const by = d.signerKey ? `key ${d.signerKey}` : d.subjectAlternativeName;
      if (by) add('signer', `Provenance signer: ${by}`, { description: d.issuer });
    }
    (r.sboms ?? []).forEach((sbom, sbomIndex) =>
      add('attestation', `SBOM: ${shortPredicate(sbom.predicateType)}`, {
        description: `attested by ${sbom.key ?? sbom.subject ?? 'an unknown signer'}`,
        tooltip: `${sbom.predicateType}, signed by ${sbom.key ? `key ${sbom.key}` : `${sbom.subject} (${sbom.issuer})`}. Open it to review its components.`,
        verdict: 'verified',
        sbomIndex,
      }),
    );
    if (r.platforms) add('source', `Platforms: ${r.platforms.length}`, { description: r.platforms.join(', ') });
    if (r.artifactType && r.artifactType !== 'container image') add('source', `Artifact: ${r.artifactType}`);
    if (r.publisher) add('signer', `Publisher: ${r.publisher}`, { description: 'a signer it documents' });
    return nodes;
  }

  // Where one attestation is the only evidence (Python, gems), one node says both.
  const single = evidenceLabelOf(r.ecosystem);
  if (single) add('provenance', `${single}: ${r.signature}`, { tooltip: r.signatureReason, verdict: r.signature });
  else {
    add('signature', `Registry signature: ${r.signature}`, { description: r.signatureKeyId ?? '', tooltip: r.signatureReason, verdict: r.signature });
    const provenanceVerdict: TreeVerdict = r.provenance === 'absent' ? 'absent' : r.provenance;
    add('provenance', `Provenance: ${r.provenance}`, { tooltip: r.provenanceReason, verdict: provenanceVerdict });
  }
  const d = r.provenanceDetails;
  if (d && r.provenance === 'verified') {
    if (d.sourceRepository) {
      add('source', `Source: ${d.sourceRepository.replace(/^https:\/\//, '')}`, {
        description: [d.sourceCommit?.slice(0, 12), d.sourceRef].filter(Boolean).join(' '),
        tooltip: `${d.sourceRepository}${d.sourceCommit ? ` @ ${d.sourceCommit}` : ''}`,
        commitUrl: commitUrl(d),
      });
    }
    const workflow = d.workflowPath ?? d.buildConfigURI;
    if (workflow) add('workflow', `Workflow: ${workflow}`, { description: d.buildTrigger ? `on ${d.buildTrigger}` : undefined });
    if (d.builderId) add('builder', `Builder: ${d.builderId}`, { description: d.runnerEnvironment });
    if (d.subjectAlternativeName)
      add('signer', `Signer: ${d.subjectAlternativeName}`, {
        description: d.issuer,
        tooltip: `Certificate identity ${d.subjectAlternativeName}, issued through ${d.issuer ?? 'an unknown issuer'}`,
      });
    if (d.logIndex) add('log', `Transparency log entry ${d.logIndex}`, { description: signingTime(d), logEntryUrl: d.logEntryUrl });
    if (d.predicateTypes.length > 0)
      add('attestation', `Attestations: ${d.predicateTypes.length}`, {
        description: d.predicateTypes.map(shortPredicate).join(', '),
        tooltip: d.predicateTypes.join('\n\n'),
      });
  }
  if (r.commit) add('source', `Commit: ${r.commit.slice(0, 12)}`, { tooltip: r.commit });
  for (const f of r.findings) add('finding', f.message, { tooltip: f.code });
  return nodes;
}

function shortPredicate(type: string): string {
  if (type.includes('slsa.dev/provenance')) return `SLSA provenance ${type.split('/').pop()}`;
  if (type.includes('npm/attestation') && type.includes('publish')) return 'npm publish';
  if (type.startsWith('https://cyclonedx.org/bom')) return 'CycloneDX SBOM';
  if (type.startsWith('https://spdx.dev/Document')) return 'SPDX SBOM';
  return type;
}
