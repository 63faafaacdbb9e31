// The registry's telemetry: the host's logger and tracer, each optional, behind the one
// Telemetry interface execute() and sending use. Neither given: no telemetry object at all, so a
// call pays nothing for it.
import type { AttemptEnd, AttemptStart, CallTelemetry, ObservedCall, Telemetry } from '../contracts.js';
import type { Envelope } from '../envelope.js';
import { logAttemptEnd, logAttemptStart, logCallEnd, type Logger } from './logger.js';
import { endAttemptSpan, endCallSpan, startAttemptSpan, startCallSpan, type SpanLike, type TracerLike } from './tracing.js';

export type { Logger } from './logger.js';
export type { SpanLike, SpanOptionsLike, TracerLike } from './tracing.js';

export interface TelemetryOptions {
  logger?: Logger;
  tracer?: TracerLike;
}

/** execute() never throws: a logger or tracer that does is not let to break the call. */
function quietly<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch {
    return undefined;
  }
}

function callTelemetry(call: ObservedCall, { logger, tracer }: TelemetryOptions): CallTelemetry {
  return {
    attemptStarted(start: AttemptStart) {
      if (logger) quietly(() => logAttemptStart(logger, call, start));
      const span = tracer ? quietly(() => startAttemptSpan(tracer, call, start)) : undefined;
      return (end: AttemptEnd) => {
        if (logger) quietly(() => logAttemptEnd(logger, call, start, end));
        if (span) quietly(() => endAttemptSpan(span, end));
      };
    },
  };
}

export function makeTelemetry(options: TelemetryOptions): Telemetry | undefined {
  const { logger, tracer } = options;
  if (!logger && !tracer) return undefined;
  return {
    async observeCall(call, run) {
      const started = performance.now();
      const observe = async (span: SpanLike | undefined): Promise<Envelope> => {
        const envelope = await run(callTelemetry(call, options));
        if (logger) quietly(() => logCallEnd(logger, call, envelope, Math.round(performance.now() - started)));
        if (span) quietly(() => endCallSpan(span, envelope));
        return envelope;
      };
      if (!tracer) return observe(undefined);
      let ran = false;
      const traced = quietly(() => startCallSpan(tracer, call, (span) => ((ran = true), observe(span))));
      // A tracer that failed before running the call: run it untraced.
      return traced && ran ? traced : observe(undefined);
    },
  };
}
