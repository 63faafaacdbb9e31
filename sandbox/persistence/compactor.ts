// The compaction worker (store.ts starts it through compact-worker.ts): in a thread of its own,
// it reads the state file's snapshot, replays the sealed journal segments onto it through the
// same routes the sandbox runs, and writes the new snapshot, so the serving thread never
// serialises the whole state. It answers with the new snapshot's size, or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { routes } from '../routes/index.js';
import { emptyState } from '../state.js';
import { routesByKey } from './commands.js';
import type { CompactionAnswer, CompactionJob } from './compact-worker.js';
import { replaySegments } from './replay.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import { lowerThreadPriority } from '../thread-priority.js';

// Compaction is background work: on a busy machine the sandbox's thread, which answers
// requests, gets the CPU first.
lowerThreadPriority(19);
const job = workerData as CompactionJob;
let answer: CompactionAnswer;
try {
  const snapshot = readSnapshot(job.stateFile);
  const state = snapshot?.state ?? emptyState();
  const replay = replaySegments(state, snapshot?.seq ?? 0, job.segments, routesByKey(routes), job.upTo);
  if (replay.seq !== job.upTo) throw new Error(`the journal ends at change ${replay.seq}, not ${job.upTo}`);
  answer = { ok: true, bytes: writeSnapshot(job.stateFile, state, replay.seq) };
} catch (error) {
  answer = { ok: false, message: (error as Error)?.message ?? String(error) };
}
parentPort!.postMessage(answer);
