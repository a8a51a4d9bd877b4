// The one table of reason codes (server/src/core/reasons.ts): its invariants, what is derived from
// it (the editor's default rules, the `provenanceLens.rules` schema, the README's table), and the
// drift it replaced — codes used with two verdicts, codes kept outside the table, a schema that
// refused codes the README told users to set. That results carry the verdict their code stands
// for, over recorded fixtures, is checked where those run: the mutation suite (every check's
// result, thousands of mutants), and the CLI's JSON in the CLI, conformance and gh parity suites.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REASONS, type ReasonCode, SEVERITIES, codesOf, coded, verdictOf } from '../../server/src/core/reasons';
import { VERDICTS } from '../../server/src/core/verdict';
import { DEFAULT_RULES } from '../../server/src/features/diagnostics';
import { RULES_SETTING, README_END, README_START } from '../../scripts/generate/reasons';
import { checkAttestation } from '../../server/src/core/ecosystems/pypi/pep740';
import { verifyNpmProvenance } from '../../server/src/core/ecosystems/npm/provenance';
import { digestFile, verifyGithubAttestations } from '../../server/src/core/attestations/githubAttestations';
import { bundlesFromText } from '../../server/src/core/attestations/githubAttestationsApi';
import { OciVerifier } from '../../server/src/core/ecosystems/oci/ociVerifier';
import { parseFile } from '../../server/src/core/fileKinds';
import { embeddedTrust } from '../../server/src/core/trust/trustedRoot';
import { FIXTURES, KEYS, SIGNED, SIGSTORE_100 } from '../support/fixtureRegistry';
import { REPO_ROOT } from '../support/paths';

const CODES = Object.keys(REASONS) as ReasonCode[];
const SOURCES = path.join(REPO_ROOT, 'server', 'src');
const read = (relative: string) => fs.readFileSync(path.join(REPO_ROOT, relative), 'utf8');

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('reason codes: one table', () => {
  it('gives every verdict code one verdict of the closed set, and findings and problems none', () => {
    for (const code of CODES) {
      const reason: { kind: string; verdict?: string } = REASONS[code];
      if (reason.kind === 'verdict') assert.ok((VERDICTS as readonly string[]).includes(reason.verdict ?? ''), `${code}: ${reason.verdict}`);
      else assert.equal(reason.verdict, undefined, `${code} is a ${reason.kind}: it stands for no verdict`);
    }
    // Every verdict has a code, and only `verified` stands for verified.
    for (const verdict of VERDICTS)
      assert.ok(
        codesOf('verdict').some((code) => verdictOf(code) === verdict),
        verdict,
      );
    assert.deepEqual(
      codesOf('verdict').filter((code) => verdictOf(code) === 'verified'),
      ['verified'],
    );
    assert.deepEqual(coded('signer-not-allowed'), { verdict: 'policy-violation', code: 'signer-not-allowed' });
  });

  it('gives every code a kebab-case name, a default severity, a title and a one-sentence description', () => {
    for (const code of CODES) {
      const { severity, title, description } = REASONS[code];
      assert.match(code, /^[a-z]+(-[a-z]+)*$/);
      assert.ok(SEVERITIES.includes(severity), `${code}: ${severity}`);
      assert.ok(title.length > 0 && title.length <= 40 && !title.endsWith('.'), `${code}: title "${title}"`);
      assert.match(description, /^[A-Z].*[.)]$/, `${code}: description`);
      assert.doesNotMatch(description, /\n|\.\s+[A-Z]/, `${code}: one sentence`);
    }
  });

  it("is where the editor's default rules come from", () => {
    assert.deepEqual(DEFAULT_RULES, Object.fromEntries(CODES.map((code) => [code, REASONS[code].severity])));
  });

  it('names every code the sources use, and every code it names is used (no dead entry)', () => {
    const text = sources(SOURCES)
      .filter((file) => !file.endsWith(path.join('core', 'reasons.ts')))
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
    assert.deepEqual(
      CODES.filter((code) => !text.includes(`'${code}'`)),
      [],
    );
    // A code written as a literal beside `code:` anywhere in the sources is in the table (the types
    // say so too; this also covers places typed as plain strings).
    const written = new Set([...text.matchAll(/\bcode: '([a-z-]+)'/g)].map((m) => m[1]));
    assert.deepEqual(
      [...written].filter((code) => !(code in REASONS)),
      [],
    );
  });
});

