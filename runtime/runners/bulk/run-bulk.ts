// Sends any number of batch entries given as values (v2 entities) through a batch operation:
// each entry is checked on its own unless the caller already checked it (a bad or oversized entry
// is reported, never silently dropped), given an event id when it is an event without one,
// serialised once, and handed to a BatchSender, which packs and sends. Entries are read lazily,
// so memory stays flat for any number of them. Bulk operations, whose items become entries
// through a template, go through bulk-runner.ts instead.
import type { JsonSchema } from '../../definitions.js';
import type { Envelope } from '../../envelope.js';
import { describeErrors } from '../../input/validation.js';
import { withEntityId } from '../../plan/event-ids.js';
import { BatchSender, entrySchema, type BatchTarget, type BulkOptions, type BulkSummary } from './batch-sender.js';

export { entrySchema, type BatchTarget, type BulkFailure, type BulkOptions, type BulkSummary, type SentBatch } from './batch-sender.js';

export interface BulkEntry<R> {
  entry: Record<string, unknown>;
  ref: R;
}

type EntryCheck = (entry: Record<string, unknown>, label: string) => string | undefined;
const checks = new WeakMap<object, EntryCheck>();

/**
 * A choice (oneOf) whose branches are told apart by constant fields (`type`, `action`): those
 * fields, and the branches by their values. Checking an entry against the one branch it picks is
 * several times faster than against all of them (the build precompiles these validators too).
 */
export function entryBranches(schema: JsonSchema): { selectors: string[]; branches: Map<string, JsonSchema> } | undefined {
  const choices = schema.oneOf as JsonSchema[] | undefined;
  if (!choices?.length) return undefined;
  const constants = (branch: JsonSchema) => Object.entries((branch.properties as Record<string, JsonSchema> | undefined) ?? {}).filter(([, field]) => 'const' in field).map(([key]) => key);
  const selectors = constants(choices[0]!).filter((key) => choices.every((branch) => constants(branch).includes(key)));
  if (selectors.length === 0) return undefined;
  const branches = new Map<string, JsonSchema>();
  for (const branch of choices) branches.set(selectors.map((key) => String((branch.properties as Record<string, JsonSchema>)[key]!.const)).join(':'), branch);
  return { selectors, branches };
}

function entryCheck(target: BatchTarget): EntryCheck {
  const schema = entrySchema(target);
  let check = checks.get(schema);
  if (check) return check;
  const choice = entryBranches(schema);
  check = (entry, label) => {
    let branch = schema;
    if (choice) {
      const picked = choice.branches.get(choice.selectors.map((field) => String(entry[field])).join(':'));
      if (!picked) return `"${label}": ${choice.selectors.join(' and ')} must be one of ${[...choice.branches.keys()].join(', ')}`;
      branch = picked;
    }
    const validate = target.validator(branch);
    return validate(entry) ? undefined : describeErrors(validate.errors ?? [], branch, label, entry).map((p) => p.message).join('; ');
  };
  checks.set(schema, check);
  return check;
}

export async function runBulk<R>(target: BatchTarget, entries: AsyncIterable<BulkEntry<R>> | Iterable<BulkEntry<R>>, options: BulkOptions<R>): Promise<BulkSummary & { stopped?: Envelope }> {
  const check = options.checked ? undefined : entryCheck(target);
  const withIds = target.send.http?.event_ids === 'batch';
  const sender = new BatchSender<R>(target, options);
  const add = ({ entry, ref }: BulkEntry<R>): Promise<void> | undefined => {
    const problem = sender.stopped ? undefined : check?.(entry, sender.nextLabel()); // once stopped, every entry is reported not sent
    if (problem) return void sender.refuse(ref, problem);
    // Ids before the entry is serialised: a retried batch carries the same ones.
    return sender.add(JSON.stringify(withIds ? withEntityId(entry) : entry), ref);
  };
  if (Symbol.asyncIterator in entries) {
    for await (const entry of entries) await add(entry);
  } else {
    for (const entry of entries) {
      const wait = add(entry);
      if (wait) await wait;
    }
  }
  return sender.finish();
}
