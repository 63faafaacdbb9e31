// The shapes the runtime's steps hand one another, and nothing else: types only, so every step
// can depend on this file and none has to depend on another step to know what it receives.
//
//   execute (execute.ts)  → normalise + validate (input/) → a runner (runners/)
//   a runner              → plans a request (plan/) → sends it (send/) → an envelope
import type { AuthValues, Region } from '../auth/types.js';
import type { ResolvedBase } from '../auth/regions.js';
import type { HttpMethod, JsonSchema, LoadedConnector, LoadedOperation } from './definitions.js';
import type { Envelope, ShownRequest } from './envelope.js';
import type { ConnectorOperations } from '../types/index.js';

// ---------------------------------------------------------------------------------------------
// What a host asks for

export interface RetryOptions {
  /** Attempts in total, including the first (1 disables retries). */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Cap on one wait. */
  maxDelayMs?: number;
  /** Cap on all waits of one call; a Retry-After beyond it ends the call instead. */
  maxTotalWaitMs?: number;
}

export interface ExecuteOptions {
  /** Build and validate everything, return the request, send nothing. */
  dryRun?: boolean;
  /** Replaces scheme and host of the base URL (a local sandbox or proxy); the path prefix stays. */
  origin?: string;
  /** Per-attempt timeout in ms (default 10 000). */
  timeoutMs?: number;
  /** Timeout for the whole call, retries and waits included, in ms (default 30 000). */
  totalTimeoutMs?: number;
  signal?: AbortSignal;
  retry?: RetryOptions;
  /** Largest answer accepted, in bytes (default 10 MB); a larger one is refused, not buffered. */
  maxResponseBytes?: number;
  /** Debug hook: attempts, waits, retries and answers, with credentials already redacted. */
  onEvent?: (event: RuntimeEvent) => void;
}

export type RuntimeEvent =
  | { type: 'attempt'; operation: string; attempt: number; request: ShownRequest }
  | { type: 'rate_limit_wait'; operation: string; bucket: string; waited_ms: number }
  | { type: 'answer'; operation: string; attempt: number; status_code: number }
  | { type: 'failure'; operation: string; attempt: number; code: string; message: string }
  | { type: 'retry'; operation: string; attempt: number; delay_ms: number };

/**
 * One call. With the connector and operation written as literals, `input` is typed from the
 * generated types (types/) and a misspelt operation does not compile; with names only known at
 * run time (a host's stored workflow), both are strings and input any object.
 */
export interface ExecuteRequest<C extends string = string, O extends string = string> {
  connector: C;
  operation: O;
  auth: AuthValues;
  input?: InputOf<C, O>;
  options?: ExecuteOptions;
}

export type ConnectorName = keyof ConnectorOperations;
/** The operations a connector name allows: its own when it is a known connector, any string otherwise. */
export type OperationName<C extends string> = C extends ConnectorName ? Extract<keyof ConnectorOperations[C], string> : string;
/** A literal operation name must be one of the connector's (the error lists them); a string known only at run time passes. */
export type CheckedOperation<C extends string, O extends string> = string extends O ? O : O extends OperationName<C> ? O : OperationName<C>;
type Typed<C extends string, O extends string> = C extends ConnectorName ? (O extends keyof ConnectorOperations[C] ? ConnectorOperations[C][O] : never) : never;
/** What an operation takes: its generated input type, or any object when the names are not literals. */
export type InputOf<C extends string, O extends string> = [Typed<C, O>] extends [never] ? Record<string, unknown> : Typed<C, O> extends { input: infer I } ? I : never;
/** What a successful call's `output` is: its generated output type, or unknown. */
export type OutputOf<C extends string, O extends string> = [Typed<C, O>] extends [never] ? unknown : Typed<C, O> extends { output: infer R } ? R : never;

// ---------------------------------------------------------------------------------------------
// Plan: input → request