describe("reason codes: the rules setting and the README are the table's", () => {
  const manifest = JSON.parse(read('package.json')) as {
    contributes: {
      configuration: Array<{
        properties: Record<
          string,
          { properties?: Record<string, { enum?: string[]; default?: string; description?: string }>; additionalProperties?: boolean }
        >;
      }>;
    };
  };
  const rules = manifest.contributes.configuration.map((c) => c.properties[RULES_SETTING]).find(Boolean)!;

  it("accepts every code of the table, with the table's description and default, and nothing else", () => {
    assert.deepEqual(Object.keys(rules.properties ?? {}), CODES);
    assert.equal(rules.additionalProperties, false);
    for (const code of CODES) {
      const property = rules.properties![code];
      assert.deepEqual([property.description, property.default, property.enum], [REASONS[code].description, REASONS[code].severity, [...SEVERITIES]], code);
    }
  });

  it('accepts "image-not-pinned": "warning", which the README tells users to set (the schema listed 17 codes before)', () => {
    assert.ok(rules.properties?.['image-not-pinned']?.enum?.includes('warning'));
    assert.match(read('README.md'), /"image-not-pinned": "warning"/);
    for (const code of ['unverifiable-summary', 'parse-error', 'image-unresolved', 'sbom-invalid', 'signer-changed', 'action-not-pinned'])
      assert.ok(rules.properties?.[code], code);
  });

  it("lists every code once in the README's table, with its verdict and default", () => {
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf(README_START), readme.indexOf(README_END));
    const rows = [...table.matchAll(/^\| `([a-z-]+)` \| ([^|]+) \| ([a-z]+) \|/gm)].map((m) => [m[1], m[2].trim(), m[3]]);
    assert.deepEqual(
      rows.map(([code]) => code),
      CODES,
    );
    for (const [code, kind, severity] of rows) {
      const reason = REASONS[code as ReasonCode];
      assert.equal(severity, reason.severity, code);
      if (reason.kind === 'verdict') assert.equal(kind, `\`${reason.verdict}\``, code);
    }
  });
});

describe('reason codes: drift fixed (issue 17)', () => {
  const trust = embeddedTrust();

  it('a PEP 740 attestation of an unknown version is an unsupported format (unverifiable), not missing trust material', () => {
    const attestation = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pypi', 'gitlab_oidc_project-0.0.3.tar.gz.publish.attestation'), 'utf8'));
    const publisher = { kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml' };
    const r = checkAttestation({ ...attestation, version: 2 }, publisher, 'gitlab_oidc_project-0.0.3.tar.gz', '0'.repeat(64), trust);
    assert.deepEqual([r.ok, !r.ok && r.code, !r.ok && verdictOf(r.code)], [false, 'provenance-unsupported', 'unverifiable']);
  });

  it('npm: a malformed attestation is provenance-invalid; only an unknown bundle version is provenance-unsupported (it was both, with two verdicts)', () => {
    const integrity = SIGNED.find((s) => s.name === 'sigstore' && s.version === '1.0.0')!.integrity;
    const attestations = (SIGSTORE_100 as { attestations: Array<{ predicateType: string; bundle: Record<string, unknown> }> }).attestations;
    const withBundle = (change: (bundle: Record<string, unknown>) => Record<string, unknown>) => ({
      attestations: attestations.map((a) => ({ ...a, bundle: change(a.bundle) })),
    });
    const check = (document: unknown) => verifyNpmProvenance({ name: 'sigstore', version: '1.0.0', integrity, document }, KEYS.keys as never, trust);
    assert.equal(check(SIGSTORE_100).status, 'verified');
    const malformed = check(withBundle((b) => ({ ...b, mediaType: 'not a bundle' })));
    assert.deepEqual([malformed.status, malformed.code], ['invalid', 'provenance-invalid']);
    const messageSignature = check(
      withBundle(({ dsseEnvelope, ...b }) => ({
        ...b,
        messageSignature: {
          messageDigest: { algorithm: 'SHA2_256', digest: 'AAAA' },
          signature: (dsseEnvelope as { signatures: Array<{ sig: string }> }).signatures[0].sig,
        },
      })),
    );
    assert.deepEqual([messageSignature.status, messageSignature.code], ['invalid', 'provenance-invalid'], messageSignature.message);
    const newer = check(withBundle((b) => ({ ...b, mediaType: 'application/vnd.dev.sigstore.bundle.v0.9+json' })));
    assert.deepEqual([newer.status, newer.code], ['unverifiable', 'provenance-unsupported']);
  });

  it('an attestation that names the file by its other digest is a policy violation with its own code, not provenance-subject-mismatch (an invalid code)', () => {
    const file = fs.readFileSync(path.join(FIXTURES, 'github', 'sigstore-js-2.1.0.tgz'));
    const bundles = bundlesFromText(fs.readFileSync(path.join(FIXTURES, 'github', 'sigstore-js-2.1.0-bundle.json'), 'utf8'));
    assert.equal(verifyGithubAttestations(digestFile(file, 'sha512'), bundles, { owner: 'sigstore' }, trust).verdict, 'verified');
    const r = verifyGithubAttestations(digestFile(file, 'sha256'), bundles, { owner: 'sigstore' }, trust);
    assert.deepEqual([r.verdict, r.code], ['policy-violation', 'digest-algorithm-mismatch'], r.reason);
  });

  it("an SBOM's own defects and a file's parse problems carry problem codes of the table", () => {
    const sbom = parseFile('/w/bom.cdx.json', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ name: 'x', purl: 'not a purl' }] }))!;
    const codes = [...sbom.problems.map((p) => p.code), parseFile('/w/Chart.yaml', 'dependencies: [\n')!.problems[0]?.code];
    assert.ok(codes.includes('sbom-invalid') && codes.includes('parse-error'), JSON.stringify(codes));
    for (const code of codes) assert.equal(REASONS[code!].kind, 'problem', code);
  });

  it('an image dependency without a reference is undecided with a verdict code (image-invalid is a problem of the file)', async () => {
    const verifier = new OciVerifier({ client: undefined as never, trust: () => trust, keys: [], cache: undefined as never, tags: undefined as never });
    const r = await verifier.verify({ name: 'not an image' } as never);
    assert.deepEqual([r.verdict, r.code], ['unverifiable', 'spec-unsupported']);
  });
});
