// Replaying the journal: each entry with the seed and clock it first ran with (ids.ts), in seq
// order, onto a state that holds every change before it. Used on start (store.ts) and by the
// compaction worker (compactor.ts).
import { withIdSeed } from '../ids.js';
import type { State } from '../state.js';
import type { Route } from '../router.js';
import { applyCommand, type Command } from './commands.js';
import { readSegment, type JournalEntry, type Segment } from './journal.js';

/** Replays one journal entry (its seed and clock, then the command). */
export function replayEntry(state: State, entry: JournalEntry, routes: Map<string, Route>): ReturnType<typeof applyCommand> {
  return withIdSeed(Buffer.from(entry.seed, 'base64'), entry.ms, () => applyCommand(state, entry as unknown as Command & JournalEntry, routes));
}

/** Applies the entries of `segments` newer than `seq` in order; returns the new seq and counts. */
export function replaySegments(state: State, seq: number, segments: readonly Segment[], routes: Map<string, Route>, upTo = Infinity) {
  let replayed = 0;
  let unknownRoutes = 0;
  for (const segment of segments) {
    for (const entry of readSegment(segment.file)) {
      if (entry.seq <= seq) continue;
      if (entry.seq > upTo) return { seq, replayed, unknownRoutes };
      if (entry.seq !== seq + 1) throw new Error(`the sandbox journal skips from change ${seq} to ${entry.seq} in ${segment.file}: a segment is missing`);
      if (replayEntry(state, entry, routes) === 'unknown_route') unknownRoutes++;
      seq = entry.seq;
      replayed++;
    }
  }
  return { seq, replayed, unknownRoutes };
}
