// One row of sigstore/verificationErrors.ts per error @sigstore/verify (and the libraries it
// calls) can throw, each with its verdict: features the library does not implement are
// unverifiable, failing evidence invalid, the signer policy a policy violation, and an error no row
// foresees unverifiable — never a verdict by accident.

import * as assert from 'node:assert/strict';
import { ValidationError } from '@sigstore/bundle';
import { PolicyError, VerificationError } from '@sigstore/verify';
import { ASN1ParseError, ASN1TypeError, RFC3161TimestampVerificationError } from '../../server/src/core/sigstore/libraryInternals';
import { VERIFICATION_ERRORS, mapVerificationError } from '../../server/src/core/sigstore/verificationErrors';

type Code = ConstructorParameters<typeof VerificationError>[0]['code'];
const verification = (code: Code, message = 'failed') => new VerificationError({ code, message });

// The error the library throws for each row, and the verdict that row must give.
const CASES: Array<[string, unknown, string, string]> = [
  ['NOT_IMPLEMENTED_ERROR', verification('NOT_IMPLEMENTED_ERROR', 'unsupported bundle feature'), 'unverifiable', 'bundle-unsupported'],
  ['TLOG_BODY_ERROR (unsupported kind)', verification('TLOG_BODY_ERROR', 'unsupported kind: rfc3161'), 'unverifiable', 'bundle-unsupported'],
  ['TLOG_BODY_ERROR (unsupported version)', verification('TLOG_BODY_ERROR', 'unsupported hashedrekord version: 0.0.9'), 'unverifiable', 'bundle-unsupported'],
  ['TLOG_BODY_ERROR', verification('TLOG_BODY_ERROR', 'digest mismatch'), 'invalid', 'signature-invalid'],
  ['TLOG_ERROR', verification('TLOG_ERROR', 'expected 1 tlog entries, got 0'), 'invalid', 'signature-invalid'],
  [
    'TLOG_INCLUSION_PROOF_ERROR',
    verification('TLOG_INCLUSION_PROOF_ERROR', 'calculated root hash does not match inclusion proof'),
    'invalid',
    'signature-invalid',
  ],
  ['TLOG_INCLUSION_PROMISE_ERROR', verification('TLOG_INCLUSION_PROMISE_ERROR', 'inclusion promise could not be verified'), 'invalid', 'signature-invalid'],
  ['TLOG_MISSING_INCLUSION_ERROR', verification('TLOG_MISSING_INCLUSION_ERROR', 'inclusion could not be verified'), 'invalid', 'signature-invalid'],
  ['CERTIFICATE_ERROR', verification('CERTIFICATE_ERROR', 'no trusted certificate path found'), 'invalid', 'signature-invalid'],
  ['PUBLIC_KEY_ERROR', verification('PUBLIC_KEY_ERROR', 'key not found: abc'), 'invalid', 'signature-invalid'],
  ['SIGNATURE_ERROR', verification('SIGNATURE_ERROR', 'signature verification failed'), 'invalid', 'signature-invalid'],
  ['TIMESTAMP_ERROR', verification('TIMESTAMP_ERROR', 'expected 1 timestamps, got 0'), 'invalid', 'signature-invalid'],
  [
    'UNTRUSTED_SIGNER_ERROR',
    new PolicyError({ code: 'UNTRUSTED_SIGNER_ERROR', message: 'certificate identity error' }),
    'policy-violation',
    'signer-not-allowed',
  ],
  ['ASN1ParseError', new ASN1ParseError('invalid length'), 'invalid', 'signature-invalid'],
  ['ASN1TypeError', new ASN1TypeError('not a string'), 'invalid', 'signature-invalid'],
  ['RFC3161TimestampVerificationError', new RFC3161TimestampVerificationError('message digest mismatch'), 'invalid', 'signature-invalid'],
  ['ValidationError', new ValidationError('invalid bundle', ['verificationMaterial']), 'invalid', 'bundle-malformed'],
];

describe('@sigstore/verify errors → verdicts (one table)', () => {
  for (const [row, error, verdict, code] of CASES) {
    it(`${row} → ${verdict} (${code})`, () => {
      const mapped = mapVerificationError(error);
      assert.equal(mapped.verdict, verdict);
      assert.equal(mapped.code, code);
      assert.ok(mapped.summary.length > 0);
    });
  }

  it('has a case above for every row of the table', () => {
    const named = (error: (typeof VERIFICATION_ERRORS)[number]['error']) => (typeof error === 'string' ? error : error.name);
    const tested = new Set(CASES.map(([row]) => row.split(' ')[0]));
    assert.deepEqual(
      VERIFICATION_ERRORS.map((r) => named(r.error)).filter((name) => !tested.has(name)),
      [],
    );
  });

  it('an error no row foresees (a TypeError inside the library, a string) cannot be decided: unverifiable', () => {
    for (const error of [new TypeError("Cannot read properties of undefined (reading 'rawBytes')"), 'boom', undefined, verification('SOMETHING_NEW' as Code)]) {
      assert.equal(mapVerificationError(error).verdict, 'unverifiable');
    }
  });
});
