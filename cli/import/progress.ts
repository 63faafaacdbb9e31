// The progress bar on stderr. It counts what Customer.io acknowledged (or what was refused before
// sending), never what is merely in flight, and shows items that may have been processed apart.

export interface ImportProgress {
  /** Items settled so far: accepted + failed + possibly_processed (earlier runs' included on --resume). */
  done: number;
  accepted: number;
  failed: number;
  /** Items of batches whose answer never came. */
  possibly_processed: number;
  /** Items read from the file so far, and the bytes behind them. */
  read: number;
  bytes_read: number;
  file_bytes: number;
}

/** Where the progress bar goes: a TTY gets a redrawn bar, anything else a line every ~2 s. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/** Draws progress from the state it is handed: a bar redrawn in place on a TTY, or plain lines. */
export class ProgressBar {
  private timer: NodeJS.Timeout | undefined;
  private readonly started = performance.now();
  /** Items settled before this run (a resumed import starts part way): items/s counts from here. */
  private readonly doneBefore: number;

  constructor(
    private readonly out: ProgressStream,
    private readonly state: () => ImportProgress,
    private readonly intervalMs = out.isTTY ? 200 : 2000,
  ) {
    this.doneBefore = state().done;
  }

  start(): void {
    this.timer = setInterval(() => this.draw(), this.intervalMs);
    this.timer.unref();
  }

  /**
   * One progress text: share of the file read, items answered (accepted or failed) and the
   * estimated total, items/s, ETA, then the failed and possibly processed ones. `end` is
   * 'done' at the end of the file, 'interrupted' when the import stopped part way.
   */
  text(end?: 'done' | 'interrupted'): string {
    const p = this.state();
    const elapsed = (performance.now() - this.started) / 1000;
    // The share of the file read stands for the share of items: their total is known only at the end.
    const share = end === 'done' || p.file_bytes === 0 ? 1 : Math.min(1, p.bytes_read / p.file_bytes);
    const answered = p.accepted + p.failed;
    const perSecond = elapsed > 0 ? (p.done - this.doneBefore) / elapsed : 0;
    const estimate = end === 'done' ? p.read : p.bytes_read > 0 ? p.read / share : NaN;
    const total = Number.isFinite(estimate) ? `${end === 'done' ? '' : '~'}${count(estimate)}` : '?';
    const time = end ? `in ${duration(elapsed)}` : `ETA ${duration(share > 0 ? (elapsed * (1 - share)) / share : Infinity)}`;
    const failed = `${p.failed ? `, ${count(p.failed)} failed` : ''}${p.possibly_processed ? `, ${count(p.possibly_processed)} possibly processed` : ''}`;
    const pct = `${(share * 100).toFixed(1).padStart(5)}%`;
    const stopped = end === 'interrupted' ? ' (interrupted)' : '';
    if (!this.out.isTTY) return `import: ${pct} ${count(answered)}/${total} items, ${count(perSecond)} items/s, ${time}${failed}${stopped}`;
    const width = 24;
    const filled = Math.round(share * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct} ${count(answered)}/${total} · ${count(perSecond)} items/s · ${time}${failed}${stopped}`;
  }

  draw(end?: 'done' | 'interrupted'): void {
    this.out.write(this.out.isTTY ? `\r${this.text(end)}\x1b[K${end ? '\n' : ''}` : `${this.text(end)}\n`);
  }

  stop(end: 'done' | 'interrupted' = 'done'): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.draw(end);
  }
}
