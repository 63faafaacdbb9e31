// The host's logger, as the runtime uses it: any object with debug/info/warn/error taking a
// record of fields and a message, which pino's loggers (and console) are. Each line names the
// connector and operation. Requests are logged as shown: method and URL, credentials redacted
// (the URL can hold a person's ID or email, as Customer.io's paths do); bodies, inputs and
// outputs never are.
import type { AttemptEnd, AttemptStart, ObservedCall } from '../contracts.js';
import type { Envelope } from '../envelope.js';

type LogMethod = (fields: Record<string, unknown>, message: string) => void;

/** pino-compatible: `logger.info({ connector, operation, … }, 'message')`. */
export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

export function logAttemptStart(logger: Logger, call: ObservedCall, start: AttemptStart): void {
  logger.debug({ connector: call.connector, operation: call.operation, attempt: start.attempt, method: start.request.method, url: start.request.url }, 'sending a request to Customer.io');
}

export function logAttemptEnd(logger: Logger, call: ObservedCall, start: AttemptStart, end: AttemptEnd): void {
  const fields = { connector: call.connector, operation: call.operation, attempt: start.attempt, duration_ms: end.duration_ms };
  if (end.status_code !== undefined) logger.debug({ ...fields, status_code: end.status_code }, `Customer.io answered ${end.status_code}`);
  else logger.debug({ ...fields, failure: end.failure }, `the request got no answer (${end.failure ?? 'failed'})`);
}

/** Succeeded: info. The person's mistake: info too (nothing is wrong with the service). Customer.io refused or failed: warn. A fault of the connector: error. */
export function logCallEnd(logger: Logger, call: ObservedCall, envelope: Envelope, durationMs: number): void {
  const fields: Record<string, unknown> = { connector: call.connector, operation: call.operation, ok: envelope.ok, duration_ms: durationMs };
  if (envelope.ok) {
    if ('meta' in envelope) Object.assign(fields, { status_code: envelope.meta.status_code, attempts: envelope.meta.attempts });
    logger.info(fields, call.dryRun ? 'dry run prepared' : 'call succeeded');
    return;
  }
  const { error } = envelope;
  Object.assign(fields, { code: error.code, retryable: error.retryable, ...(error.status_code ? { status_code: error.status_code } : {}), ...(envelope.meta?.attempts ? { attempts: envelope.meta.attempts } : {}) });
  const level = error.code === 'connector_error' ? 'error' : error.code === 'user_input_error' ? 'info' : 'warn';
  logger[level](fields, `call failed: ${error.message}`);
}
