// Whatever was thrown while a call was prepared or run, as its failure envelope: the person's
// mistake (OperationError), input nested too deeply to check, or a fault of the connector. The
// retry policy settles it (none of these is worth repeating) and no credential is left in it.
import { OperationError, type Envelope } from './envelope.js';
import { isStackOverflow, tooDeepError } from './input/depth.js';
import { redactValue, type Redactor } from './redact.js';
import { settle } from './send/retry.js';

export function failureOf(error: unknown, input: unknown, redact: Redactor): Envelope {
  const problem =
    error instanceof OperationError ? error.problem
    : isStackOverflow(error) ? tooDeepError(input).problem
    : { code: 'connector_error' as const, message: `the connector failed unexpectedly: ${(error as Error)?.message ?? String(error)}` };
  return { ok: false, error: redactValue(settle(problem, { kind: 'not_sent' }), redact) };
}
