// The workspace policy (`provenance-policy.json`): which packages must have provenance, and whose
// signatures their provenance must carry. Evidence is verified first; the policy is applied on
// top (it never turns failing evidence into something better), so changing the policy does not
// require verifying anything again. Pure: text in, decisions out.

import * as crypto from 'node:crypto';
import { parseJsonObject, child, nodeRange, properties, stringValue } from '../formats/jsonDocument';
import { parseYamlObject } from '../formats/yamlTree';
import type { ParseProblem } from '../dependency';
import type { ImageSigner, PackageResult } from '../result';
import { type CodeOf, coded } from '../reasons';
import { type KnownPublisher, type RegistryMirror, applyKnownPublisher, knownPublisherFor } from './knownSigners';
import { type Signer, describeImageSigner, describeSigners, globMatches, signerMatches } from './signers';

export { type Signer, globMatches, signerMatches };

/** The name a new policy file gets; YAML spellings are read too. */
export const POLICY_FILE = 'provenance-policy.json';
export const POLICY_FILES = [POLICY_FILE, 'provenance-policy.yaml', 'provenance-policy.yml'];

export function isYamlPolicy(file: string | undefined): boolean {
  return !!file && /\.ya?ml$/.test(file);
}

export interface PackageRule {
  /** A package name, or a pattern with `*` (`@sigstore/*`). */
  match: string;
  requireProvenance?: boolean;
  /** When present, provenance is required and must be signed by one of these. */
  signers?: Signer[];
  /** Images: cosign public keys (paths relative to the policy file) whose signatures are accepted. */
  keys?: Array<{ path: string; ignoreTlog?: boolean }>;
}

export interface Policy {
  requireProvenance: boolean;
  packages: PackageRule[];
  /** Local files with Sigstore bundles: who must have signed them (`match`: a path relative to the policy). */
  artifacts: PackageRule[];
  /** Publishers' documented signers the policy adds (before the bundled catalog's), or `false`: no catalog. */
  knownSigners: KnownPublisher[] | false;
  /** Registries that mirror others (a pull-through cache): the catalog of known signers treats images there as the mirrored registry's. */
  mirrors: RegistryMirror[];
  /** Part of what a verdict depends on (shown in logs; results are re-judged when it changes). */
  digest: string;
  file?: string;
}

export const EMPTY_POLICY: Policy = { requireProvenance: false, packages: [], artifacts: [], knownSigners: [], mirrors: [], digest: 'none' };

/** Reads a policy file, collecting every problem (with its range) instead of stopping at the first. */
export function parsePolicy(text: string, file?: string): { policy: Policy; problems: ParseProblem[] } {
  const { root, lines, problems } = isYamlPolicy(file) ? parseYamlObject(text, 'A policy file') : parseJsonObject(text, 'A policy file');
  const policy: Policy = {
    requireProvenance: false,
    packages: [],
    artifacts: [],
    knownSigners: [],
    mirrors: [],
    digest: crypto.createHash('sha256').update(text).digest('hex').slice(0, 16),
    file,
  };
  if (!root) return { policy, problems };
  const bad: ReportProblem = (node, message) => problems.push({ message, range: nodeRange(lines, node), code: 'policy-invalid' });
  const requireNode = child(root, 'requireProvenance');
  if (requireNode) {
    if (typeof requireNode.value === 'boolean') policy.requireProvenance = requireNode.value;
    else bad(requireNode, '"requireProvenance" must be true or false.');
  }
  policy.packages = parseRules(child(root, 'packages'), 'packages', bad);
  policy.artifacts = parseRules(child(root, 'artifacts'), 'artifacts', bad);
  policy.knownSigners = parseKnownSigners(child(root, 'knownSigners'), bad);
  policy.mirrors = parseMirrors(child(root, 'mirrors'), bad);
  return { policy, problems };
}

type ReportProblem = (node: Parameters<typeof nodeRange>[1], message: string) => void;

/** `knownSigners`: `false`, or publishers as the catalog lists them (`source` optional). */
function parseKnownSigners(node: ReturnType<typeof child>, bad: ReportProblem): KnownPublisher[] | false {
  if (!node) return [];
  if (node.type === 'boolean' && node.value === false) return false;
  if (node.type !== 'array') {
    bad(node, '"knownSigners" must be a list of publishers, or false to set the bundled catalog aside.');
    return [];
  }
  const out: KnownPublisher[] = [];
  for (const entryNode of node.children ?? []) {
    const publisher = stringValue(child(entryNode, 'publisher'));
    const ecosystem = stringValue(child(entryNode, 'ecosystem'));
    const matchNode = child(entryNode, 'match');
    const match =
      matchNode?.type === 'string' ? [String(matchNode.value)] : (matchNode?.children ?? []).map((m) => stringValue(m)).filter((m): m is string => !!m);
    const signers = parseSigners(child(entryNode, 'signers'), bad);
    if (!publisher || (ecosystem !== 'oci' && ecosystem !== 'npm') || match.length === 0 || !signers?.length) {
      bad(
        entryNode,
        'A known signer needs "publisher", "ecosystem" ("oci" or "npm"), "match" (names or patterns) and "signers" (issuer with subject or subjectPattern).',
      );
      continue;
    }
    const registriesNode = child(entryNode, 'registries');
    const registries = (registriesNode?.type === 'array' ? (registriesNode.children ?? []) : []).map((r) => stringValue(r)).filter((r): r is string => !!r);
    if (registriesNode && (ecosystem !== 'oci' || registriesNode.type !== 'array' || registries.length === 0)) {
      bad(registriesNode, '"registries" is for images: a list of the registries (host, or host/path) the publisher serves them from.');
    }
    const entry: KnownPublisher = { publisher, ecosystem, match, signers, source: stringValue(child(entryNode, 'source')) };
    out.push(ecosystem === 'oci' && registries.length > 0 ? { ...entry, registries } : entry);
  }
  return out;
}

