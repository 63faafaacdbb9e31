// CSV as exports write it and imports read it: a header row, RFC 4180 quoting, UTF-8.
import { parse } from 'csv-parse/sync';

function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** The rows of a CSV with a header row, as column → text; throws with csv-parse's reason when it is not CSV. */
export function fromCsv(text: string): { columns: string[]; rows: Record<string, string>[] } {
  const records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  const [header = [], ...rest] = records;
  const columns = header.map((c) => c.trim());
  const rows = rest.map((record) => Object.fromEntries(columns.map((column, i) => [column, record[i] ?? ''])));
  return { columns, rows };
}
