// The state file as the sandbox uses it: a snapshot (snapshot.ts) and a journal of the changes
// made since (journal.ts, commands.ts).
//
// - Start: read the snapshot, replay the journal's newer entries, write a fresh snapshot if
//   anything was replayed, delete the journal, start a new segment.
// - Each change: run it with a fresh seed, append one line (a write(2) of that line only, not of
//   the whole state), answer once it is durable (store.durable()). Reads never touch the file.
// - Compaction, once the journal has grown past max(compactAfterBytes, the snapshot's size):
//   a new segment takes the appends, and a worker thread (compactor.ts) replays the sealed
//   segments onto the snapshot and writes the new one; then the sealed segments are deleted.
//   The sandbox's own thread never serialises the whole state while it serves.
// - Close: a last snapshot, and the journal is deleted.
//
// A crash at any point leaves a snapshot and the segments it lacks: every entry carries its
// seq and the snapshot the last seq it holds, so nothing is applied twice or skipped.
import { randomBytes } from 'node:crypto';
import { withIdSeed } from '../ids.js';
import { emptyState, type State } from '../state.js';
import { routesByKey, type Command, type RouteTables } from './commands.js';
import { compactInWorker } from './compact-worker.js';
import { listSegments, removeSegments, SegmentWriter, type JournalEntry, type Segment } from './journal.js';
import { replaySegments } from './replay.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';

export type Durability = 'os' | 'fsync';

export interface StoreOptions {
  stateFile: string;
  /**
   * When a change counts as saved (and is answered): `os` once the operating system has the
   * journal line (survives the sandbox being killed, not the machine going down); `fsync` once
   * it is on disk (survives a power cut; costs an fsync per group of changes).
   */
  durability?: Durability;
  /** Compact once the journal holds this many bytes, or the snapshot's size if larger (default 16 MiB). */
  compactAfterBytes?: number;
  /** The routes journaled requests are replayed through. */
  routes: RouteTables;
  /** The state to start from when there is no state file yet. */
  initial(): State;
  /** Changes made on start outside any request (the region option); true when it changed something. */
  adjust?(state: State): boolean;
  /** Where compaction failures are reported (default stderr). */
  warn?(message: string): void;
}

export interface StoreStats {
  seq: number;
  journal_bytes: number;
  snapshot_bytes: number;
  replayed_on_start: number;
  compactions: number;
}

/**
 * What a state file holds now: its snapshot with the journal replayed onto it. Reads only (it
 * writes nothing), so it can look at the files of a sandbox that is running or was killed.
 */
export function readStateFile(stateFile: string, routes: RouteTables, initial: () => State = emptyState) {
  const snapshot = readSnapshot(stateFile);
  const state = snapshot?.state ?? initial();
  const segments = listSegments(stateFile);
  const replay = replaySegments(state, snapshot?.seq ?? 0, segments, routesByKey(routes));
  return { state, snapshot, segments, ...replay };
}

export class StateStore {
  readonly state: State;
  private seq: number;
  private writer: SegmentWriter;
  /** Segments closed for appends whose entries no snapshot holds yet. */
  private sealed: Segment[] = [];
  /** fsync mode: the last fsync of a segment just sealed (its changes are answered after it). */
  private sealing?: Promise<void>;
  private compacting?: Promise<void>;
  private retryCompactionAt = 0;
  private snapshotBytes: number;
  private compactions = 0;
  private readonly replayedOnStart: number;
  private failure?: Error;
  private closed = false;
  private readonly durability: Durability;
  private readonly compactAfter: number;
  private readonly warn: (message: string) => void;

  constructor(private readonly options: StoreOptions) {
    const { stateFile } = options;
    this.durability = options.durability ?? 'os';
    this.compactAfter = options.compactAfterBytes ?? 16 * 1024 * 1024;
    this.warn = options.warn ?? ((message) => process.stderr.write(`sandbox: ${message}\n`));
    const { state, snapshot, segments, ...replay } = readStateFile(stateFile, options.routes, options.initial);
    if (replay.unknownRoutes > 0) this.warn(`${replay.unknownRoutes} journaled requests name routes this sandbox no longer serves; they were skipped`);
    const adjusted = options.adjust?.(state) ?? false;
    this.state = state;
    this.seq = replay.seq;
    this.replayedOnStart = replay.replayed;
    this.snapshotBytes = snapshot?.bytes ?? 0;
    // Starting is the one time the whole state may be written on this thread: nothing is served yet.
    if (!snapshot || replay.replayed > 0 || adjusted) this.snapshotBytes = writeSnapshot(stateFile, state, this.seq);
    removeSegments(segments);
    this.writer = new SegmentWriter(stateFile, this.seq + 1, this.durability === 'fsync');
  }

