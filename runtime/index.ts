// The package's public entry point for hosts. The Redis-backed rate limiter and trigger event
// store have their own entry points (`customerio-tray-connectors/rate-limit-redis`,
// `…/trigger-event-store-redis`), so loading the runtime does not load ioredis or
// rate-limiter-flexible (optional peer dependencies, needed only by those two).
export { loadConnectors, Registry } from './registry.js';
export type { ConnectorDescription, ConnectorSummary, OperationDescription, RegistryOptions } from './registry.js';
export { LocalRateLimiter } from './send/rate-limit.js';
export type { ExecuteOptions, ExecuteRequest, RateBucket, RateLimiter, RetryOptions, RuntimeEvent } from './contracts.js';
export type { Envelope, EnvelopeError, ErrorCode, ShownRequest, SuccessMeta } from './envelope.js';
export { MemoryEventStore } from './triggers/event-store.js';
export type { TriggerEventStore } from './triggers/event-store.js';
export type { ReportingEvent } from './triggers/events.js';
export type { DisableTriggerRequest, EnableTriggerRequest, TriggerEnvelope, TriggerRequest, TriggerResult, TriggerState } from './triggers/lifecycle.js';