/** `mirrors`: registries (host, or host/path) that serve what another registry serves, under the same paths. */
function parseMirrors(node: ReturnType<typeof child>, bad: ReportProblem): RegistryMirror[] {
  if (!node) return [];
  if (node.type !== 'array') {
    bad(node, '"mirrors" must be a list of { "mirror": "host/path", "of": "host" }.');
    return [];
  }
  const out: RegistryMirror[] = [];
  for (const mirrorNode of node.children ?? []) {
    const mirror = stringValue(child(mirrorNode, 'mirror'));
    const of = stringValue(child(mirrorNode, 'of'));
    if (!mirror || !of)
      bad(mirrorNode, 'A mirror needs "mirror" (the registry, host or host/path, that serves the copies) and "of" (the registry it mirrors).');
    else out.push({ mirror, of });
  }
  return out;
}

/** A `signers` list: issuer with an exact subject or a subject pattern; undefined when absent. */
function parseSigners(signersNode: ReturnType<typeof child>, bad: ReportProblem): Signer[] | undefined {
  if (!signersNode) return undefined;
  const signers: Signer[] = [];
  for (const signerNode of signersNode.type === 'array' ? (signersNode.children ?? []) : []) {
    const issuer = stringValue(child(signerNode, 'issuer'));
    const subject = stringValue(child(signerNode, 'subject'));
    const subjectPattern = stringValue(child(signerNode, 'subjectPattern'));
    if (!issuer || (!subject && !subjectPattern)) {
      bad(signerNode, 'A signer needs "issuer" and either "subject" (exact) or "subjectPattern" (a regular expression).');
      continue;
    }
    if (subjectPattern && !isValidPattern(subjectPattern)) {
      bad(child(signerNode, 'subjectPattern')!, `"${subjectPattern}" is not a valid regular expression.`);
      continue;
    }
    signers.push(subject !== undefined ? { issuer, subject } : { issuer, subjectPattern });
  }
  if (signersNode.type !== 'array') bad(signersNode, '"signers" must be a list.');
  return signers;
}

/** A list of rules (`packages` or `artifacts`): match, requireProvenance, signers, keys. */
function parseRules(listNode: ReturnType<typeof child>, field: 'packages' | 'artifacts', bad: ReportProblem): PackageRule[] {
  const rules: PackageRule[] = [];
  if (listNode && listNode.type !== 'array') bad(listNode, `"${field}" must be a list of rules.`);
  for (const ruleNode of listNode?.type === 'array' ? (listNode.children ?? []) : []) {
    const match = stringValue(child(ruleNode, 'match'));
    if (ruleNode.type !== 'object' || !match) {
      bad(
        ruleNode,
        field === 'artifacts'
          ? 'Each rule needs "match": a file path (relative to this policy) or pattern such as "dist/*".'
          : 'Each rule needs "match": a package name or pattern such as "@scope/*".',
      );
      continue;
    }
    const rule: PackageRule = { match };
    const ruleRequire = child(ruleNode, 'requireProvenance');
    if (ruleRequire && typeof ruleRequire.value === 'boolean') rule.requireProvenance = ruleRequire.value;
    else if (ruleRequire) bad(ruleRequire, '"requireProvenance" must be true or false.');
    const signers = parseSigners(child(ruleNode, 'signers'), bad);
    if (signers) rule.signers = signers;
    const keysNode = child(ruleNode, 'keys');
    if (keysNode) {
      rule.keys = [];
      for (const keyNode of keysNode.type === 'array' ? (keysNode.children ?? []) : []) {
        const keyPath = stringValue(child(keyNode, 'path'));
        const ignoreTlog = child(keyNode, 'ignoreTlog')?.value;
        if (!keyPath) bad(keyNode, 'A key needs "path": a cosign public key file, relative to this policy.');
        else rule.keys.push(ignoreTlog === true ? { path: keyPath, ignoreTlog: true } : { path: keyPath });
      }
      if (keysNode.type !== 'array') bad(keysNode, '"keys" must be a list.');
    }
    for (const { key } of properties(ruleNode)) {
      if (!['match', 'requireProvenance', 'signers', 'keys'].includes(String(key.value))) bad(key, `Unknown rule field "${key.value}".`);
    }
    rules.push(rule);
  }
  return rules;
}

