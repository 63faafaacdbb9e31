// Keeps every CSV record csv-parse sees under a size limit, so a 200 MB cell costs no more
// memory than a small one. csv-parse would buffer a record whole; its own `max_record_size`
// cannot help here: with `skip_records_with_error` it stops reading the chunk at the oversized
// record and silently loses the rows after it (csv-parse 7.0.3).
//
// The guard follows the CSV quoting (RFC 4180, with csv-parse's relax_quotes reading of a quote
// inside an unquoted field, and the field delimiter --delimiter names) only to know where a
// record ends. Once a record passes `maxBytes`,
// the rest of it is dropped and, at its end, a marker that cannot occur in a file (a NUL, a
// token drawn for this run, the bytes and line breaks dropped, a NUL) takes its place; the
// import turns a row holding the marker into one failed item naming its line.
//
// It also takes off a UTF-8 byte order mark (csv-parse's `bom` option would switch its decoding
// to UTF-8, and the rows must arrive as bytes to be checked) and refuses a UTF-16 file, naming the
// --encoding that reads it (which puts a decoder before this guard: csv-reading.ts).
import { randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: an escaped quote if another follows, else the field's end. */
  QuoteSeen,
}

/** What a cut record lost: its bytes past the limit, and the line breaks among them. */
export interface Cut {
  bytes: number;
  breaks: number;
}

export class CsvRecordGuard extends Transform {
  /** Drawn per run, so no cell of a file can pass for the marker. */
  private readonly token = `cio-cut-${randomBytes(8).toString('hex')}`;
  private readonly marker = new RegExp(`\\x00${this.token}:(\\d+):(\\d+)\\x00`, 'g');
  private state = State.FieldStart;
  private recordBytes = 0;
  private cut = false;
  /** Whether what was passed on of the record leaves csv-parse inside quotes (to close them at the cut). */
  private passedQuoted = false;
  private dropped = 0;
  private droppedBreaks = 0;
  private droppedCR = false;
  private started = false;
  private out = Buffer.alloc(0);
  private at = 0;
  /** Bytes of the file taken in so far (for progress). */
  bytesIn = 0;

  /** The byte between fields (`,` unless --delimiter names another one-byte character). */
  private readonly separator: number;

  constructor(private readonly maxBytes: number, delimiter = ',') {
    super();
    this.separator = delimiter.charCodeAt(0);
  }

  /** Whether a cell or a record's raw text holds a cut's marker. */
  hasCut(text: string): boolean {
    return text.includes(this.token);
  }

  /** The cuts recorded in a cell or a record's raw text (none for a whole record). */
  cutsIn(text: string): Cut[] {
    if (!text.includes(this.token)) return [];
    return [...text.matchAll(this.marker)].map((m) => ({ bytes: Number(m[1]), breaks: Number(m[2]) }));
  }

