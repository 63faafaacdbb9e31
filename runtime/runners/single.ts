// The common case: one request of the operation, its answer mapped to the operation's output.
import type { RunContext, Runner } from '../contracts.js';
import type { LoadedOperation } from '../definitions.js';
import type { Envelope } from '../envelope.js';
import { mapOutput } from './output.js';
import { withoutPagingControls } from './pagination.js';

/** The envelope with its output read through the operation's `response` mapping. */
export function withOutput(operation: LoadedOperation, result: Envelope, input: Record<string, unknown>): Envelope {
  if (!result.ok || !('output' in result)) return result;
  const output = mapOutput(operation.response, result.output, input);
  return output === result.output ? result : { ...result, output };
}

export const runSingle: Runner = async ({ operation, input, once }: RunContext) => {
  // One page of a list: the paging controls steer the runtime and are never sent.
  const result = await once(operation.pagination ? withoutPagingControls(input) : input);
  return withOutput(operation, result, input);
};
