// What running an operation does to the world, for hosts deciding on retries, replays and
// confirmations. Derived from the definition: the HTTP method, `http.idempotent` and
// `http.read_only` for POSTs that say more than their method, `sends_message` for the
// operations that reach people. The retry policy (plan/safe-to-repeat.ts) reads the same facts.
import type { LoadedConnector, LoadedOperation } from './definitions.js';
import { isReadOnlyMethod, mappingIsSafeToRepeat } from './plan/safe-to-repeat.js';

export interface OperationEffects {
  /** Changes nothing in the workspace: a GET, or a POST that searches or previews. */
  read_only: boolean;
  /** Running it twice with the same input leaves the same result as once (the runtime retries these after a 5xx or a lost answer). */
  safe_to_repeat: boolean;
  /** Sends or schedules a message to people (transactional, broadcast, newsletter, live notification). */
  sends_message: boolean;
}

/** The raw request can call any endpoint, so it is described by its worst case. */
const ANY_ENDPOINT: OperationEffects = { read_only: false, safe_to_repeat: false, sends_message: true };
/** Handling a webhook request reads what Customer.io sent; a repeated event is handed over once. */
const TRIGGER: OperationEffects = { read_only: true, safe_to_repeat: true, sends_message: false };

export function effectsOf(operation: LoadedOperation, connector: LoadedConnector): OperationEffects {
  if (operation.type === 'trigger') return TRIGGER;
  if (operation.plan === 'raw') return ANY_ENDPOINT;
  // A bulk operation does what the batch operation it sends through does, once per batch.
  if (operation.runner === 'bulk' && operation.bulk) {
    const send = connector.operationsByName.get(operation.bulk.send);
    if (!send) throw new Error(`${connector.name}/${operation.name}: sends through ${operation.bulk.send}, which the connector lacks`);
    return effectsOf(send, connector);
  }
  const http = operation.http;
  if (!http) throw new Error(`${connector.name}/${operation.name}: has no http mapping to describe its effects by`);
  return {
    read_only: isReadOnlyMethod(http.method) || http.read_only === true,
    safe_to_repeat: mappingIsSafeToRepeat(http),
    sends_message: operation.sends_message === true,
  };
}
