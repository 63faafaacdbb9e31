// Streaming bulk sends for the package's own programs (the CLI's import): a bulk operation's
// items, read from anywhere and checked one by one, sent through its batches with the same
// calls execute() makes (credentials, retries, redaction, rate limit). Hosts use execute().
import type { AuthValues } from '../auth/types.js';
import type { ExecuteOptions } from './contracts.js';
import type { JsonSchema, LoadedOperation } from './definitions.js';
import { userInputError, type Envelope } from './envelope.js';
import { checked } from './input/check.js';
import type { Registry } from './registry.js';
import { servicesOf } from './services.js';
import { runContext } from './run-context.js';
import { ItemSender, itemSchema, sendItems, type Item, type ItemOptions } from './runners/bulk/bulk-runner.js';
import type { BulkSummary } from './runners/bulk/run-bulk.js';
import { callSecrets } from './send/call-secrets.js';

export type { BulkFailure, BulkSummary, SentBatch } from './runners/bulk/run-bulk.js';
export type { BatchOutcome } from './runners/bulk/batch-outcome.js';
export type { Item, ItemSender } from './runners/bulk/bulk-runner.js';

export interface BulkSession {
  operation: LoadedOperation;
  /** The schema each item must fit. */
  itemSchema: JsonSchema;
  /** Sends the items (each with the caller's reference), checking each; every outcome is reported with its reference. */
  send<R>(items: AsyncIterable<{ item: Item; ref: R }> | Iterable<{ item: Item; ref: R }>, options: Omit<ItemOptions<R>, 'checked'>): Promise<BulkSummary & { stopped?: Envelope }>;
  /**
   * The same, item by item from a loop of the caller's: `add(item, ref, eventId?)` checks and packs
   * an item synchronously and returns a promise only when the caller must wait for a batch to
   * land; `finish()` sends the rest and sums up.
   */
  sender<R>(options: Omit<ItemOptions<R>, 'checked'>): ItemSender<R>;
}

/**
 * A session for one bulk operation with these credentials and options. Throws OperationError
 * (a user_input_error) when the operation is not a bulk one or the credentials do not fit the
 * connector's auth form, before anything is read or sent.
 */
export function openBulkSession(registry: Registry, call: { connector: string; operation: string; auth: AuthValues; options?: ExecuteOptions }): BulkSession {
  const services = servicesOf(registry);
  const connector = services.connector(call.connector);
  const operation = connector?.operationsByName.get(call.operation);
  if (!connector || operation?.runner !== 'bulk') throw userInputError(`${call.connector} ${call.operation} is not a bulk operation`);
  const auth = checked(services, connector.auth_schema, call.auth, 'auth');
  const context = runContext(services, { connector, operation, auth, input: {}, options: call.options ?? {}, secrets: callSecrets(connector, auth), telemetry: undefined });
  return {
    operation,
    itemSchema: itemSchema(operation),
    send: (items, options) => sendItems(context, items, { ...options, checked: false }),
    sender: (options) => new ItemSender(context, { ...options, checked: false }),
  };
}
