// Quick fixes on a dependency: pin an image to its digest, an action to its commit, upgrade to the nearest version published
// with provenance, and trust a verified signer in the workspace policy — JSON or YAML, creating
// the policy file if need be.

import * as path from 'node:path';
import { CodeAction, CodeActionKind, type Diagnostic, TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { CheckedDependency } from '../core/checker';
import { LineIndex } from '../core/formats/jsonDocument';
import type { PackageResult } from '../core/result';
import { POLICY_FILE, type PackageRule, type Policy, type Signer, isYamlPolicy, ruleFor, signerMatches } from '../core/trust/policy';
import { trustSignerEdits } from '../core/trust/policyEdit';

export interface CodeActionInput {
  uri: string;
  checked: CheckedDependency;
  /** Diagnostics the client sent for the range: the fixes say which ones they resolve. */
  diagnostics: Diagnostic[];
  policy: Policy;
  /** Where a new policy file goes when there is none (the workspace folder of the file). */
  policyFolder: string;
  /** The policy file's current text (the editor's, if it is open), or undefined if it does not exist. */
  policyText: string | undefined;
  /** The text of the file the action is for. */
  documentText: string;
}

const MANIFEST_GROUPS = new Set(['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']);

export function codeActions(input: CodeActionInput): CodeAction[] {
  return [pinToDigest(input), pinActionToCommit(input), upgradeToProvenance(input), trustSigner(input)].filter((a): a is CodeAction => a !== undefined);
}

/** `actions/checkout@v4` → `actions/checkout@<commit> # v4`: pinned, and the tag kept for people (and update bots). */
function pinActionToCommit({ uri, checked, diagnostics, documentText }: CodeActionInput): CodeAction | undefined {
  const { dependency, result } = checked;
  if (dependency.ecosystem !== 'github-actions' || dependency.version || !result.commit) return undefined;
  const end = dependency.specRange.end;
  const line = (documentText.split('\n')[end.line] ?? '').replace(/\r$/, '');
  const edits = [TextEdit.replace(dependency.specRange, result.commit)];
  if (!line.slice(end.character).includes('#')) edits.push(TextEdit.insert({ line: end.line, character: line.length }, ` # ${dependency.spec}`));
  const related = diagnostics.filter((d) => d.code === 'action-not-pinned');
  const action = CodeAction.create(`Pin ${dependency.name}@${dependency.spec} to its commit`, { changes: { [uri]: edits } }, CodeActionKind.QuickFix);
  action.diagnostics = related;
  action.isPreferred = related.length > 0;
  return action;
}

/** `image:tag` → `image:tag@sha256:…`, in place, where the file spells the reference out. */
function pinToDigest({ uri, checked, diagnostics, documentText }: CodeActionInput): CodeAction | undefined {
  const { dependency, result } = checked;
  const image = dependency.image;
  if (dependency.ecosystem !== 'oci' || !image || image.digest || !result.digest) return undefined;
  const related = diagnostics.filter((d) => d.code === 'image-not-pinned' || d.code === 'image-tag-moved');
  if (dependency.pinAfter) {
    // A helmfile chart: `oci://…` gets `@<digest>` (helm 3.18 pulls by it), the version stays beside it.
    const action = CodeAction.create(
      `Pin ${image.name} to its digest`,
      { changes: { [uri]: [TextEdit.insert(dependency.pinAfter.end, `@${result.digest}`)] } },
      CodeActionKind.QuickFix,
    );
    action.diagnostics = related;
    action.isPreferred = related.length > 0;
    return action;
  }
  // Only where the range holds the reference as written (not a build argument, not Helm's separate fields).
  const lines = new LineIndex(documentText);
  const start = lines.offsetAt(dependency.specRange.start);
  if (documentText.slice(start, lines.offsetAt(dependency.specRange.end)) !== image.written) return undefined;
  const pinned = `${image.written}@${result.digest}`;
  const action = CodeAction.create(
    `Pin ${image.written} to its digest`,
    { changes: { [uri]: [TextEdit.replace(dependency.specRange, pinned)] } },
    CodeActionKind.QuickFix,
  );
  action.diagnostics = related;
  action.isPreferred = related.length > 0;
  return action;
}

function upgradeToProvenance({ uri, checked, diagnostics }: CodeActionInput): CodeAction | undefined {
  const { dependency, result } = checked;
  const target = result.upgradeWithProvenance;
  // Only manifests name what to install; lockfiles are written by npm.
  if (!target || !MANIFEST_GROUPS.has(dependency.group)) return undefined;
  const operator = /^\s*([~^])/.exec(dependency.spec)?.[1] ?? (/^\s*\d/.test(dependency.spec) ? '' : '^');
  const spec = `${operator}${target}`;
  const inner = {
    start: { line: dependency.specRange.start.line, character: dependency.specRange.start.character + 1 },
    end: { line: dependency.specRange.end.line, character: dependency.specRange.end.character - 1 },
  };
  const related = diagnostics.filter((d) => d.code === 'provenance-required' || d.code === 'provenance-downgrade');
  const action = CodeAction.create(
    `Upgrade ${dependency.name} to ${spec}, the nearest version with provenance`,
    { changes: { [uri]: [TextEdit.replace(inner, spec)] } },
    CodeActionKind.QuickFix,
  );
  action.diagnostics = related;
  action.isPreferred = related.length > 0;
  return action;
}

function trustSigner({ checked, diagnostics, policy, policyFolder, policyText }: CodeActionInput): CodeAction | undefined {
  const { result } = checked;
  const rejected = diagnostics.filter((d) => d.code === 'signer-not-allowed' || d.code === 'signer-changed');
  const rule = ruleFor(policy, result.name);
  // Without a rejection, offer to pin the signer only where no rule names signers yet (trust on first use).
  if (rejected.length === 0 && rule?.signers) return undefined;
  const identity = signerToTrust(result, rule);
  if (!identity) return undefined;
  const file = policy.file ?? path.join(policyFolder, POLICY_FILE);
  const edits = trustSignerEdits(policyText, result.name, identity, isYamlPolicy(policy.file));
  if (edits.length === 0) return undefined;
  const target = URI.file(file).toString();
  const lines = new LineIndex(policyText ?? '');
  const textEdits = edits.map((e) => TextEdit.replace(lines.rangeAt(e.offset, e.length), e.content));
  const edit: WorkspaceEdit =
    policyText === undefined
      ? {
          documentChanges: [
            { kind: 'create', uri: target, options: { ignoreIfExists: true } },
            { textDocument: { uri: target, version: null }, edits: textEdits },
          ],
        }
      : { documentChanges: [{ textDocument: { uri: target, version: null }, edits: textEdits }] };
  const name = path.basename(file);
  const changed = rejected.some((d) => d.code === 'signer-changed');
  const title = changed
    ? `Accept the new signer ${identity.subject} for ${result.name} in ${name}`
    : rejected.length > 0
      ? `Trust ${identity.subject} for ${result.name} in ${name}`
      : `Accept only this signer for ${result.name} (${name})`;
  const action = CodeAction.create(title, edit, CodeActionKind.QuickFix);
  action.diagnostics = rejected;
  action.isPreferred = rejected.length > 0;
  return action;
}

/**
 * The verified identity to add: for a package, its provenance signer; for an image, the first
 * keyless signature signer the rule does not accept yet, else its provenance signer.
 */
function signerToTrust(result: PackageResult, rule: PackageRule | undefined): Signer | undefined {
  const provenance =
    result.provenance === 'verified' ? [{ issuer: result.provenanceDetails?.issuer, subject: result.provenanceDetails?.subjectAlternativeName }] : [];
  const candidates = result.ecosystem === 'oci' ? [...(result.signers ?? []), ...provenance] : provenance;
  for (const { issuer, subject } of candidates) {
    if (issuer && subject && !(rule?.signers ?? []).some((s) => signerMatches(s, issuer, subject))) return { issuer, subject };
  }
  return undefined;
}
