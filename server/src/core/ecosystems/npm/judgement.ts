// How the two npm checks become one verdict with one reason, and which warnings go with it.
// Pure: the inputs are the check results and the registry's packument.

import semver from 'semver';
import { normaliseRepository } from './packageJson';
import type { NpmVersionManifest, Packument } from './npmRegistry';
import { type Finding, type VerdictCode, verdictOf } from '../../reasons';
import { type Verdict, worse } from '../../verdict';
import type { ProvenanceResult } from './provenance';
import type { SignatureResult } from './signature';

export interface Judgement {
  verdict: Verdict;
  code: VerdictCode;
  reason: string;
}

/**
 * The worse of the two checks decides; `absent` provenance counts as fine here. Whether the
 * workspace requires provenance is the policy's business (trust/policy.ts), applied on top.
 */
export function judge(signature: SignatureResult, provenance: ProvenanceResult): Judgement {
  const verdict = worse(signature.status, provenance.status === 'absent' ? 'verified' : provenance.status);
  if (verdict === 'verified') {
    const reason =
      provenance.status === 'verified' ? 'Registry signature and provenance verified.' : 'Registry signature verified; published without provenance.';
    return { verdict, code: 'verified', reason };
  }
  // The check that decides gives the code, and the code the verdict (its status stands for the same one).
  const deciding = verdict === signature.status ? signature : provenance;
  return { verdict: verdictOf(deciding.code), code: deciding.code, reason: deciding.message };
}

/** The nearest later stable version published with provenance, when this one has none. */
export function nearestVersionWithProvenance(packument: Packument, version: string): string | undefined {
  if (!semver.valid(version)) return undefined;
  return Object.entries(packument.versions)
    .filter(([v, m]) => semver.valid(v) && semver.gt(v, version) && !semver.prerelease(v) && m.dist?.attestations?.provenance)
    .map(([v]) => v)
    .sort(semver.compare)[0];
}

/** Warnings that need the package's history or metadata: a provenance downgrade, a foreign source repository. */
export function provenanceFindings(packument: Packument, manifest: NpmVersionManifest, provenance: ProvenanceResult): Finding[] {
  const findings: Finding[] = [];
  const { name, version } = manifest;
  if (provenance.status === 'absent') {
    const earlier = earlierVersionWithProvenance(packument, version);
    if (earlier) findings.push({ code: 'provenance-downgrade', message: `${name}@${earlier} was published with provenance, but ${version} has none.` });
  }
  const declaredRepo = normaliseRepository(repositoryOf(manifest));
  const builtFrom = provenance.details?.sourceRepository?.toLowerCase();
  if (provenance.status === 'verified' && declaredRepo && builtFrom && declaredRepo !== builtFrom) {
    findings.push({ code: 'provenance-repository-mismatch', message: `Built from ${builtFrom}, but the package declares its repository as ${declaredRepo}.` });
  }
  return findings;
}

function earlierVersionWithProvenance(packument: Packument, version: string): string | undefined {
  if (!semver.valid(version)) return undefined;
  const earlier = Object.entries(packument.versions)
    .filter(([v, m]) => semver.valid(v) && semver.lt(v, version) && !semver.prerelease(v) && m.dist?.attestations?.provenance)
    .map(([v]) => v)
    .sort(semver.rcompare);
  return earlier[0];
}

function repositoryOf(manifest: NpmVersionManifest): string | undefined {
  return typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
}
