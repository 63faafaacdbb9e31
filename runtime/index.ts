// The package's public entry point for hosts.
export { loadConnectors, Registry } from './registry.js';
export type { ConnectorDescription, ConnectorSummary, OperationDescription } from './registry.js';
export type { ExecuteOptions, ExecuteRequest } from './execute.js';
export type { Envelope, EnvelopeError, ErrorCode, ShownRequest, SuccessMeta } from './envelope.js';
export type { RetryOptions } from './retry.js';
