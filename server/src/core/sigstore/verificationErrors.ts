// Every error @sigstore/verify (and the @sigstore/core and @sigstore/bundle code it calls) can throw,
// mapped to one verdict and reason code. A feature the library does not implement is `unverifiable`
// (we could not decide), never `invalid`; evidence that fails a check is `invalid`; an error nobody
// foresaw is `unverifiable` too — it must not become a verdict either way by accident.
// test/unit/verificationErrors.test.ts has a case for every row.

import { ValidationError } from '@sigstore/bundle';
import { type CodeOf, verdictOf } from '../reasons';
import { ASN1ParseError, ASN1TypeError, RFC3161TimestampVerificationError } from './libraryInternals';

export type FailureVerdict = 'invalid' | 'unverifiable' | 'policy-violation';

export interface ErrorMapping {
  verdict: FailureVerdict;
  code: CodeOf<FailureVerdict>;
  /** What failed, in words a user reads before the library's own message. */
  summary: string;
}

/** A row names the code only: its verdict is the code's (reasons.ts). */
interface Row extends Omit<ErrorMapping, 'verdict'> {
  /** The library's error code (VerificationError/PolicyError `code`), or the class of errors that carry none. */
  error: string | (abstract new (...args: never[]) => Error);
  /** Only errors whose message matches (when the same code covers several cases). */
  message?: RegExp;
}

const invalid = (summary: string): Pick<Row, 'code' | 'summary'> => ({ code: 'signature-invalid', summary });
const unsupported = (summary: string): Pick<Row, 'code' | 'summary'> => ({ code: 'bundle-unsupported', summary });

/** First matching row wins: the narrower rows of a code come before its general one. */
export const VERIFICATION_ERRORS: readonly Row[] = [
  { error: 'NOT_IMPLEMENTED_ERROR', ...unsupported('the bundle uses a feature this verifier does not implement') },
  // The library reports log entry kinds and versions it does not know as body errors.
  { error: 'TLOG_BODY_ERROR', message: /^unsupported /, ...unsupported('the transparency log entry is of a kind or version this verifier does not implement') },
  { error: 'TLOG_BODY_ERROR', ...invalid('the transparency log entry does not describe this signature') },
  { error: 'TLOG_ERROR', ...invalid('the transparency log entries are not as required') },
  { error: 'TLOG_INCLUSION_PROOF_ERROR', ...invalid('the transparency log inclusion proof does not verify') },
  { error: 'TLOG_INCLUSION_PROMISE_ERROR', ...invalid('the transparency log promise (signed entry timestamp) does not verify') },
  { error: 'TLOG_MISSING_INCLUSION_ERROR', ...invalid('the transparency log entry has neither proof nor promise') },
  { error: 'CERTIFICATE_ERROR', ...invalid('the signing certificate does not chain to the trusted root at signing time') },
  { error: 'PUBLIC_KEY_ERROR', ...invalid('the signing key is unknown or was not valid at signing time') },
  { error: 'SIGNATURE_ERROR', ...invalid('the signature does not match the signed content') },
  { error: 'TIMESTAMP_ERROR', ...invalid('the signing time cannot be established') },
  { error: 'UNTRUSTED_SIGNER_ERROR', code: 'signer-not-allowed', summary: 'the signer is not the expected identity' },
  // Malformed bytes inside a well-formed bundle: certificates, timestamps, the bundle's own shape.
  { error: ASN1ParseError, ...invalid('a certificate or timestamp in the bundle is malformed') },
  { error: ASN1TypeError, ...invalid('a certificate or timestamp in the bundle is malformed') },
  { error: RFC3161TimestampVerificationError, ...invalid('the signed timestamp does not verify') },
  { error: ValidationError, code: 'bundle-malformed', summary: 'the Sigstore bundle is malformed' },
];

const UNFORESEEN: Row = { error: Error, code: 'bundle-unsupported', summary: 'the verifier failed on this bundle' };

/** The verdict, reason code and summary for an error the library threw. */
export function mapVerificationError(error: unknown): ErrorMapping {
  const code = (error as { code?: unknown })?.code;
  const message = String((error as { message?: unknown })?.message ?? '');
  const matches = (r: Row) => (typeof r.error === 'string' ? r.error === code : error instanceof r.error);
  const row = VERIFICATION_ERRORS.find((r) => matches(r) && (!r.message || r.message.test(message)));
  const { code: mapped, summary } = row ?? UNFORESEEN;
  return { verdict: verdictOf(mapped), code: mapped, summary };
}
