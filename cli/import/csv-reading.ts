// How a CSV file is read when it is not the plain comma-separated UTF-8 with our column names:
// --delimiter (Excel writes ";" where the decimal mark is a comma, and tabs for "Unicode text"),
// --encoding (Excel's "CSV" on Windows is Windows-1252, its "Unicode text" UTF-16), --column
// (the file's own header names: --column user_id=id). Also the hints that name these flags when
// a file fails for a reason one of them fixes.
import { Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import { UsageError } from '../args.js';
import { IDENTIFIER_COLUMNS } from './operations.js';

export const ENCODINGS = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
export type CsvEncoding = (typeof ENCODINGS)[number];

export interface CsvReading {
  /** One ASCII character between fields. */
  delimiter: string;
  encoding: CsvEncoding;
  /** Header names as the file writes them → the names the import reads them as, in order given. */
  columns: [string, string][];
}

export const DEFAULT_READING: CsvReading = { delimiter: ',', encoding: 'utf-8', columns: [] };

const DELIMITER_NAMES: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };

/** The flags as given → how to read; usage errors say what each takes. */
export function csvReading(flags: { delimiter?: string; encoding?: string; column?: string[] }): CsvReading {
  let delimiter = DEFAULT_READING.delimiter;
  if (flags.delimiter !== undefined) {
    delimiter = DELIMITER_NAMES[flags.delimiter.toLowerCase()] ?? flags.delimiter;
    // One byte, so the record guard can follow the quoting byte by byte in any encoding (the file is UTF-8 by then).
    if (!/^[\t\x20-\x7e]$/.test(delimiter) || /["\r\n]/.test(delimiter) || /[A-Za-z0-9]/.test(delimiter)) {
      throw new UsageError(`--delimiter must be one character such as ';' or '|', or tab (got ${JSON.stringify(flags.delimiter)})`);
    }
  }
  let encoding = DEFAULT_READING.encoding;
  if (flags.encoding !== undefined) {
    const named = flags.encoding.toLowerCase().replace(/^(utf8)$/, 'utf-8').replace(/^(latin1|latin-1|iso-8859-1|cp1252)$/, 'windows-1252').replace(/^utf16(le|be)$/, 'utf-16$1');
    if (!(ENCODINGS as readonly string[]).includes(named)) throw new UsageError(`--encoding must be one of ${ENCODINGS.join(', ')} (got ${JSON.stringify(flags.encoding)})`);
    encoding = named as CsvEncoding;
  }
  const columns = (flags.column ?? []).map((given): [string, string] => {
    const at = given.lastIndexOf('=');
    const from = given.slice(0, at).trim();
    const to = given.slice(at + 1).trim();
    if (at === -1 || !from || !to) throw new UsageError(`--column takes the file's header name and the name to read it as: --column user_id=id (got ${JSON.stringify(given)})`);
    return [from, to];
  });
  return { delimiter, encoding, columns };
}

/** The flags that give this reading again (the resume command repeats them). */
export function readingFlags(reading: CsvReading): string[] {
  const flags: string[] = [];
  if (reading.delimiter !== DEFAULT_READING.delimiter) flags.push('--delimiter', reading.delimiter === '\t' ? 'tab' : reading.delimiter);
  if (reading.encoding !== DEFAULT_READING.encoding) flags.push('--encoding', reading.encoding);
  for (const [from, to] of reading.columns) flags.push('--column', `${from}=${to}`);
  return flags;
}

/**
 * A file in another encoding, as UTF-8 bytes: what comes after (the record guard, csv-parse, the
 * UTF-8 check of each cell) then reads it like any UTF-8 file. Counts the file's own bytes for
 * the progress bar. A byte order mark is taken off by the decoder.
 */
export class DecodeToUtf8 extends Transform {
  private readonly decoder: TextDecoder;
  bytesIn = 0;

  constructor(encoding: Exclude<CsvEncoding, 'utf-8'>) {
    super();
    this.decoder = new TextDecoder(encoding);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytesIn += chunk.length;
    done(null, Buffer.from(this.decoder.decode(chunk, { stream: true }), 'utf8'));
  }

  override _flush(done: TransformCallback): void {
    done(null, Buffer.from(this.decoder.decode(), 'utf8'));
  }
}

const flagWord = (delimiter: string) => (delimiter === '\t' ? 'tab' : `'${delimiter}'`);

/**
 * When the header has no identifier column, what would fix it: another delimiter (the header
 * split by it names one), or --column for a column that looks like an identifier.
 */
export function missingIdentifierHint(header: string[], reading: CsvReading): string {
  for (const delimiter of [';', '\t', '|', ','].filter((d) => d !== reading.delimiter)) {
    const cells = header.join(reading.delimiter).split(delimiter).map((cell) => cell.trim().toLowerCase());
    if (cells.length > header.length && cells.some((cell) => (IDENTIFIER_COLUMNS as readonly string[]).includes(cell))) {
      return `: the header looks separated by ${delimiter === '\t' ? 'tabs' : `"${delimiter}"`}, so import it with --delimiter ${flagWord(delimiter)}`;
    }
  }
  const named = header.map((name) => [name, identifierLike(name)] as const).find(([, kind]) => kind !== undefined);
  if (named) return `; if ${JSON.stringify(named[0])} identifies the person, import with --column ${shellWord(named[0])}=${named[1]}`;
  if (header.some((cell) => /@|^\+?\d[\d\s-]*$/.test(cell.trim()))) return '; the first row looks like data: add a header row naming the columns (id, email…)';
  return `; name one with --column <header>=id (or email, cio_id, phone)`;
}

/** The identifier a header name seems to mean: `user_id`, `Customer ID` → id; `E-mail address` → email. */
function identifierLike(name: string): string | undefined {
  const words = name.split(/[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])/).filter(Boolean).map((word) => word.toLowerCase());
  const joined = words.join('');
  if (joined.includes('email') || words.includes('mail')) return 'email';
  if (words.some((word) => ['phone', 'mobile', 'msisdn'].includes(word))) return 'phone';
  if (joined.startsWith('cio')) return 'cio_id';
  if (words.at(-1) === 'id' || words.includes('identifier') || /^(user|customer|person|external|member|contact|client)id$/.test(joined)) return 'id';
  return undefined;
}

/** When an events CSV has no "name" column: a column that looks like the event's name. */
export function missingEventNameHint(header: string[]): string {
  const named = header.find((name) => /^(event|event[\s_-]?name|event[\s_-]?type|action)$/i.test(name.trim()));
  return named ? `; if ${JSON.stringify(named)} holds the event's name, import with --column ${shellWord(named)}=name` : '; name one with --column <header>=name';
}

/** Not UTF-8: what fixes it. */
export const NOT_UTF8_HINT = 'if the file was saved as Windows-1252 or Latin-1 (Excel\'s "CSV" on Windows), import it with --encoding windows-1252; else save it as UTF-8';

/** A shell word, quoted when it needs to be. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
