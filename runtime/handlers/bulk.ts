// bulk_identify_customers and bulk_track_events: a list of people or events in, v2 batches out
// (packed near Customer.io's size limit by runBulk), one result per item back.
import type { OperationHandler } from '../call-plan.js';
import { runBulk, type ItemFailure } from '../bulk/run-bulk.js';
import type { SuccessMeta } from '../envelope.js';

type Item = Record<string, unknown>;

function bulkHandler(listKey: string, toEntity: (item: Item) => Item): OperationHandler {
  return {
    async run(input, call, runtime) {
      const items = (input[listKey] as Item[]).map(toEntity);
      const options = call.options ?? {};
      if (options.dryRun) {
        // The first batch's request, as the runtime would build it.
        return runtime.execute({ ...call, operation: 'send_batch', input: { batch: items.slice(0, 1) } });
      }
      const started = performance.now();
      const failed: ItemFailure[] = [];
      let first: SuccessMeta | undefined;
      let attempts = 0;
      let partial = false;
      const summary = await runBulk(runtime, items, {
        auth: call.auth,
        concurrency: Number(input.concurrency ?? 4),
        execute: options,
        onFailure: (f) => failed.push(f),
        onBatch: (result) => {
          const meta = 'meta' in result ? result.meta : undefined;
          if (meta?.request && !first) first = meta as SuccessMeta;
          attempts += meta?.attempts ?? 0;
          partial ||= meta?.status_code === 207 || !result.ok;
        },
      });
      if (summary.stopped) return summary.stopped;
      failed.sort((a, b) => a.index - b.index);
      return {
        ok: true,
        output: { total: summary.total, accepted: summary.accepted, failed, batches: summary.batches, average_batch_bytes: summary.average_batch_bytes },
        // The first batch's request stands for all of them; attempts and time cover every batch.
        meta: {
          request: first?.request ?? { method: 'POST', url: '', headers: {} }, // nothing was sent when every item was refused
          status_code: partial ? 207 : 200,
          attempts,
          duration_ms: Math.round(performance.now() - started),
        },
      };
    },
  };
}

/** Drops keys the person left out, so the entity carries only what was given. */
function defined(entity: Item): Item {
  return Object.fromEntries(Object.entries(entity).filter(([, v]) => v !== undefined));
}

/** One bulk_identify_customers item (`people[]`) as the v2 entity runBulk sends. */
export function identifyItemToEntity(p: Item): Item {
  return defined({ type: 'person', action: 'identify', identifiers: p.identifiers, timestamp: p.timestamp, attributes: p.attributes, cio_relationships: p.cio_relationships });
}

/** One bulk_track_events item (`events[]`) as the v2 entity runBulk sends. */
export function eventItemToEntity(e: Item): Item {
  return defined({ type: 'person', action: 'event', identifiers: e.identifiers, name: e.name, id: e.id, timestamp: e.timestamp, attributes: e.data });
}

export const bulkIdentifyCustomers = bulkHandler('people', identifyItemToEntity);

export const bulkTrackEvents = bulkHandler('events', eventItemToEntity);