/** The first rule whose pattern matches the package name. */
export function ruleFor(policy: Policy, name: string): PackageRule | undefined {
  return policy.packages.find((rule) => globMatches(rule.match, name));
}

/** The first artifact rule whose pattern matches the file's path relative to the policy (`/`-separated). */
export function artifactRuleFor(policy: Policy, relativePath: string): PackageRule | undefined {
  return policy.artifacts.find((rule) => globMatches(rule.match, relativePath));
}

/**
 * Judges verified evidence against the policy. Failing evidence (invalid, unverifiable) is left as
 * it is: a policy can only make a verdict stricter. `daemonMirrors`: the docker daemon's mirrors,
 * which the catalog of known signers treats like the policy's own `mirrors`.
 */
export function applyPolicy(result: PackageResult, policy: Policy, requireProvenanceSetting: boolean, daemonMirrors: RegistryMirror[] = []): PackageResult {
  if (result.verdict === 'invalid' || result.verdict === 'unverifiable') return result;
  const rule = ruleFor(policy, result.name);
  const judged =
    result.ecosystem === 'oci'
      ? applyImageRule(result, rule, policy.requireProvenance || requireProvenanceSetting)
      : applyPackageRule(result, rule, policy, requireProvenanceSetting);
  // Who signs it is the user's to say in a rule; where no rule does, the catalog of known signers may.
  if (rule?.signers || rule?.keys) return judged;
  const publisher = knownPublisherFor(judged, policy.knownSigners, [...policy.mirrors, ...daemonMirrors]);
  return publisher ? applyKnownPublisher(judged, publisher) : judged;
}

function applyPackageRule(result: PackageResult, rule: PackageRule | undefined, policy: Policy, requireProvenanceSetting: boolean): PackageResult {
  const signers = rule?.signers;
  const requireProvenance =
    result.ecosystem === 'npm' && (signers !== undefined || (rule?.requireProvenance ?? (policy.requireProvenance || requireProvenanceSetting)));
  const violation = (code: CodeOf<'policy-violation'>, reason: string): PackageResult => ({ ...result, ...coded(code), reason });
  if (requireProvenance && result.provenance === 'absent') {
    return violation('provenance-required', `The policy${rule ? ` (rule "${rule.match}")` : ''} requires provenance, and this version has none.`);
  }
  if (signers && result.provenance === 'verified') {
    const issuer = result.provenanceDetails?.issuer ?? '';
    const subject = result.provenanceDetails?.subjectAlternativeName ?? '';
    if (!signers.some((s) => signerMatches(s, issuer, subject))) {
      return violation(
        'signer-not-allowed',
        `Signed by ${subject || 'an unknown identity'} (${issuer || 'unknown issuer'}), but the policy rule "${rule!.match}" accepts only ${describeSigners(signers)}.`,
      );
    }
  }
  return result;
}

/**
 * Images: when a rule names signers or keys, one verified signature must be by one of them; when
 * provenance is required, a verified SLSA provenance attestation must be attached — by one of them
 * too, when the rule names any.
 */
function applyImageRule(result: PackageResult, rule: PackageRule | undefined, requireProvenanceEverywhere: boolean): PackageResult {
  if (result.verdict === 'invalid' || result.verdict === 'unverifiable') return result;
  const violation = (code: CodeOf<'policy-violation'>, reason: string): PackageResult => ({ ...result, ...coded(code), reason });
  const provenanceRequired = rule?.requireProvenance ?? requireProvenanceEverywhere;
  if (provenanceRequired && result.provenance === 'absent') {
    return violation(
      'provenance-required',
      `The policy${rule ? ` (rule "${rule.match}")` : ''} requires a SLSA provenance attestation, and this image has none.`,
    );
  }
  if (!rule || result.verdict !== 'verified' || (!rule.signers && !rule.keys)) return result;
  const wanted = [rule.signers && describeSigners(rule.signers), rule.keys && rule.keys.map((k) => `key ${k.path}`).join(', ')].filter(Boolean).join(', ');
  if (!(result.signers ?? []).some((s) => acceptedByRule(rule, s))) {
    const seen = (result.signers ?? []).map(describeImageSigner).join(', ');
    return violation('signer-not-allowed', `Signed by ${seen}, but the policy rule "${rule.match}" accepts only ${wanted}.`);
  }
  const details = result.provenanceDetails;
  if (provenanceRequired && result.provenance === 'verified' && details) {
    const provenanceSigner: ImageSigner = { subject: details.subjectAlternativeName, issuer: details.issuer, key: details.signerKey };
    if (!acceptedByRule(rule, provenanceSigner)) {
      return violation(
        'signer-not-allowed',
        `The SLSA provenance is signed by ${describeImageSigner(provenanceSigner)}, but the policy rule "${rule.match}" accepts only ${wanted}.`,
      );
    }
  }
  return result;
}

function acceptedByRule(rule: PackageRule, s: ImageSigner): boolean {
  return (
    (s.subject !== undefined && (rule.signers ?? []).some((r) => signerMatches(r, s.issuer ?? '', s.subject!))) ||
    (s.key !== undefined && (rule.keys ?? []).some((k) => k.path === s.key))
  );
}

export function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
