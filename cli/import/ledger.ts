// Which items are settled, and up to which line everything is. Batches are answered out of order
// (4 in flight), so the watermark is the line before the first item still open: every item
// before it was acknowledged by Customer.io or written to the failed file. Only the items after
// the watermark are held (the open batch and those in flight), so memory stays flat.
import { noCounts, type Counts } from './checkpoint.js';
import type { IdentifierColumn } from './operations.js';

export type Outcome = 'accepted' | 'failed' | 'possibly_processed';

/**
 * One item between being read and being settled. It is also what the bulk sender hands back with
 * every outcome (one object per item, not two), so it carries what a failed record needs.
 */
export interface Entry {
  line: number;
  identifiedBy: IdentifierColumn | undefined;
  /** Position among the file's items, and the item as read (for the failed file): itself, or what it is read again from (Row). */
  index: number;
  item: unknown;
  text: string | undefined;
  /** Where the item's line is in the file, -1 when it is not read again from there. */
  at: number;
  length: number;
  /** Whether the import gave the item an event id: the file's stable id for its line, made again when needed. */
  gaveId: boolean;
  /** Reported not accepted (failed, or possibly processed) by the bulk sender. */
  reported: boolean;
  /** Set once the item is settled (or interrupted: reported, but still open for the watermark). */
  outcome: Outcome | undefined;
  /** Settled for good; an item cut off by the interruption is reported but stays open, so --resume sends it again. */
  final: boolean;
}

function count(counts: Counts, entry: Entry, outcome: Outcome): void {
  counts.read++;
  counts[outcome]++;
  if (entry.identifiedBy) counts.identified_by[entry.identifiedBy] = (counts.identified_by[entry.identifiedBy] ?? 0) + 1;
}

export class SettlementLedger {
  /** Items on lines up to the watermark, this run's and earlier runs'. */
  readonly settledThrough: Counts;
  /** Every item this run reported, final or interrupted (what the summary adds up). */
  readonly thisRun: Counts = noCounts();
  private open: Entry[] = [];
  private head = 0;
  private lastLine: number;

  constructor(start: { watermarkLine: number; counts: Counts }) {
    this.lastLine = start.watermarkLine;
    this.settledThrough = structuredClone(start.counts);
  }

  /** The last line all of whose items are settled. */
  get watermarkLine(): number {
    const first = this.open[this.head];
    return first ? first.line - 1 : this.lastLine;
  }

  /** Items read and not settled for good. */
  get openItems(): number {
    return this.open.length - this.head;
  }

  add(line: number, identifiedBy: IdentifierColumn | undefined, index: number, item: unknown, text?: string, at = -1, length = 0, gaveId = false): Entry {
    const entry: Entry = { line, identifiedBy, index, item, text, at, length, gaveId, reported: false, outcome: undefined, final: false };
    this.open.push(entry);
    this.lastLine = line;
    return entry;
  }

  /** The item was acknowledged by Customer.io, or written to the failed file. */
  settle(entry: Entry, outcome: Outcome): void {
    if (entry.final) return;
    if (entry.outcome === undefined) count(this.thisRun, entry, outcome);
    entry.outcome = outcome;
    entry.final = true;
    this.advance();
  }

  /** The item's batch was cut off by the interruption: reported as `outcome`, sent again on --resume. */
  interrupt(entry: Entry, outcome: Outcome): void {
    if (entry.outcome !== undefined) return;
    entry.outcome = outcome;
    count(this.thisRun, entry, outcome);
  }

  private advance(): void {
    while (this.head < this.open.length && this.open[this.head]!.final) {
      const entry = this.open[this.head++]!;
      count(this.settledThrough, entry, entry.outcome!);
    }
    if (this.head > 1024 && this.head * 2 > this.open.length) {
      this.open = this.open.slice(this.head);
      this.head = 0;
    }
  }
}
