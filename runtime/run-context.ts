// The calls a runner may make, bound to one connector, one set of credentials and the call's
// options: `once` plans and sends one request of the operation; `call` runs another operation
// of the same connector (a bulk operation's batches). Neither throws: a failure is an envelope.
import type { AuthValues, Region } from '../auth/types.js';
import type { CallTelemetry, ExecuteOptions, RunContext } from './contracts.js';
import type { Services } from './services.js';
import type { LoadedConnector, LoadedOperation } from './definitions.js';
import { OperationError, userInputError, type Envelope } from './envelope.js';
import { failureOf } from './failure.js';
import { checked } from './input/check.js';
import { plannerFor } from './plan/index.js';
import { showRequest } from './redact.js';
import { runnerFor } from './runners/index.js';
import type { CallSecrets } from './send/call-secrets.js';
import { sendPlan } from './send/send-plan.js';

export interface CallState {
  connector: LoadedConnector;
  operation: LoadedOperation;
  /** Checked against the connector's auth form. */
  auth: AuthValues;
  /** Normalised and checked against the operation's input form. */
  input: Record<string, unknown>;
  options: ExecuteOptions;
  secrets: CallSecrets;
  /** The host's logger and tracer for this call, when it gave either. */
  telemetry: CallTelemetry | undefined;
}

/** One request of the state's operation for `input`: planned, shown (redacted), sent unless a dry run. */
async function once(services: Services, state: CallState, input: Record<string, unknown>): Promise<Envelope> {
  const { connector, operation, auth, options, secrets, telemetry } = state;
  const region = auth.region as Region; // the auth form holds it to us / eu
  let base;
  try {
    base = services.regions.resolveBase(connector.api, region, options.origin);
  } catch (error) {
    throw new OperationError({ code: 'connector_error', message: `the host's origin option is invalid: ${secrets.redact((error as Error).message)}` });
  }
  let plan;
  try {
    plan = plannerFor(operation)(input, { connector, operation, region, base });
  } catch (error) {
    if (error instanceof OperationError) throw error;
    throw userInputError(`"input": ${(error as Error).message}`);
  }
  // Credentials go on the request only here, after planning: nothing upstream can show them.
  if (plan.sendCredentials) plan.request.headers.authorization = secrets.authorization;
  const shown = showRequest(plan.request, secrets.redact);
  if (options.dryRun) return { ok: true, request: shown };
  const urlTemplate = operation.http ? `${operation.http.base === 'origin' ? '' : base.prefix}${operation.http.path}` : undefined;
  return sendPlan(plan, shown, {
    connector, operation: operation.name, region, auth, options, secrets,
    client: services.client(connector), limiter: services.rateLimiter, regions: services.regions,
    telemetry, urlTemplate,
  });
}

/** Runs `work`, turning anything it throws into a failure envelope. */
async function enveloped(work: () => Promise<Envelope>, input: unknown, state: CallState): Promise<Envelope> {
  try {
    return await work();
  } catch (error) {
    return failureOf(error, input, state.secrets.redact);
  }
}

export function runContext(services: Services, state: CallState): RunContext {
  return {
    connector: state.connector,
    operation: state.operation,
    input: state.input,
    options: state.options,
    validator: (schema) => services.validator(schema),
    once: (input) => enveloped(() => once(services, state, input), input, state),
    call: (name, input, how) =>
      enveloped(async () => {
        const operation = state.connector.operationsByName.get(name);
        if (!operation) throw new Error(`${state.operation.name} calls ${name}, which ${state.connector.name} does not have`);
        const ready = how?.checked ? input : checked(services, operation.input_schema, input, 'input');
        return runnerFor(operation, ready)(runContext(services, { ...state, operation, input: ready }));
      }, input, state),
  };
}
