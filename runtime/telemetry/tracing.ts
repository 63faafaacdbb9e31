// OpenTelemetry spans, without depending on @opentelemetry/api: the host hands over a tracer
// (`trace.getTracer(…)`), and these structural types are the part of its API used. A call is an
// INTERNAL span made active for its duration (startActiveSpan), so each HTTP exchange's CLIENT
// span is its child through the host's context manager. Attributes follow the HTTP client
// semantic conventions; URLs are the shown ones (credentials redacted), headers and bodies are
// never recorded.
import type { AttemptEnd, AttemptStart, ObservedCall } from '../contracts.js';
import type { Envelope } from '../envelope.js';

type AttributeValue = string | number | boolean;
type Attributes = Record<string, AttributeValue>;

/** OpenTelemetry's SpanKind and SpanStatusCode values (stable in the API since 1.0). */
const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

export interface SpanLike {
  setAttribute(key: string, value: AttributeValue): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

export interface SpanOptionsLike {
  kind?: number;
  attributes?: Attributes;
}

/** The part of @opentelemetry/api's Tracer used here; a Tracer from the API is one. */
export interface TracerLike {
  startSpan(name: string, options?: SpanOptionsLike): SpanLike;
  startActiveSpan<F extends (span: SpanLike) => unknown>(name: string, options: SpanOptionsLike, fn: F): ReturnType<F>;
}

export function startCallSpan<T>(tracer: TracerLike, call: ObservedCall, run: (span: SpanLike) => Promise<T>): Promise<T> {
  const attributes: Attributes = { 'cio.connector': call.connector, 'cio.operation': call.operation, 'cio.dry_run': call.dryRun };
  if (call.region) attributes['cio.region'] = call.region;
  return tracer.startActiveSpan(`${call.connector} ${call.operation}`, { kind: SPAN_KIND_INTERNAL, attributes }, run);
}

export function endCallSpan(span: SpanLike, envelope: Envelope): void {
  if ('meta' in envelope && envelope.meta?.attempts !== undefined) span.setAttribute('cio.attempts', envelope.meta.attempts);
  if (!envelope.ok) {
    span.setAttribute('error.type', envelope.error.code);
    span.setStatus({ code: STATUS_ERROR, message: envelope.error.message });
  }
  span.end();
}

export function startAttemptSpan(tracer: TracerLike, call: ObservedCall, start: AttemptStart): SpanLike {
  const url = new URL(start.request.url);
  const attributes: Attributes = {
    'http.request.method': start.request.method,
    'url.full': start.request.url,
    'server.address': url.hostname,
    'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    'cio.connector': call.connector,
    'cio.operation': call.operation,
  };
  if (start.attempt > 1) attributes['http.request.resend_count'] = start.attempt - 1;
  if (start.urlTemplate) attributes['url.template'] = start.urlTemplate;
  const name = start.urlTemplate ? `${start.request.method} ${start.urlTemplate}` : start.request.method;
  return tracer.startSpan(name, { kind: SPAN_KIND_CLIENT, attributes });
}

/** A client span is an error for any 4xx or 5xx, and for an exchange that got no answer. */
export function endAttemptSpan(span: SpanLike, end: AttemptEnd): void {
  if (end.status_code !== undefined) span.setAttribute('http.response.status_code', end.status_code);
  const errorType = end.status_code !== undefined ? (end.status_code >= 400 ? String(end.status_code) : undefined) : (end.failure ?? '_OTHER');
  if (errorType) {
    span.setAttribute('error.type', errorType);
    span.setStatus({ code: STATUS_ERROR });
  }
  span.end();
}
