// The package's public entry point for hosts.
export { loadConnectors, Registry } from './registry.js';
export type { ConnectorDescription, ConnectorSummary, OperationDescription, RegistryOptions } from './registry.js';
export { LocalRateLimiter } from './rate-limit.js';
export type { RateBucket, RateLimiter } from './rate-limit.js';
export { BottleneckRateLimiter } from './rate-limit-bottleneck.js';
export type { ExecuteOptions, ExecuteRequest, RuntimeEvent } from './execute.js';
export type { Envelope, EnvelopeError, ErrorCode, ShownRequest, SuccessMeta } from './envelope.js';
export type { RetryOptions } from './retry.js';
