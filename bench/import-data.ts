// The files `npm run bench:import` imports: people and events, as NDJSON and as CSV, written to
// disk as a stream (a thousand lines at a time, waiting for the disk rather than buffering).
// The same person or event is on the same line of its NDJSON and its CSV file; CSV values are
// text, as a CSV import sends them.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const PLANS = ['free', 'basic', 'pro', 'enterprise'];
const CITIES = ['Lisbon', 'Oslo', 'Austin', 'Osaka', 'Nairobi', 'Lima'];
const CURRENCIES = ['EUR', 'USD', 'JPY'];

export type DataKind = 'people' | 'events';
export type FileFormat = 'ndjson' | 'csv';

/** One person as a bulk_identify_customers item, about 180 bytes of NDJSON. */
function person(i: number) {
  return {
    identifiers: { id: `person-${String(i).padStart(7, '0')}` },
    attributes: {
      email: `person-${i}@example.com`,
      first_name: `First${i % 997}`,
      plan: PLANS[i % PLANS.length]!,
      city: CITIES[i % CITIES.length]!,
      created_at: 1_700_000_000 + (i % 31_536_000),
      score: i % 100,
    },
  };
}

/** One event of one of 100,000 people as a bulk_track_events item, about 150 bytes (the import gives it its id). */
function event(i: number) {
  return {
    identifiers: { id: `person-${String(i % 100_000).padStart(7, '0')}` },
    name: 'purchase',
    timestamp: 1_700_000_000 + (i % 31_536_000),
    data: { sku: `sku-${i % 5000}`, price: (i % 10_000) / 100, currency: CURRENCIES[i % CURRENCIES.length]!, quantity: 1 + (i % 5) },
  };
}

const CSV_HEADER: Record<DataKind, string> = {
  people: 'id,email,first_name,plan,city,created_at,score',
  events: 'id,name,timestamp,sku,price,currency,quantity',
};

function csvLine(kind: DataKind, i: number): string {
  if (kind === 'people') {
    const { identifiers, attributes: a } = person(i);
    return [identifiers.id, a.email, a.first_name, a.plan, a.city, a.created_at, a.score].join(',');
  }
  const { identifiers, name, timestamp, data: d } = event(i);
  return [identifiers.id, name, timestamp, d.sku, d.price, d.currency, d.quantity].join(',');
}

function line(kind: DataKind, format: FileFormat, i: number): string {
  if (format === 'csv') return csvLine(kind, i);
  return JSON.stringify(kind === 'people' ? person(i) : event(i));
}

/** Writes `count` items of `kind` to `path` (a CSV starts with its header). */
export async function writeItems(path: string, kind: DataKind, format: FileFormat, count: number): Promise<void> {
  const out = createWriteStream(path);
  if (format === 'csv') out.write(`${CSV_HEADER[kind]}\n`);
  for (let start = 0; start < count; start += 1000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) lines.push(line(kind, format, i));
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}