  /** Runs a change with a fresh seed and journals it; throws (and changes nothing) once the journal has failed. */
  readonly run = <T>(command: Command, apply: () => T): T => {
    if (this.failure) throw new Error(`the sandbox could not write its journal (${this.failure.message}), so it takes no more changes; restart it to reload ${this.options.stateFile}`);
    if (this.closed) throw new Error('the sandbox is closing');
    const seed = randomBytes(16);
    const ms = Date.now();
    try {
      return withIdSeed(seed, ms, apply);
    } finally {
      this.append({ seq: this.seq + 1, ms, seed: seed.toString('base64'), ...command });
    }
  };

  /** Resolves once every change run so far is durable (undefined: already is). */
  durable(): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    const current = this.writer.durable();
    return this.sealing && current ? Promise.all([this.sealing, current]).then(() => undefined) : current ?? this.sealing;
  }

  stats(): StoreStats {
    return { seq: this.seq, journal_bytes: this.writer.bytes, snapshot_bytes: this.snapshotBytes, replayed_on_start: this.replayedOnStart, compactions: this.compactions };
  }

  /** Waits for a compaction in flight, writes the last snapshot and deletes the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.compacting;
    await this.sealing?.catch(() => undefined);
    this.writer.close();
    this.snapshotBytes = writeSnapshot(this.options.stateFile, this.state, this.seq);
    removeSegments([...this.sealed, { file: this.writer.file, first: this.writer.first }]);
    this.sealed = [];
  }

  /** Compacts now (a test's or the benchmark's way to see one happen); resolves when it is done. */
  compact(): Promise<void> {
    this.startCompaction(true);
    return this.compacting ?? Promise.resolve();
  }

  private append(entry: JournalEntry): void {
    try {
      this.writer.appendSync(entry);
    } catch (error) {
      this.failure = error as Error;
      throw error;
    }
    this.seq = entry.seq;
    if (this.writer.bytes >= Math.max(this.compactAfter, this.snapshotBytes)) this.startCompaction(false);
  }

  private startCompaction(now: boolean): void {
    if (this.compacting || this.closed || this.failure || (!now && Date.now() < this.retryCompactionAt)) return;
    if (this.writer.bytes === 0 && this.sealed.length === 0) return;
    // Appends go to a new segment from here; the compactor reads only sealed ones.
    const full = this.writer;
    this.writer = new SegmentWriter(this.options.stateFile, this.seq + 1, this.durability === 'fsync');
    this.sealed.push({ file: full.file, first: full.first });
    if (this.durability === 'fsync') {
      const sealing: Promise<void> = full.closeAfterSync().then(
        () => {
          if (this.sealing === sealing) this.sealing = undefined;
        },
        (error: unknown) => {
          // Whether its last changes reached the disk is unknown: answer no more changes.
          this.failure = error as Error;
          throw error;
        },
      );
      this.sealing = sealing;
    } else {
      full.close();
    }
    const segments = [...this.sealed];
    const upTo = this.seq;
    this.compacting = compactInWorker({ stateFile: this.options.stateFile, segments, upTo })
      .then((bytes) => {
        removeSegments(segments);
        this.sealed = this.sealed.filter((s) => !segments.includes(s));
        this.snapshotBytes = bytes;
        this.compactions++;
      })
      .catch((error: unknown) => {
        // The journal still holds every change: nothing is lost, the next start replays it.
        this.retryCompactionAt = Date.now() + 60_000;
        this.warn(`compacting ${this.options.stateFile} failed (${(error as Error)?.message ?? String(error)}); the journal keeps growing until it succeeds`);
      })
      .finally(() => {
        this.compacting = undefined;
      });
  }
}
