// A dropdown whose choices are narrowed by something its list does not say (response.keep.from
// of its definition): Customer.io lists transactional messages without their channel, which
// only each message's contents name. The list is read once; for each item, the operation the
// definition names is run with input taken from the item, the field is gathered from its
// answer, and the dropdown's mapping then keeps the items that fit (runners/output.ts).
import type { RunContext, Runner } from '../contracts.js';
import type { ResponseMapping } from '../definitions.js';
import type { Envelope } from '../envelope.js';
import { wantedValues } from './output.js';
import { withOutput } from './single.js';

type Item = Record<string, unknown>;
type DropdownMapping = Extract<ResponseMapping, { mode: 'ddl' }>;

/** How many detail calls may be in flight at once; the connector's rate limit still paces them. */
const CONCURRENCY = 4;

/** Whether this call needs the details: the dropdown's input asks for something only they tell. */
export function needsDetails(mapping: ResponseMapping | undefined, input: Record<string, unknown>): boolean {
  return mapping?.mode === 'ddl' && !!mapping.keep?.from && wantedValues(mapping, input) !== undefined;
}

/** Runs `work` over `items`, at most `limit` at a time, in order of the results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const runChoicesFromDetails: Runner = async ({ operation, input, once, call }: RunContext) => {
  const mapping = operation.response as DropdownMapping;
  const keep = mapping.keep!;
  const from = keep.from!;
  const started = performance.now();
  // The filter steers the runtime and is never sent.
  const { [keep.input]: _wanted, ...listInput } = input;
  const listed = await once(listInput);
  if (!listed.ok || !('output' in listed)) return listed; // a failure, or a dry run's request
  const body = (listed.output ?? {}) as Item;
  const items = Array.isArray(body[mapping.items]) ? (body[mapping.items] as Item[]) : [];

  let failure: Envelope | undefined;
  let attempts = listed.meta.attempts;
  const durations = [...(listed.meta.attempt_durations_ms ?? [])];
  const detailed = await mapLimited(items, CONCURRENCY, async (item) => {
    if (failure) return item;
    const detailInput = Object.fromEntries(Object.entries(from.input).map(([key, field]) => [key, item[field]]));
    const answer = await call(from.operation, detailInput);
    if (!answer.ok || !('output' in answer)) {
      failure ??= answer;
      return item;
    }
    attempts += answer.meta.attempts;
    durations.push(...(answer.meta.attempt_durations_ms ?? []));
    const details = (answer.output as Item | undefined)?.[from.items];
    const values = Array.isArray(details) ? (details as Item[]).map((detail) => detail?.[keep.field]).filter((value) => value !== undefined) : [];
    return { ...item, [keep.field]: values };
  });
  if (failure) {
    const { error } = failure as Extract<Envelope, { ok: false }>;
    return { ...failure, error: { ...error, message: `Reading the details of each of the ${mapping.items} (${from.operation}) failed: ${error.message}` } } as Envelope;
  }
  return withOutput(
    operation,
    {
      ok: true,
      output: { ...body, [mapping.items]: detailed },
      meta: { ...listed.meta, attempts, attempt_durations_ms: durations, duration_ms: Math.round(performance.now() - started) },
    },
    input,
  );
};
