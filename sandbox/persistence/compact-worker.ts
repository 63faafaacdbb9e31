// Runs one compaction in its own worker thread (compactor.ts) and resolves with the size of the
// snapshot it wrote.
import { siblingModule, startModuleWorker } from '../module-worker.js';
import type { Segment } from './journal.js';

export interface CompactionJob {
  stateFile: string;
  segments: Segment[];
  /** The last seq the new snapshot holds (the last entry of the sealed segments). */
  upTo: number;
}

export type CompactionAnswer = { ok: true; bytes: number } | { ok: false; message: string };

export function compactInWorker(job: CompactionJob): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(siblingModule(import.meta.url, 'compactor'), { workerData: job });
    let answered = false;
    worker.once('message', (answer: CompactionAnswer) => {
      answered = true;
      if (answer.ok) resolve(answer.bytes);
      else reject(new Error(answer.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the compaction thread ended without an answer (exit code ${code})`));
    });
  });
}
