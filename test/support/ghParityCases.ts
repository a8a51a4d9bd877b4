// The cases of gh's own tests of `gh attestation verify` (cli/cli @ 44ee177, pkg/cmd/attestation/)
// that run on local data, as command lines of `provenance-lens attestation verify`, with what gh's
// test expects; then cases of our own for behaviour gh's source decides but its tests do not
// exercise (each names the line of gh's source it follows). The data is gh's, copied unchanged to
// test/fixtures/github/ (ORIGIN-gh-test-data.md). Used by test/integration/ghParity.test.ts.

import * as path from 'node:path';
import type { Verdict } from '../../server/src/core/verdict';

export const GH_COMMIT = '44ee17760709bedf1cad7e452e61751489b81a33';

export interface ParityCase {
  /** gh's test (file, function/subtest), or `derived: <gh source line>` for our own. */
  gh: string;
  /** What gh's test asserts (or, for a derived case, what gh's source does): no error, or an error. */
  ghExpects: 'pass' | 'fail';
  /**
   * `flags`: gh's test parses the command line with a stub in place of the verification, so what
   * it asserts is whether the flags are accepted (we agree when we give no usage error, exit ≠ 2,
   * or a usage error, exit 2). `outcome` (default): verified (exit 0) or not.
   */
  compare?: 'flags' | 'outcome';
  /** FILE and options; `--no-tuf-refresh --format json` are added. */
  args: string[];
  /** The exit status we must give: 0 verified, 1 not verified, 2 usage error. */
  exit: 0 | 1 | 2;
  verdict?: Verdict;
  /** What our reason (or usage message) must say. */
  reason?: RegExp;
  /** The attestations come from a GitHub API on 127.0.0.1: gh's test client (the sigstore-js bundle, twice) or one that fails. */
  api?: 'mock' | 'failing';
  env?: Record<string, string>;
  /** The point of the issue the case bears on. */
  point: string;
  note?: string;
}

export interface NotApplicable {
  gh: string;
  why: string;
}

const T = 'sigstore-js-2.1.0.tgz';
const B = 'sigstore-js-2.1.0-bundle.json';
const B2 = 'sigstore-js-2.1.0_with_2_bundles.jsonl';
const ROOT = 'trusted_root.json';
const CI = ['custom-issuer-artifact', '--bundle', 'custom-issuer.sigstore.json'];
const RW = ['reusable-workflow-artifact', '--bundle', 'reusable-workflow-attestation.sigstore.json'];
const WHL = 'github_provenance_demo-0.0.12-py3-none-any.whl';
const WB = 'github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl';

const SIGSTORE_SAN = 'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main';
const SIGSTORE_RE = '^https://github.com/sigstore/';
const TOO_LEGIT_SAN = 'https://github.com/too-legit/attest/.github/workflows/integration.yml@refs/heads/main';
const TOO_LEGIT_RE = '^https://github.com/too-legit/attest';
const HAMMER_TIME = 'https://token.actions.githubusercontent.com/hammer-time';
const REUSABLE_SAN = 'https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d';
const REUSABLE_RE = '^https://github.com/github/artifact-attestations-workflows/';
const SIGNER_REPO = 'github/artifact-attestations-workflows';
const WORKFLOW = 'github/artifact-attestations-workflows/.github/workflows/attest.yml';

/** The files the cases make in `tmp` (see ghParity.test.ts): an empty .jsonl, gh's two bundles with blank lines after them, a good and a broken bundle in one file, both trusted roots one a line. */
export const TEMP_FILES = {
  empty: 'empty.jsonl',
  extraLines: 'with_extra_lines.jsonl',
  mixed: 'good-and-missing-cert.jsonl',
  roots: 'trusted_roots.jsonl',
} as const;

