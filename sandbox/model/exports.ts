// Exports: a CSV of people (by filter) or of deliveries (by source, window and metric), written
// when asked for and kept as a hosted file behind a signed link. Imports also keep the rows
// they left out as an export (type import_errors), as Customer.io links them from the import.
import { nextNumber } from '../ids.js';
import type { ExportJob } from '../records.js';
import type { Delivery, Person, State } from '../state.js';
import { toCsv } from './csv.js';
import { storeFile } from './files.js';
import { latestMetric } from './outbox.js';
import { personByCioId } from './people.js';

export function exportView(job: ExportJob) {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    failed: job.status === 'failed',
    description: job.description,
    total: job.total,
    downloads: job.downloads,
    user_id: null,
    user_email: null,
    deduplicate_id: `${job.id}:${job.updated_at}`,
    created_at: job.created_at,
    updated_at: job.updated_at,
  };
}

export function createExport(state: State, type: ExportJob['type'], description: string, header: string[], rows: unknown[][], now: number): ExportJob {
  const id = nextNumber(state, 'export');
  const file = storeFile(state, { name: `export-${id}.csv`, content_type: 'text/csv; charset=utf-8', bytes: Buffer.from(toCsv(header, rows), 'utf8'), signed: true }, now);
  const job: ExportJob = { id, type, description, status: 'done', total: rows.length, downloads: 0, file_id: file.id, created_at: now, updated_at: now };
  state.exports.push(job);
  return job;
}

/** Attribute columns: the ones asked for, or every attribute the exported people have (identifiers aside). */
function attributeColumns(people: Person[], asked: string[] | undefined): string[] {
  if (asked) return asked;
  const names = new Set<string>();
  for (const person of people) Object.keys(person.attributes).forEach((n) => names.add(n));
  return [...names].filter((n) => !['id', 'email', 'phone'].includes(n)).sort();
}

export function customersCsv(people: Person[], asked: string[] | undefined): { header: string[]; rows: unknown[][] } {
  const columns = attributeColumns(people, asked);
  return {
    header: ['cio_id', 'id', 'email', ...columns],
    rows: people.map((p) => [p.cio_id, p.id, p.email, ...columns.map((c) => p.attributes[c])]),
  };
}

const DELIVERY_METRICS = ['sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced', 'dropped', 'spammed', 'unsubscribed', 'failed', 'undeliverable'];

export function deliveriesCsv(state: State, deliveries: Delivery[], asked: string[] | undefined): { header: string[]; rows: unknown[][] } {
  const personOf = (d: Delivery) => (d.cio_id ? personByCioId(state, d.cio_id) : undefined);
  const columns = asked ?? [];
  return {
    header: [
      'delivery_id', 'type', 'state', 'customer_id', 'cio_id', 'recipient', 'subject', 'created_at',
      ...DELIVERY_METRICS.map((m) => `${m}_at`), 'failure_message',
      'campaign_id', 'action_id', 'broadcast_id', 'newsletter_id', 'content_id', 'transactional_message_id', ...columns,
    ],
    rows: deliveries.map((d) => {
      const person = personOf(d);
      return [
        d.id, d.type, latestMetric(d), person?.id ?? d.identifiers?.id ?? null, d.cio_id, d.recipient, d.subject, d.created,
        ...DELIVERY_METRICS.map((m) => d.metrics[m] ?? null), d.failure_message,
        d.campaign_id, d.action_id, d.broadcast_id, d.newsletter_id, d.content_id, d.transactional_message_id,
        ...columns.map((c) => person?.attributes[c]),
      ];
    }),
  };
}
