// Every way of turning an operation's input into one request, behind one signature. An
// operation is planned by its http mapping unless its definition names a planner in `plan`.
import type { Planner } from '../contracts.js';
import type { OperationFile } from '../definitions.js';
import { planDataOperation } from './data-operation.js';
import { planRawRequest } from './raw-http-request.js';

const PLANNERS: Record<NonNullable<OperationFile['plan']>, Planner> = {
  raw: planRawRequest,
};

export function plannerFor(operation: OperationFile): Planner {
  return operation.plan ? PLANNERS[operation.plan] : planDataOperation;
}