export function parityCases(tmp: string): ParityCase[] {
  const temp = (name: string) => path.join(tmp, name);
  // TestRunVerify's publicGoodOpts and TestVerifyIntegration's: sha512, owner sigstore, SAN regex ^https://github.com/sigstore/.
  const sigstore = [T, '--digest-alg', 'sha512', '--cert-identity-regex', SIGSTORE_RE];
  const run = 'verify_test.go TestRunVerify/';
  const cmd = 'verify_test.go TestNewVerifyCmd/';
  const integ = 'verify_integration_test.go ';
  const live = 'verification/sigstore_integration_test.go TestLiveSigstoreVerifier/';
  const local = 'verification/attestation_test.go ';
  return [
    // verify_test.go TestNewVerifyCmd: flag parsing (gh's runF stub replaces the verification).
    {
      gh: `${cmd}Invalid digest-alg flag`,
      ghExpects: 'fail',
      compare: 'flags',
      args: [T, '--bundle', B, '--digest-alg', 'sha384', '--owner', 'sigstore'],
      exit: 2,
      reason: /--digest-alg must be sha256 or sha512/,
      point: 'digest-alg',
    },
    {
      gh: `${cmd}Use default digest-alg value`,
      ghExpects: 'pass',
      compare: 'flags',
      args: [T, '--bundle', B, '--owner', 'sigstore'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /by its sha512 digest, not by sha256:/,
      point: 'digest-alg',
      note: 'A full gh run fails too: the subject carries only a sha512 digest.',
    },
    {
      gh: `${cmd}Custom host`,
      ghExpects: 'pass',
      compare: 'flags',
      args: [T, '--bundle', B, '--owner', 'sigstore', '--hostname', 'foo.ghe.com'],
      exit: 1,
      verdict: 'policy-violation',
      point: 'hostname',
      note: "gh expects SANRegex (?i)^https://foo.ghe.com/sigstore/; a full run fails (sha256 asked, and the certificate is github.com's).",
    },
    {
      gh: `${cmd}Invalid custom host`,
      ghExpects: 'fail',
      compare: 'flags',
      args: [T, '--bundle', B, '--owner', 'sigstore', '--hostname', 'foo.bar.com'],
      exit: 2,
      reason: /not GitHub Enterprise Server/,
      point: 'hostname',
    },
    {
      gh: `${cmd}Use custom digest-alg value`,
      ghExpects: 'pass',
      compare: 'flags',
      args: [T, '--bundle', B, '--owner', 'sigstore', '--digest-alg', 'sha512'],
      exit: 0,
      verdict: 'verified',
      point: 'digest-alg',
    },
    {
      gh: `${cmd}Missing owner and repo flags`,
      ghExpects: 'fail',
      compare: 'flags',
      args: [T],
      exit: 2,
      reason: /Give --owner OWNER or --repo/,
      point: 'owner/repo',
    },
    {
      gh: `${cmd}Has both owner and repo flags`,
      ghExpects: 'fail',
      compare: 'flags',
      args: [T, '--owner', 'sigstore', '--repo', 'sigstore/sigstore-js'],
      exit: 2,
      reason: /not both/,
      point: 'owner/repo',
    },
    {
      gh: `${cmd}Uses default limit flag`,
      ghExpects: 'pass',
      compare: 'flags',
      args: [T, '--owner', 'sigstore'],
      api: 'mock',
      exit: 1,
      verdict: 'policy-violation',
      point: 'limit',
      note: "Default sha256; the attestations gh's test client serves name the file by sha512.",
    },
    {
      gh: `${cmd}Uses custom limit flag`,
      ghExpects: 'pass',
      compare: 'flags',
      args: [T, '--owner', 'sigstore', '--limit', '101'],
      api: 'mock',
      exit: 1,
      verdict: 'policy-violation',
      point: 'limit',
    },
    {
      gh: `${cmd}Uses invalid limit flag`,
      ghExpects: 'fail',
      compare: 'flags',
      args: [T, '--owner', 'sigstore', '--limit', '0'],
      exit: 2,
      reason: /--limit must be between 1 and 1000/,
      point: 'limit',
    },
    {
      gh: `${cmd}Has both cert-identity and cert-identity-regex flags`,
      ghExpects: 'fail',
      compare: 'flags',
      args: [T, '--owner', 'sigstore', '--cert-identity', 'https://github.com/sigstore/', '--cert-identity-regex', '^https://github.com/sigstore/'],
      exit: 2,
      reason: /cannot be combined/,
      point: 'cert-identity',
    },
    {
      gh: `${cmd}Prints output in JSON format`,
      ghExpects: 'pass',
      compare: 'flags',
      args: [T, '--bundle', B, '--owner', 'sigstore', '--format', 'json'],
      exit: 1,
      verdict: 'policy-violation',
      point: 'format',
    },
    // verify_test.go TestJSONOutput and TestRunVerify (gh's mock verifier returns the sigstore-js certificate's extensions).
    {
      gh: 'verify_test.go TestJSONOutput',
      ghExpects: 'pass',
      args: [...sigstore, '--bundle', B, '--owner', 'sigstore', '--format', 'json'],
      exit: 0,
      verdict: 'verified',
      point: 'format',
    },
    {
      gh: `${run}with valid artifact and bundle`,
      ghExpects: 'pass',
      args: [...sigstore, '--bundle', B, '--owner', 'sigstore'],
      exit: 0,
      verdict: 'verified',
      point: 'bundle',
    },
    {
      gh: `${run}with missing artifact path`,
      ghExpects: 'fail',
      args: ['../test/data/non-existent-artifact.zip', '--bundle', B, '--owner', 'sigstore'],
      exit: 2,
      reason: /cannot read it/,
      point: 'file',
    },
    {
      gh: `${run}with missing bundle path`,
      ghExpects: 'fail',
      args: [...sigstore, '--bundle', '../test/data/non-existent-sigstoreBundle.json', '--owner', 'sigstore'],
      exit: 2,
      reason: /cannot read it/,
      point: 'bundle',
    },
    { gh: `${run}with owner`, ghExpects: 'pass', args: [...sigstore, '--owner', 'sigstore'], api: 'mock', exit: 0, verdict: 'verified', point: 'owner' },
    {
      gh: `${run}with owner which not matches SourceRepositoryOwnerURI`,
      ghExpects: 'fail',
      args: [...sigstore, '--owner', 'owner'],
      api: 'mock',
      exit: 1,
      verdict: 'policy-violation',
      reason: /built for https:\/\/github\.com\/sigstore, not https:\/\/github\.com\/owner/i,
      point: 'owner',
    },
    {
      gh: `${run}with repo`,
      ghExpects: 'pass',
      args: [...sigstore, '--repo', 'sigstore/sigstore-js'],
      api: 'mock',
      exit: 0,
      verdict: 'verified',
      point: 'repo',
    },
    {
      gh: `${run}with bad tenancy`,
      ghExpects: 'fail',
      args: [...sigstore, '--repo', 'sigstore/sigstore-js', '--hostname', 'foo.ghe.com'],
      api: 'mock',
      exit: 1,
      verdict: 'policy-violation',
      reason: /not https:\/\/foo\.ghe\.com\/sigstore/,
      point: 'hostname',
    },
    {
      gh: `${run}with repo which not matches SourceRepositoryURI`,
      ghExpects: 'fail',
      args: [...sigstore, '--repo', 'wrong/example'],
      api: 'mock',
      exit: 1,
      verdict: 'policy-violation',
      reason: /not https:\/\/github\.com\/wrong/,
      point: 'repo',
      note: "gh's test keeps owner sigstore beside repo wrong/example; on the command line --repo sets the owner, which fails first.",
    },
    { gh: `${run}with invalid repo`, ghExpects: 'fail', args: [...sigstore, '--repo', 'wrong/example'], api: 'failing', exit: 1, point: 'repo' },
    { gh: `${run}with invalid owner`, ghExpects: 'fail', args: [...sigstore, '--owner', 'wrong-owner'], api: 'failing', exit: 1, point: 'owner' },
    {
      gh: `${run}with invalid OIDC issuer (skipped in gh)`,
      ghExpects: 'fail',
      args: [...sigstore, '--bundle', B, '--owner', 'sigstore', '--cert-oidc-issuer', 'not-a-real-issuer'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /not not-a-real-issuer/,
      point: 'cert-oidc-issuer',
      note: "gh skips it for want of a live verifier; the expectation is the test body's.",
    },
    {
      gh: `${run}with SAN enforcement (skipped in gh)`,
      ghExpects: 'pass',
      args: [T, '--bundle', B, '--digest-alg', 'sha512', '--owner', 'sigstore', '--cert-identity', SIGSTORE_SAN],
      exit: 0,
      verdict: 'verified',
      point: 'cert-identity',
    },
    {
      gh: `${run}with invalid SAN (skipped in gh)`,
      ghExpects: 'fail',
      args: [T, '--bundle', B, '--digest-alg', 'sha512', '--owner', 'sigstore', '--cert-identity', 'fake san'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /not by fake san/,
      point: 'cert-identity',
      note: "gh's options carry the SAN regex too; the command line allows one of them.",
    },
    {
      gh: `${run}with SAN regex enforcement (skipped in gh)`,
      ghExpects: 'pass',
      args: [...sigstore, '--bundle', B, '--owner', 'sigstore'],
      exit: 0,
      verdict: 'verified',
      point: 'cert-identity-regex',
    },
    {
      gh: `${run}with invalid SAN regex (skipped in gh)`,
      ghExpects: 'fail',
      args: [T, '--bundle', B, '--digest-alg', 'sha512', '--owner', 'sigstore', '--cert-identity-regex', '^https://github.com/sigstore/not-real/'],
      exit: 1,
      verdict: 'policy-violation',
      point: 'cert-identity-regex',
    },
    {
      gh: `${run}with no matching OIDC issuer (skipped in gh)`,
      ghExpects: 'fail',
      args: [...sigstore, '--bundle', B, '--owner', 'sigstore', '--cert-oidc-issuer', 'some-other-issuer'],
      exit: 1,
      verdict: 'policy-violation',
      point: 'cert-oidc-issuer',
    },
    {
      gh: `${run}with missing API client`,
      ghExpects: 'fail',
      args: [...sigstore, '--owner', 'sigstore'],
      exit: 2,
      reason: /Give --bundle, or the GitHub API/,
      point: 'bundle',
    },
    // verify_integration_test.go: the live verifier on gh's bundles.
    {
      gh: `${integ}TestVerifyIntegration/with valid owner`,
      ghExpects: 'pass',
      args: [...sigstore, '--bundle', B, '--owner', 'sigstore'],
      exit: 0,
      verdict: 'verified',
      point: 'owner',
    },
    {
      gh: `${integ}TestVerifyIntegration/with valid repo`,
      ghExpects: 'pass',
      args: [...sigstore, '--bundle', B, '--repo', 'sigstore/sigstore-js'],
      exit: 0,
      verdict: 'verified',
      point: 'repo',
    },
    {
      gh: `${integ}TestVerifyIntegration/with valid owner and invalid repo`,
      ghExpects: 'fail',
      args: [...sigstore, '--bundle', B, '--repo', 'sigstore/fakerepo'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /Built from https:\/\/github\.com\/sigstore\/sigstore-js, not https:\/\/github\.com\/sigstore\/fakerepo/,
      point: 'repo',
    },
    {
      gh: `${integ}TestVerifyIntegration/with invalid owner`,
      ghExpects: 'fail',
      args: [...sigstore, '--bundle', B, '--owner', 'fakeowner'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /not https:\/\/github\.com\/fakeowner/,
      point: 'owner',
    },
    {
      gh: `${integ}TestVerifyIntegration/with invalid owner and invalid repo`,
      ghExpects: 'fail',
      args: [...sigstore, '--bundle', B, '--repo', 'fakeowner/fakerepo'],
      exit: 1,
      verdict: 'policy-violation',
      point: 'repo',
    },
    {
      gh: `${integ}TestVerifyIntegrationCustomIssuer/with owner and valid workflow SAN`,
      ghExpects: 'pass',
      args: [...CI, '--cert-oidc-issuer', HAMMER_TIME, '--owner', 'too-legit', '--cert-identity', TOO_LEGIT_SAN],
      exit: 0,
      verdict: 'verified',
      point: 'cert-oidc-issuer',
    },
    {
      gh: `${integ}TestVerifyIntegrationCustomIssuer/with owner and valid workflow SAN regex`,
      ghExpects: 'pass',
      args: [...CI, '--cert-oidc-issuer', HAMMER_TIME, '--owner', 'too-legit', '--cert-identity-regex', TOO_LEGIT_RE],
      exit: 0,
      verdict: 'verified',
      point: 'cert-oidc-issuer',
    },
    {
      gh: `${integ}TestVerifyIntegrationCustomIssuer/with repo and valid workflow SAN`,
      ghExpects: 'pass',
      args: [...CI, '--cert-oidc-issuer', HAMMER_TIME, '--repo', 'too-legit/attest', '--cert-identity', TOO_LEGIT_SAN],
      exit: 0,
      verdict: 'verified',
      point: 'cert-oidc-issuer',
    },
    {
      gh: `${integ}TestVerifyIntegrationCustomIssuer/with repo and valid workflow SAN regex`,
      ghExpects: 'pass',
      args: [...CI, '--cert-oidc-issuer', HAMMER_TIME, '--repo', 'too-legit/attest', '--cert-identity-regex', TOO_LEGIT_RE],
      exit: 0,
      verdict: 'verified',
      point: 'cert-oidc-issuer',
    },
    {
      gh: `${integ}TestVerifyIntegrationReusableWorkflow/with owner and valid reusable workflow SAN`,
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--cert-identity', REUSABLE_SAN],
      exit: 0,
      verdict: 'verified',
      point: 'cert-identity',
    },
    {
      gh: `${integ}TestVerifyIntegrationReusableWorkflow/with owner and valid reusable workflow SAN regex`,
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--cert-identity-regex', REUSABLE_RE],
      exit: 0,
      verdict: 'verified',
      point: 'cert-identity-regex',
    },
    {
      gh: `${integ}TestVerifyIntegrationReusableWorkflow/with owner and valid reusable signer repo`,
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--signer-repo', SIGNER_REPO],
      exit: 0,
      verdict: 'verified',
      point: 'signer-repo',
    },
    {
      gh: `${integ}TestVerifyIntegrationReusableWorkflow/with repo and valid reusable workflow SAN`,
      ghExpects: 'pass',
      args: [...RW, '--repo', 'malancas/attest-demo', '--cert-identity', REUSABLE_SAN],
      exit: 0,
      verdict: 'verified',
      point: 'cert-identity',
    },
    {
      gh: `${integ}TestVerifyIntegrationReusableWorkflow/with repo and valid reusable workflow SAN regex`,
      ghExpects: 'pass',
      args: [...RW, '--repo', 'malancas/attest-demo', '--cert-identity-regex', REUSABLE_RE],
      exit: 0,
      verdict: 'verified',
      point: 'cert-identity-regex',
    },
    {
      gh: `${integ}TestVerifyIntegrationReusableWorkflow/with repo and valid reusable signer repo`,
      ghExpects: 'pass',
      args: [...RW, '--repo', 'malancas/attest-demo', '--signer-repo', SIGNER_REPO],
      exit: 0,
      verdict: 'verified',
      point: 'signer-repo',
    },
    {
      gh: `${integ}TestVerifyIntegrationReusableWorkflowSignerWorkflow/with invalid signer workflow`,
      ghExpects: 'fail',
      args: [...RW, '--repo', 'malancas/attest-demo', '--signer-workflow', 'foo/bar/.github/workflows/attest.yml'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /not by the workflow https:\/\/github\.com\/foo\/bar\//,
      point: 'signer-workflow',
    },
    {
      gh: `${integ}TestVerifyIntegrationReusableWorkflowSignerWorkflow/valid signer workflow with host`,
      ghExpects: 'pass',
      args: [...RW, '--repo', 'malancas/attest-demo', '--signer-workflow', `github.com/${WORKFLOW}`],
      exit: 0,
      verdict: 'verified',
      point: 'signer-workflow',
    },
    {
      gh: `${integ}TestVerifyIntegrationReusableWorkflowSignerWorkflow/valid signer workflow without host (defaults to github.com)`,
      ghExpects: 'pass',
      args: [...RW, '--repo', 'malancas/attest-demo', '--signer-workflow', WORKFLOW, '--hostname', 'github.com'],
      exit: 0,
      verdict: 'verified',
      point: 'signer-workflow',
    },
    // verification/sigstore_integration_test.go: gh verifies without an identity policy; our command needs an owner.
    {
      gh: `${live}with invalid signature`,
      ghExpects: 'fail',
      args: [T, '--bundle', 'sigstoreBundle-invalid-signature.json', '--digest-alg', 'sha512', '--owner', 'sigstore'],
      exit: 1,
      verdict: 'invalid',
      reason: /does not verify/,
      point: 'bundle',
    },
    {
      gh: `${live}with valid artifact and JSON lines file containing multiple Sigstore bundles`,
      ghExpects: 'pass',
      args: [T, '--bundle', B2, '--digest-alg', 'sha512', '--owner', 'sigstore'],
      exit: 0,
      verdict: 'verified',
      point: 'bundle',
    },
    {
      gh: `${live}with GitHub Sigstore artifact`,
      ghExpects: 'pass',
      args: [WHL, '--bundle', WB, '--owner', 'actions'],
      exit: 0,
      verdict: 'verified',
      point: 'bundle',
    },
    {
      gh: `${live}with custom trusted root`,
      ghExpects: 'pass',
      args: [T, '--bundle', B2, '--digest-alg', 'sha512', '--owner', 'sigstore', '--custom-trusted-root', ROOT],
      exit: 0,
      verdict: 'verified',
      point: 'trusted-root',
    },
    {
      gh: `${live}with invalid bundle version`,
      ghExpects: 'fail',
      args: [T, '--bundle', 'sigstore-js-2.1.0-bundle-v0.1.json', '--digest-alg', 'sha512', '--owner', 'sigstore'],
      exit: 1,
      verdict: 'unverifiable',
      reason: /version 0\.1/,
      point: 'bundle',
    },
    {
      gh: `${live}with no attestations`,
      ghExpects: 'fail',
      args: [T, '--bundle', temp(TEMP_FILES.empty), '--digest-alg', 'sha512', '--owner', 'sigstore', '--custom-trusted-root', ROOT],
      exit: 1,
      verdict: 'unsigned',
      reason: /No attestation names sha512:/,
      point: 'bundle',
    },
    // verification/attestation_test.go: reading --bundle files.
    {
      gh: `${local}TestLoadBundlesFromJSONLinesFile/with extra lines`,
      ghExpects: 'pass',
      args: [T, '--bundle', temp(TEMP_FILES.extraLines), '--digest-alg', 'sha512', '--owner', 'sigstore'],
      exit: 0,
      verdict: 'verified',
      point: 'bundle',
    },
    {
      gh: `${local}TestGetLocalAttestations/with file with unrecognized extension`,
      ghExpects: 'fail',
      args: [T, '--bundle', 'sigstore-js-2.1.0-bundles.tgz', '--digest-alg', 'sha512', '--owner', 'sigstore'],
      exit: 2,
      reason: /ends in \.json .* or \.jsonl/,
      point: 'bundle',
    },
    {
      gh: `${local}TestGetLocalAttestations/with non-existent bundle file and JSON file`,
      ghExpects: 'fail',
      args: [T, '--bundle', 'not-found-bundle.json', '--owner', 'sigstore'],
      exit: 2,
      point: 'bundle',
    },
    {
      gh: `${local}TestGetLocalAttestations/with non-existent bundle file and JSON lines file`,
      ghExpects: 'fail',
      args: [T, '--bundle', 'not-found-bundle.jsonl', '--owner', 'sigstore'],
      exit: 2,
      point: 'bundle',
    },
    {
      gh: `${local}TestGetLocalAttestations/with missing verification material`,
      ghExpects: 'fail',
      args: [WHL, '--bundle', 'github_provenance_demo-0.0.12-py3-none-any-bundle-missing-verification-material.jsonl', '--owner', 'actions'],
      exit: 1,
      verdict: 'invalid',
      reason: /malformed/,
      point: 'bundle',
    },
    {
      gh: `${local}TestGetLocalAttestations/with missing verification certificate`,
      ghExpects: 'fail',
      args: [WHL, '--bundle', 'github_provenance_demo-0.0.12-py3-none-any-bundle-missing-cert.jsonl', '--owner', 'actions'],
      exit: 1,
      verdict: 'invalid',
      reason: /malformed/,
      point: 'bundle',
    },
    // verify/policy_test.go TestValidateSignerWorkflow, through the command (host from --hostname or GH_HOST).
    {
      gh: 'policy_test.go TestValidateSignerWorkflow/workflow with no host specified',
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--signer-workflow', WORKFLOW],
      exit: 0,
      verdict: 'verified',
      point: 'signer-workflow',
    },
    {
      gh: 'policy_test.go TestValidateSignerWorkflow/workflow with host specified',
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--signer-workflow', `github.com/${WORKFLOW}`],
      exit: 0,
      verdict: 'verified',
      point: 'signer-workflow',
    },
    {
      gh: 'derived: policy_test.go TestValidateSignerWorkflow/workflow with GH_HOST set (the pattern it asserts, applied)',
      ghExpects: 'fail',
      args: [...RW, '--owner', 'malancas', '--signer-workflow', WORKFLOW],
      env: { GH_HOST: 'myhost.github.com' },
      exit: 1,
      verdict: 'policy-violation',
      reason: /not by the workflow https:\/\/myhost\.github\.com\/github\//,
      point: 'signer-workflow',
      note: "gh's test asserts the pattern ^https://myhost.github.com/…; the certificate is github.com's, so it does not match.",
    },
    // options_test.go TestAreFlagsValid.
    {
      gh: 'options_test.go TestAreFlagsValid/has invalid Repo value',
      ghExpects: 'fail',
      compare: 'flags',
      args: [T, '--repo', 'sigstoresigstore-js', '--bundle', B],
      exit: 2,
      reason: /--repo takes OWNER\/REPO/,
      point: 'repo',
    },
    {
      gh: 'options_test.go TestAreFlagsValid/invalid limit > 1000',
      ghExpects: 'fail',
      compare: 'flags',
      args: [T, '--owner', 'sigstore', '--limit', '1001', '--bundle', B],
      exit: 2,
      point: 'limit',
    },
    // Our own cases: what gh's source decides and its tests leave out.
    {
      gh: 'derived: verification/policy.go:19 (verify.WithArtifactDigest(alg, digest))',
      ghExpects: 'fail',
      args: [T, '--bundle', B, '--owner', 'sigstore', '--digest-alg', 'sha256'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /--digest-alg sha512/,
      point: 'digest-alg',
      note: 'A sha512 subject of this very file is not invalid; it is not the digest asked for.',
    },
    {
      gh: 'derived: verify.go:177 (StringEnumFlag digest-alg)',
      ghExpects: 'fail',
      compare: 'flags',
      args: [T, '--bundle', B, '--owner', 'sigstore', '--digest-alg', 'SHA512'],
      exit: 2,
      point: 'digest-alg',
    },
    {
      gh: 'derived: verify.go:177 (digest-alg) on a sha256 subject',
      ghExpects: 'fail',
      args: [WHL, '--bundle', WB, '--owner', 'actions', '--digest-alg', 'sha512'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /by its sha256 digest/,
      point: 'digest-alg',
    },
    {
      gh: 'derived: verify.go:201 (digest) — another file',
      ghExpects: 'fail',
      args: ['custom-issuer-artifact', '--bundle', B, '--owner', 'sigstore', '--digest-alg', 'sha512'],
      exit: 1,
      verdict: 'invalid',
      reason: /about other content than sha512:/,
      point: 'digest-alg',
    },
    {
      gh: 'derived: policy.go:122-126 (host put before a workflow without one)',
      ghExpects: 'fail',
      args: [...RW, '--owner', 'malancas', '--signer-workflow', WORKFLOW, '--hostname', 'foo.ghe.com'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /https:\/\/foo\.ghe\.com\/github\/artifact-attestations-workflows/,
      point: 'signer-workflow',
    },
    {
      gh: 'derived: policy.go:118-119 (a workflow with another host)',
      ghExpects: 'fail',
      args: [...RW, '--owner', 'malancas', '--signer-workflow', `gitlab.com/${WORKFLOW}`],
      exit: 1,
      verdict: 'policy-violation',
      point: 'signer-workflow',
    },
    {
      gh: 'derived: policy.go:107 (the workflow pattern is a prefix: a ref may follow)',
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--signer-workflow', `${WORKFLOW}@09b495c3f12c7881b3cc17209a327792065c1a1d`],
      exit: 0,
      verdict: 'verified',
      point: 'signer-workflow',
    },
    {
      gh: 'derived: policy.go:107 (the workflow pattern keeps case)',
      ghExpects: 'fail',
      args: [...RW, '--owner', 'malancas', '--signer-workflow', 'GitHub/artifact-attestations-workflows/.github/workflows/attest.yml'],
      exit: 1,
      verdict: 'policy-violation',
      point: 'signer-workflow',
    },
    {
      gh: 'derived: policy.go:23 ((?i) signer repo)',
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--signer-repo', 'GitHub/Artifact-Attestations-Workflows'],
      exit: 0,
      verdict: 'verified',
      point: 'signer-repo',
    },
    {
      gh: 'derived: options.go:82 (signer-repo is OWNER/REPO, no host)',
      ghExpects: 'fail',
      compare: 'flags',
      args: [...RW, '--owner', 'malancas', '--signer-repo', `github.com/${SIGNER_REPO}`],
      exit: 2,
      reason: /--signer-repo takes OWNER\/REPO \(no host\)/,
      point: 'signer-repo',
    },
    {
      gh: "derived: options.go:63-64 (with --repo, the default signer is that repository's workflows)",
      ghExpects: 'fail',
      args: [...RW, '--repo', 'malancas/attest-demo'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /not by a workflow of github\.com\/malancas\/attest-demo/,
      point: 'repo',
    },
    {
      gh: "derived: options.go:68-69 (with --owner, the owner's workflows)",
      ghExpects: 'fail',
      args: [...RW, '--owner', 'malancas'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /not by a workflow of github\.com\/malancas/,
      point: 'owner',
    },
    {
      gh: 'derived: verify.go:193 (signer flags exclusive: signer-repo, signer-workflow)',
      ghExpects: 'fail',
      compare: 'flags',
      args: [...RW, '--owner', 'malancas', '--signer-repo', SIGNER_REPO, '--signer-workflow', WORKFLOW],
      exit: 2,
      reason: /cannot be combined/,
      point: 'signer-workflow',
    },
    {
      gh: 'derived: verify.go:193 (signer flags exclusive: cert-identity, signer-repo)',
      ghExpects: 'fail',
      compare: 'flags',
      args: [...RW, '--owner', 'malancas', '--cert-identity', REUSABLE_SAN, '--signer-repo', SIGNER_REPO],
      exit: 2,
      point: 'signer-repo',
    },
    {
      gh: 'derived: verify.go:193 (signer flags exclusive: cert-identity-regex, signer-workflow)',
      ghExpects: 'fail',
      compare: 'flags',
      args: [...RW, '--owner', 'malancas', '--cert-identity-regex', REUSABLE_RE, '--signer-workflow', WORKFLOW],
      exit: 2,
      point: 'cert-identity-regex',
    },
    {
      gh: 'derived: extensions.go:63-79 (default issuer exactly; an enterprise issuer below it is refused)',
      ghExpects: 'fail',
      args: [...CI, '--owner', 'too-legit'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /hammer-time, not https:\/\/token\.actions\.githubusercontent\.com \(an enterprise issuer is accepted only when named with --cert-oidc-issuer\)/,
      point: 'cert-oidc-issuer',
    },
    {
      gh: 'derived: extensions.go:63-64 (--cert-oidc-issuer exactly that one)',
      ghExpects: 'pass',
      args: [...CI, '--owner', 'too-legit', '--cert-oidc-issuer', HAMMER_TIME],
      exit: 0,
      verdict: 'verified',
      point: 'cert-oidc-issuer',
    },
    {
      gh: 'derived: extensions.go:74 (issuer compared ignoring case)',
      ghExpects: 'pass',
      args: [...CI, '--owner', 'too-legit', '--cert-oidc-issuer', 'https://TOKEN.actions.githubusercontent.com/Hammer-Time'],
      exit: 0,
      verdict: 'verified',
      point: 'cert-oidc-issuer',
    },
    {
      gh: 'derived: extensions.go:74 (another enterprise issuer)',
      ghExpects: 'fail',
      args: [...CI, '--owner', 'too-legit', '--cert-oidc-issuer', 'https://token.actions.githubusercontent.com/other'],
      exit: 1,
      verdict: 'policy-violation',
      point: 'cert-oidc-issuer',
    },
    {
      gh: 'derived: extensions.go:63 (the default named explicitly)',
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--signer-repo', SIGNER_REPO, '--cert-oidc-issuer', 'https://token.actions.githubusercontent.com'],
      exit: 0,
      verdict: 'verified',
      point: 'cert-oidc-issuer',
    },
    {
      gh: 'derived: policy.go:71-77 (--deny-self-hosted-runners on a GitHub-hosted runner)',
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--signer-repo', SIGNER_REPO, '--deny-self-hosted-runners'],
      exit: 0,
      verdict: 'verified',
      point: 'deny-self-hosted-runners',
      note: "gh's data has no attestation from a self-hosted runner, so no refusal can be shown on it.",
    },
    {
      gh: 'derived: attestation.go:169 (--predicate-type kept)',
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--signer-repo', SIGNER_REPO, '--predicate-type', 'https://slsa.dev/provenance/v1'],
      exit: 0,
      verdict: 'verified',
      point: 'predicate-type',
    },
    {
      gh: 'derived: verify.go:250 (--predicate-type matching nothing)',
      ghExpects: 'fail',
      args: [...RW, '--owner', 'malancas', '--signer-repo', SIGNER_REPO, '--predicate-type', 'NonExistentPredicate'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /No attestation has the predicate type NonExistentPredicate/,
      point: 'predicate-type',
      note: 'gh@44ee177 prints the error but returns nil there (verify.go:252 returns the nil err); gh since exits 1.',
    },
    {
      gh: 'derived: attestation.go:98-108 (every bundle of a .jsonl must load)',
      ghExpects: 'fail',
      args: [WHL, '--bundle', temp(TEMP_FILES.mixed), '--owner', 'actions'],
      exit: 1,
      verdict: 'invalid',
      reason: /malformed/,
      point: 'bundle',
    },
    {
      gh: 'derived: attestation.go:52-78 (the extension decides; an existing .tgz is refused)',
      ghExpects: 'fail',
      args: [T, '--bundle', T, '--owner', 'sigstore'],
      exit: 2,
      point: 'bundle',
    },
    {
      gh: 'derived: sigstore.go:144-151 (--no-public-good refuses public-good bundles)',
      ghExpects: 'fail',
      args: [T, '--bundle', B, '--digest-alg', 'sha512', '--owner', 'sigstore', '--no-public-good'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /--no-public-good/,
      point: 'no-public-good',
    },
    {
      gh: "derived: sigstore.go:151 (--no-public-good keeps GitHub's instance)",
      ghExpects: 'pass',
      args: [WHL, '--bundle', WB, '--owner', 'actions', '--no-public-good'],
      exit: 0,
      verdict: 'verified',
      point: 'no-public-good',
    },
    {
      gh: 'derived: sigstore.go:80-141 (custom roots one a line, matched by CA organization)',
      ghExpects: 'pass',
      args: [WHL, '--bundle', WB, '--owner', 'actions', '--custom-trusted-root', temp(TEMP_FILES.roots)],
      exit: 0,
      verdict: 'verified',
      point: 'trusted-root',
    },
    {
      gh: 'derived: sigstore.go:80-141 (custom roots one a line, public-good bundle)',
      ghExpects: 'pass',
      args: [T, '--bundle', B, '--digest-alg', 'sha512', '--owner', 'sigstore', '--custom-trusted-root', temp(TEMP_FILES.roots)],
      exit: 0,
      verdict: 'verified',
      point: 'trusted-root',
    },
    {
      gh: "derived: sigstore.go:141 (a custom root without GitHub's CA)",
      ghExpects: 'fail',
      args: [WHL, '--bundle', WB, '--owner', 'actions', '--custom-trusted-root', ROOT],
      exit: 1,
      verdict: 'invalid',
      point: 'trusted-root',
    },
    {
      gh: 'derived: Go regexp syntax for --cert-identity-regex ((?i) flag)',
      ghExpects: 'pass',
      args: [...sigstore.slice(0, 3), '--cert-identity-regex', '(?i)^https://GITHUB.com/SIGSTORE/', '--bundle', B, '--owner', 'sigstore'],
      exit: 0,
      verdict: 'verified',
      point: 'cert-identity-regex',
    },
    {
      gh: 'derived: gh ≥ 2.6x --source-ref (not in gh@44ee177)',
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--signer-repo', SIGNER_REPO, '--source-ref', 'refs/heads/main'],
      exit: 0,
      verdict: 'verified',
      point: 'source-ref',
    },
    {
      gh: 'derived: gh ≥ 2.6x --source-ref, another ref (not in gh@44ee177)',
      ghExpects: 'fail',
      args: [...RW, '--owner', 'malancas', '--signer-repo', SIGNER_REPO, '--source-ref', 'refs/heads/release'],
      exit: 1,
      verdict: 'policy-violation',
      reason: /Built from refs\/heads\/main, not refs\/heads\/release/,
      point: 'source-ref',
    },
    {
      gh: 'derived: gh ≥ 2.6x --source-digest (not in gh@44ee177)',
      ghExpects: 'pass',
      args: [...RW, '--owner', 'malancas', '--signer-repo', SIGNER_REPO, '--source-digest', '95baf27389e83e6a5c48f42e190d48d7abcea19e'],
      exit: 0,
      verdict: 'verified',
      point: 'source-digest',
    },
    {
      gh: 'derived: gh ≥ 2.6x --source-digest, another commit (not in gh@44ee177)',
      ghExpects: 'fail',
      args: [...RW, '--owner', 'malancas', '--signer-repo', SIGNER_REPO, '--source-digest', '0000000000000000000000000000000000000000'],
      exit: 1,
      verdict: 'policy-violation',
      point: 'source-digest',
    },
  ];
}

/** gh's cases that have no counterpart here, and why. */
export const NOT_APPLICABLE: NotApplicable[] = [
  ...[
    'with failing OCI artifact fetch',
    'with valid OCI artifact',
    'with valid OCI artifact with UseBundleFromRegistry flag',
    'with valid OCI artifact with UseBundleFromRegistry flag but no bundle return from registry',
    'with valid OCI artifact with UseBundleFromRegistry flag but fail on fetching bundle from registry',
  ].map((name) => ({
    gh: `verify_test.go TestRunVerify/${name}`,
    why: 'oci:// images and --bundle-from-oci: this command verifies files (images are checked by `provenance-lens check`).',
  })),
  { gh: 'verify_test.go TestVerifyCmdAuthChecks', why: 'gh login state; we send GITHUB_TOKEN/GH_TOKEN to the API host when set and need none with --bundle.' },
  { gh: 'options_test.go TestSetPolicyFlags (bundle-from-oci cases)', why: '--bundle-from-oci is not offered.' },
  { gh: 'policy_test.go TestValidateSignerWorkflowNoHost', why: 'an empty host cannot arise from the command line (github.com is the default).' },
  {
    gh: 'verification/attestation_test.go TestFilterAttestations',
    why: 'in-memory bundles without signatures; the filter is exercised by the --predicate-type cases.',
  },
];
