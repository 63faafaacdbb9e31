// One call, start to finish, and the only way the runtime runs anything:
//   find the operation → normalise and check auth and input (input/) → choose a runner
//   (runners/), which plans requests (plan/) and sends them (send/) → the envelope.
// Never throws for an operation's failure: everything ends as an envelope.
import type { CallTelemetry, ExecuteRequest } from './contracts.js';
import type { Services } from './services.js';
import type { LoadedConnector, LoadedOperation } from './definitions.js';
import { userInputError, type Envelope } from './envelope.js';
import { failureOf } from './failure.js';
import { checked } from './input/check.js';
import { makeRedactor } from './redact.js';
import { runContext } from './run-context.js';
import { runnerFor } from './runners/index.js';
import { callSecrets, type CallSecrets } from './send/call-secrets.js';

const NO_SECRETS: CallSecrets = { authorization: '', redact: makeRedactor([]) };

function findOperation(connector: LoadedConnector | undefined, call: ExecuteRequest): LoadedOperation {
  if (!connector) throw userInputError(`unknown connector "${call.connector}"`);
  const operation = connector.operationsByName.get(call.operation);
  if (!operation) throw userInputError(`connector ${connector.name} has no operation "${call.operation}"`);
  return operation;
}

export function executeOperation(services: Services, call: ExecuteRequest): Promise<Envelope> {
  const { telemetry } = services;
  if (!telemetry) return run(services, call, undefined);
  const region = call.auth?.region;
  const observed = { connector: String(call.connector), operation: String(call.operation), region: region === 'us' || region === 'eu' ? region : undefined, dryRun: call.options?.dryRun === true };
  return telemetry.observeCall(observed, (callTelemetry) => run(services, call, callTelemetry));
}

async function run(services: Services, call: ExecuteRequest, telemetry: CallTelemetry | undefined): Promise<Envelope> {
  const connector = services.connector(call.connector);
  const secrets = connector ? callSecrets(connector, call.auth ?? {}) : NO_SECRETS;
  try {
    const operation = findOperation(connector, call);
    const auth = checked(services, connector!.auth_schema, call.auth ?? {}, 'auth');
    const input = checked(services, operation.input_schema, call.input ?? {}, 'input');
    const context = runContext(services, { connector: connector!, operation, auth, input, options: call.options ?? {}, secrets, telemetry });
    return await runnerFor(operation, input)(context);
  } catch (error) {
    return failureOf(error, call.input, secrets.redact);
  }
}