/** The exact HTTP request to send, without credentials (the sender adds them). */
export interface PreparedRequest {
  method: HttpMethod;
  /** Where the request goes: built on the connector's own origin (plan/request-url.ts), sent as is. */
  url: URL;
  headers: Record<string, string>;
  /** JSON value for JSON requests; string or FormData for raw bodies; undefined for none. */
  body?: unknown;
  /** The body's bytes as sent, when it is JSON (set once, so it is serialised once). */
  json?: string;
  /** The body as bytes instead, when it was written as bytes already (a batch a bulk runner packed). */
  bytes?: Buffer;
}

/** An answer as received. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body exactly as received, for answers that are not text (images). */
  bytes?: Buffer;
}

/** One request, and what its answer means. */
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
  connector: LoadedConnector;
  operation: LoadedOperation;
  region: Region;
  base: ResolvedBase;
}

/** Turns validated input into one request: the data mapping of a definition, or code (plan/index.ts). */
export type Planner = (input: Record<string, unknown>, context: PlanContext) => CallPlan;

// ---------------------------------------------------------------------------------------------
// Run: one operation, one or many requests

/** What a runner works with. Calls are bound to the operation's connector, credentials and options. */
export interface RunContext {
  connector: LoadedConnector;
  operation: LoadedOperation;
  /** Normalised and validated. */
  input: Record<string, unknown>;
  options: ExecuteOptions;
  /** One request of this operation for `input`: planned, sent with retries; the envelope holds the raw output. */
  once(input: Record<string, unknown>): Promise<Envelope>;
  /**
   * Another operation of the same connector. `checked`: the caller has already validated what
   * the input holds (bulk items), so it is planned and sent without validating again.
   */
  call(operation: string, input: Record<string, unknown>, how?: { checked?: boolean }): Promise<Envelope>;
  /** The validator of a schema (precompiled when the build made it). */
  validator(schema: JsonSchema): Validator;
}

/** Runs an operation: a single request, every page of a list, or batches (runners/index.ts). */
export type Runner = (context: RunContext) => Promise<Envelope>;

// ---------------------------------------------------------------------------------------------
// What the registry lends the runtime

export interface Validator {
  (data: unknown): boolean;
  errors?: import('ajv').ErrorObject[] | null;
  schema: JsonSchema;
}

export interface RateBucket {
  /** Stable and free of secrets: `customer-io-app:1f2e…:broadcast_trigger`. */
  key: string;
  requests: number;
  perMs: number;
}

export interface RateLimiter {
  /**
   * Resolves when one more request may start in `bucket`, with how long it waited (ms). Rejects
   * when `signal` aborts, or when the wait would pass `maxWaitMs` (the call's remaining time).
   */
  acquire(bucket: RateBucket, signal?: AbortSignal, maxWaitMs?: number): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Observe: what the host's logger and tracer are told (runtime/telemetry)

/** The call being observed, as execute() was asked for it. */
export interface ObservedCall {
  connector: string;
  operation: string;
  region: string | undefined;
  dryRun: boolean;
}

/** One HTTP exchange about to start: what is sent (shown, so without credentials). */
export interface AttemptStart {
  attempt: number;
  request: ShownRequest;
  /** The operation's path as defined (`/v1/customers/{identifier}/events`), a low-cardinality name for it. */
  urlTemplate: string | undefined;
}

/** How one exchange ended: Customer.io's status, or the transport failure (timeout, network…). */
export interface AttemptEnd {
  duration_ms: number;
  status_code?: number;
  failure?: string;
}

/** What sending reports about one call: each exchange's start, and its end through the returned function. */
export interface CallTelemetry {
  attemptStarted(start: AttemptStart): (end: AttemptEnd) => void;
}

/** Observes whole calls: runs `run` inside the call's span and logs how it ended. */
export interface Telemetry {
  observeCall(call: ObservedCall, run: (telemetry: CallTelemetry) => Promise<Envelope>): Promise<Envelope>;
}
