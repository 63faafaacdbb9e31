// Whether sending a request twice does no harm, known when it is planned. "Safe to repeat" means
// GET, HEAD, OPTIONS, PUT and DELETE; POSTs the definition marks idempotent (suppress, segment
// membership, v2 writes…) or read-only (searches, previews); and requests whose events carry a
// dedupe id (Customer.io ignores a repeated id). The retry policy (send/retry.ts) decides what to
// do with it; describe() reports it (operation-effects.ts).
import type { HttpMapping, HttpMethod } from '../definitions.js';

const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const READ_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isReadOnlyMethod(method: HttpMethod): boolean {
  return READ_METHODS.has(method);
}

export function isSafeToRepeat(method: HttpMethod, markedIdempotent: boolean, hasEventIds: boolean): boolean {
  return IDEMPOTENT_METHODS.has(method) || markedIdempotent || hasEventIds;
}

/** A definition's request: safe by its method, or by what the definition says of a POST. */
export function mappingIsSafeToRepeat(http: HttpMapping): boolean {
  return isSafeToRepeat(http.method, http.idempotent === true || http.read_only === true, http.event_ids !== undefined);
}
