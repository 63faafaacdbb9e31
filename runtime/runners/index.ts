// Which runner an operation's call takes: batches for a bulk operation, every page when a list
// is asked for whole, a list and each item's details for a dropdown narrowed by what only the
// details say, otherwise one request.
import type { Runner } from '../contracts.js';
import type { LoadedOperation } from '../definitions.js';
import { userInputError } from '../envelope.js';
import { runAllPages } from './all-pages.js';
import { runBulkOperation } from './bulk/bulk-runner.js';
import { needsDetails, runChoicesFromDetails } from './choices-from-details.js';
import { wantsAllPages } from './pagination.js';
import { runSingle } from './single.js';

/** A trigger is not run: Customer.io's events start it (enableTrigger, handleTriggerRequest). */
const refuseTrigger: Runner = async ({ operation, connector }) => {
  throw userInputError(`${connector.name} ${operation.name} is a trigger: enable it with enableTrigger, and hand the requests Customer.io sends to handleTriggerRequest`);
};

export function runnerFor(operation: LoadedOperation, input: Record<string, unknown>): Runner {
  if (operation.type === 'trigger') return refuseTrigger;
  if (operation.runner === 'bulk') return runBulkOperation;
  if (needsDetails(operation.response, input)) return runChoicesFromDetails;
  return wantsAllPages(operation.pagination, input) ? runAllPages : runSingle;
}
