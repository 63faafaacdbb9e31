// Whether sending a request twice does no harm, known when it is planned. "Safe to repeat" means
// GET, HEAD, OPTIONS, PUT and DELETE; POSTs the definition marks idempotent (suppress, segment
// membership, v2 writes…); and requests whose events carry a dedupe id (Customer.io ignores a
// repeated id). The retry policy (send/retry.ts) decides what to do with it.
import type { HttpMethod } from '../definitions.js';

const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export function isSafeToRepeat(method: HttpMethod, markedIdempotent: boolean, hasEventIds: boolean): boolean {
  return IDEMPOTENT_METHODS.has(method) || markedIdempotent || hasEventIds;
}
