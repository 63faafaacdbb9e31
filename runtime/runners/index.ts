// Which runner an operation's call takes: batches for a bulk operation, every page when a list
// is asked for whole, otherwise one request.
import type { Runner } from '../contracts.js';
import type { LoadedOperation } from '../definitions.js';
import { runAllPages } from './all-pages.js';
import { runBulkOperation } from './bulk/bulk-runner.js';
import { wantsAllPages } from './pagination.js';
import { runSingle } from './single.js';

export function runnerFor(operation: LoadedOperation, input: Record<string, unknown>): Runner {
  if (operation.runner === 'bulk') return runBulkOperation;
  return wantsAllPages(operation.pagination, input) ? runAllPages : runSingle;
}
