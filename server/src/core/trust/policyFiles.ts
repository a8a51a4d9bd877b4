// The policy as files on disk: finding the policy that applies to a folder, and reading the public
// keys its rules name (paths relative to the policy file). The I/O edge of policy.ts.

import * as path from 'node:path';
import { readTextIfExists } from '../readText';
import type { ArtifactExpectation, PublicKeyEntry } from './signers';
import { EMPTY_POLICY, POLICY_FILES, type PackageRule, type Policy, artifactRuleFor, parsePolicy } from './policy';

/** The given policy file, or the nearest provenance-policy.json at or above `dir`; a malformed one counts only its valid rules (its diagnostics say why). */
export function loadPolicy(dir: string, given?: string): Policy {
  if (given) return parsePolicy(readTextIfExists(given) ?? '', given).policy;
  for (let current = dir; ; current = path.dirname(current)) {
    for (const name of POLICY_FILES) {
      const file = path.join(current, name);
      const text = readTextIfExists(file);
      if (text !== undefined) return parsePolicy(text, file).policy;
    }
    if (path.dirname(current) === current) return EMPTY_POLICY;
  }
}

/** The public keys a rule names, read from beside the policy; keys that cannot be read are left out. */
export function policyKeys(policy: Policy, rule: PackageRule | undefined): PublicKeyEntry[] {
  const base = policy.file ? path.dirname(policy.file) : '.';
  return (rule?.keys ?? []).flatMap((k) => {
    const pem = readTextIfExists(path.resolve(base, k.path));
    return pem ? [{ name: k.path, pem, ignoreTlog: k.ignoreTlog }] : [];
  });
}

/** Who must have signed a local file: the first `artifacts` rule matching its path relative to the policy. */
export function artifactExpectation(policy: Policy, file: string): ArtifactExpectation {
  if (!policy.file) return { signers: [], keys: [] };
  const relative = path.relative(path.dirname(policy.file), path.resolve(file)).split(path.sep).join('/');
  const rule = artifactRuleFor(policy, relative);
  return { signers: rule?.signers ?? [], keys: policyKeys(policy, rule) };
}
