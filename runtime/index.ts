// The package's public entry point for hosts. The Redis-backed rate limiter and trigger event
// store have their own entry points (`customerio-tray-connectors/rate-limit-redis`,
// `…/trigger-event-store-redis`), so loading the runtime does not load ioredis or
// rate-limiter-flexible (optional peer dependencies, needed only by those two).
export { loadConnectors, Registry } from './registry.js';
export type { ConnectorDescription, ConnectorSummary, OperationDescription, RegistryOptions } from './registry.js';
export { LocalRateLimiter } from './send/rate-limit.js';
export type { ConnectorName, ExecuteOptions, ExecuteRequest, InputOf, OperationName, OutputOf, RateBucket, RateLimiter, RetryOptions, RuntimeEvent } from './contracts.js';
export type { ConnectorOperations } from '../types/index.js';
export type { Envelope, EnvelopeError, ErrorCode, ErrorDetailsByCode, FieldProblem, SentCallDetails, ShownRequest, SuccessMeta } from './envelope.js';
export type { OperationEffects } from './operation-effects.js';
export type { Logger, SpanLike, SpanOptionsLike, TracerLike } from './telemetry/index.js';
export { PACKAGE_NAME, PACKAGE_VERSION, USER_AGENT } from './version.js';
export { MemoryEventStore } from './triggers/event-store.js';
export type { TriggerEventStore } from './triggers/event-store.js';
export type { ReportingEvent } from './triggers/events.js';
export type { DisableTriggerRequest, EnableTriggerRequest, TriggerEnvelope, TriggerRequest, TriggerResult, TriggerState } from './triggers/contracts.js';
