// What a failed /v2/batch call means for its items. A batch that may have arrived must never be
// reported as plainly failed: its items are sent again with the same event ids, and Customer.io
// deduplicates them (people are upserts, harmless to repeat). execute() says whether any attempt
// may have reached Customer.io (`details.may_have_been_processed`, set for safe-to-repeat calls
// too), so nothing here reads error messages.
import type { Envelope } from '../../envelope.js';

export type BatchOutcome =
  /** Customer.io answered 2xx (a 207 names the items it refused). */
  | 'answered'
  /** No answer came after the request went out (timeout, reset, 5xx, cancelled in flight). */
  | 'possibly_processed'
  /** Customer.io refused the batch as a whole (4xx, 401, 429 after retries), or it could not be built. */
  | 'failed'
  /** No attempt was made: cancelled or out of time before the first request. */
  | 'not_sent';

export function batchOutcome(result: Envelope): BatchOutcome {
  if (result.ok) return 'answered';
  const { error } = result;
  if (error.code === 'user_input_error') return 'failed';
  if ((result.meta?.attempts ?? 0) === 0) return 'not_sent';
  // A timeout, a reset after sending, a 5xx, a cancel in flight, an answer too large to read.
  if ((error.details as { may_have_been_processed?: boolean } | undefined)?.may_have_been_processed) return 'possibly_processed';
  return 'failed'; // refused as a whole (4xx, 401, 429 after retries), never connected, or never formed
}
