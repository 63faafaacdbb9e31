// Background threads of the sandbox give way to the thread that answers people: on Linux a
// thread has its own nice value, so a worker thread can lower its own scheduling priority and,
// on a busy machine, the threads at the usual priority get the CPU first. Elsewhere the same
// call would renice the whole process, so it is not made there.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** Lowers the calling worker thread's priority by `niceness` (1-19); a no-op off Linux and on the main thread. */
export function lowerThreadPriority(niceness: number): void {
  if (process.platform !== 'linux' || isMainThread) return;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId !== process.pid) setPriority(threadId, niceness);
  } catch {
    // No /proc, or not allowed: the thread runs at the usual priority.
  }
}
