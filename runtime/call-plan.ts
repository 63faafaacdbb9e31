// What execute() needs to make one call: the request, whether credentials go with it, whether
// repeating it is harmless, and how to read a successful answer into the operation's output.
import type { AuthValues } from '../auth/credentials.js';
import type { ResolvedBase } from '../auth/regions.js';
import type { PreparedRequest } from './build-request.js';
import type { ConnectorFile, OperationFile, Region } from './definitions.js';
import type { HttpAnswer } from './error-mapping.js';
import type { Envelope } from './envelope.js';
import type { ExecuteRequest } from './execute.js';
import type { BulkRuntime } from './bulk/run-bulk.js';

export interface CallPlan {
  request: PreparedRequest;
  sendCredentials: boolean;
  safeToRepeat: boolean;
  /** A successful (2xx) answer → the operation's output. Throws OperationError when it cannot. */
  readOutput(answer: HttpAnswer): unknown;
  /** For operations that expose non-2xx answers to the user (raw requests), extra error details. */
  failureDetails?(answer: HttpAnswer): unknown;
}

export interface PlanContext {
  connector: ConnectorFile;
  operation: OperationFile;
  auth: AuthValues;
  region: Region;
  base: ResolvedBase;
}

/** Code for operations that cannot be pure data, named by an operation file's `handler`. */
export type OperationHandler =
  /** One request, planned in code (the raw request). */
  | { plan(input: Record<string, unknown>, context: PlanContext): CallPlan }
  /** Many requests, each made through execute() (bulk sends). */
  | { run(input: Record<string, unknown>, call: ExecuteRequest, runtime: BulkRuntime): Promise<Envelope> };
