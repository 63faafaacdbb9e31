// What a failed /v2/batch call means for its items. send_batch is safe to repeat, so execute()
// retries it and never flags `may_have_been_processed` itself: whether Customer.io may have
// stored the batch has to be read from how the call ended. A batch that may have arrived must
// never be reported as plainly failed: its items are sent again with the same event ids, and
// Customer.io deduplicates them (people are upserts, harmless to repeat).
import type { Envelope } from '../envelope.js';

export type BatchOutcome =
  /** Customer.io answered 2xx (a 207 names the items it refused). */
  | 'answered'
  /** No answer came after the request went out (timeout, reset, 5xx, cancelled in flight). */
  | 'possibly_processed'
  /** Customer.io refused the batch as a whole (4xx, 401, 429 after retries), or it could not be built. */
  | 'failed'
  /** No attempt was made: cancelled or out of time before the first request. */
  | 'not_sent';

/** Connection errors raised before a request can have left this machine. */
const NEVER_CONNECTED = /\((ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\)/;

export function batchOutcome(result: Envelope): BatchOutcome {
  if (result.ok) return 'answered';
  const { error } = result;
  if (error.code === 'user_input_error') return 'failed';
  const attempts = result.meta?.attempts ?? 0;
  if (attempts === 0) return 'not_sent';
  if ((error.details as { may_have_been_processed?: boolean } | undefined)?.may_have_been_processed) return 'possibly_processed';
  switch (error.code) {
    case 'timeout':
      return 'possibly_processed';
    case 'api_error':
      if (error.status_code !== undefined) return error.status_code >= 500 ? 'possibly_processed' : 'failed';
      // The envelope carries the last attempt's error only: a refused connection proves nothing
      // about an earlier attempt (a server that died with the batch received is refused next).
      return attempts === 1 && NEVER_CONNECTED.test(error.message) ? 'failed' : 'possibly_processed';
    case 'connector_error':
      // Cancelled in flight, an answer too large or not JSON (so there was an answer): unknown.
      // Only a request Node refused to form is known not to have left.
      return /nothing reached Customer\.io/.test(error.message) ? 'failed' : 'possibly_processed';
    default:
      return 'failed'; // auth_error, rate_limited: Customer.io did not take the batch
  }
}