  /** A cell's text without the marker. */
  withoutMarker(text: string): string {
    return text.replace(this.marker, '');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytesIn += chunk.length;
    let from = 0;
    if (!this.started) {
      this.started = true;
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        const encoding = chunk[0] === 0xff ? 'utf-16le' : 'utf-16be';
        return done(new Error(`the file is UTF-16 (it starts with a UTF-16 byte order mark): import it with --encoding ${encoding}, or save it as UTF-8`));
      }
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) from = 3;
    }
    // The common chunk: no record in it reaches the limit, so it passes on as it is.
    if (!this.cut && this.passes(chunk, from)) return done(null, from === 0 ? chunk : chunk.subarray(from));
    this.out = Buffer.allocUnsafe(chunk.length + 128);
    this.at = 0;
    for (let i = from; i < chunk.length; i++) this.byte(chunk[i]!);
    done(null, this.out.subarray(0, this.at));
  }

  /**
   * Follows the chunk as byte() would, without copying it: true (and the state moved past the
   * chunk) when no byte of it would start a cut, false (nothing changed) as soon as one would, for
   * byte() to take the chunk from the start. Only the fields a chunk without cuts changes are kept.
   */
  private passes(chunk: Buffer, from: number): boolean {
    // After a quote inside a quoted field, byte() holds that quote back until the next byte says
    // whether it closes the field: a chunk that starts or ends there is not passed on as it is.
    if (this.state === State.QuoteSeen) return false;
    const max = this.maxBytes;
    const separator = this.separator;
    let state: State = this.state;
    let recordBytes = this.recordBytes;
    let passedQuoted = this.passedQuoted;
    // Where the next quote and CR are (-1: none in the rest of the chunk), looked up again only
    // once passed: a record line with neither is passed over at the speed of indexOf.
    let nextQuote = chunk.indexOf(QUOTE, from);
    let nextCR = chunk.indexOf(CR, from);
    for (let i = from; i < chunk.length; i++) {
      if (state === State.FieldStart && recordBytes === 0) {
        const lf = chunk.indexOf(LF, i);
        if (nextQuote !== -1 && nextQuote < i) nextQuote = chunk.indexOf(QUOTE, i);
        if (nextCR !== -1 && nextCR < i) nextCR = chunk.indexOf(CR, i);
        if (lf !== -1 && lf - i <= max && (nextQuote === -1 || nextQuote > lf) && (nextCR === -1 || nextCR > lf)) {
          // The whole record is this line, unquoted and within the limit: it ends where it began.
          passedQuoted = false;
          i = lf;
          continue;
        }
      }
      const b = chunk[i]!;
      switch (state) {
        case State.FieldStart:
          if (b === CR || b === LF) {
            recordBytes = 0;
            passedQuoted = false;
            continue;
          }
          if (recordBytes >= max) return false;
          recordBytes++;
          if (b === QUOTE) {
            passedQuoted = true;
            state = State.Quoted;
          } else if (b !== separator) {
            state = State.Unquoted;
          }
          continue;
        case State.Unquoted:
          if (b === CR || b === LF) {
            recordBytes = 0;
            passedQuoted = false;
            state = State.FieldStart;
            continue;
          }
          if (recordBytes >= max) return false;
          recordBytes++;
          if (b === separator) state = State.FieldStart;
          continue;
        case State.Quoted:
          if (b === QUOTE) {
            state = State.QuoteSeen;
            continue;
          }
          if (recordBytes >= max) return false;
          recordBytes++;
          continue;
        case State.QuoteSeen:
          if (b === QUOTE) {
            if (recordBytes + 2 > max) return false;
            recordBytes += 2;
            state = State.Quoted;
            continue;
          }
          // The closing quote is passed on, then the byte is read again as in an unquoted field.
          if (recordBytes >= max) return false;
          recordBytes++;
          passedQuoted = false;
          state = State.Unquoted;
          i--;
          continue;
      }
    }
    if (state === State.QuoteSeen) return false;
    this.state = state;
    this.recordBytes = recordBytes;
    this.passedQuoted = passedQuoted;
    return true;
  }

  override _flush(done: TransformCallback): void {
    this.out = Buffer.allocUnsafe(128);
    this.at = 0;
    if (this.state === State.QuoteSeen) this.put(QUOTE, -1);
    this.endRecord(undefined);
    done(null, this.out.subarray(0, this.at));
  }

  private byte(b: number): void {
    switch (this.state) {
      case State.FieldStart:
        if (b === QUOTE) {
          this.put(b, 1);
          this.state = State.Quoted;
        } else if (b === CR || b === LF) {
          this.endRecord(b);
        } else {
          this.put(b, 0);
          if (b !== this.separator) this.state = State.Unquoted;
        }
        return;
      case State.Unquoted:
        if (b === CR || b === LF) {
          this.endRecord(b);
          this.state = State.FieldStart;
        } else {
          this.put(b, 0);
          if (b === this.separator) this.state = State.FieldStart;
        }
        return;
      case State.Quoted:
        if (b === QUOTE) this.state = State.QuoteSeen;
        else this.put(b, 0);
        return;
      case State.QuoteSeen:
        if (b === QUOTE) {
          // An escaped quote: both bytes or neither, so a cut never leaves half of one.
          if (!this.cut && this.recordBytes + 2 > this.maxBytes) this.startCut();
          this.put(QUOTE, 0);
          this.put(QUOTE, 0);
          this.state = State.Quoted;
          return;
        }
        this.put(QUOTE, -1);
        this.state = State.Unquoted;
        this.byte(b);
    }
  }

  /** Passes one byte of the record on, or drops it past the limit. `quoting`: +1 opens quotes, -1 closes them. */
  private put(b: number, quoting: 1 | 0 | -1): void {
    if (!this.cut && this.recordBytes >= this.maxBytes) this.startCut();
    if (this.cut) {
      if (quoting !== 0) return; // a field's quotes are not its content
      this.dropped++;
      if (b === LF) {
        if (!this.droppedCR) this.droppedBreaks++;
      } else if (b === CR) {
        this.droppedBreaks++;
      }
      this.droppedCR = b === CR;
      return;
    }
    this.outByte(b);
    this.recordBytes++;
    if (quoting === 1) this.passedQuoted = true;
    else if (quoting === -1) this.passedQuoted = false;
  }

  private startCut(): void {
    this.cut = true;
  }

  /** A line break outside quotes (or the end of the file): the marker for a cut record, then the break. */
  private endRecord(b: number | undefined): void {
    if (this.cut) {
      for (const c of Buffer.from(`\x00${this.token}:${this.dropped}:${this.droppedBreaks}\x00`, 'latin1')) this.outByte(c);
      if (this.passedQuoted) this.outByte(QUOTE);
    }
    this.cut = false;
    this.passedQuoted = false;
    this.dropped = 0;
    this.droppedBreaks = 0;
    this.droppedCR = false;
    this.recordBytes = 0;
    if (b !== undefined) this.outByte(b);
  }

  private outByte(b: number): void {
    if (this.at === this.out.length) {
      const grown = Buffer.allocUnsafe(this.out.length * 2 + 64);
      this.out.copy(grown, 0, 0, this.at);
      this.out = grown;
    }
    this.out[this.at++] = b;
  }
}
