// The state file itself: the whole workspace as JSON, plus the seq of the last journaled change
// it holds (`_journal.seq`), so that the journal's older entries are never applied twice. It is
// written whole (temporary file, fsync, rename over the old one, fsync of the directory), so a
// crash at any moment leaves the old file or the new one, never half of one. A file written
// before the journal existed (no `_journal`) is a snapshot at seq 0.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { emptyState, type State } from '../state.js';
import { syncDirectory } from './journal.js';

export interface Snapshot {
  state: State;
  /** The last journaled change the state includes. */
  seq: number;
  bytes: number;
}

/** The snapshot in `file`, or undefined when there is no such file yet. */
export function readSnapshot(file: string): Snapshot | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`the sandbox state file ${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!parsed || typeof parsed !== 'object' || (parsed as State).version !== 1 || !Array.isArray((parsed as State).people)) {
    throw new Error(`the sandbox state file ${file} is not a sandbox state (version 1)`);
  }
  const { _journal: journal, ...saved } = parsed as State & { _journal?: { seq?: unknown } };
  const seq = typeof journal?.seq === 'number' ? journal.seq : 0;
  // Fields added after the file was written start empty.
  return { state: { ...emptyState(), ...saved }, seq, bytes: Buffer.byteLength(text) };
}

/** Writes the snapshot atomically and durably; returns its size in bytes. */
export function writeSnapshot(file: string, state: State, seq: number): number {
  const text = Buffer.from(JSON.stringify({ ...state, _journal: { seq } }));
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    let written = 0;
    while (written < text.length) written += writeSync(fd, text, written, text.length - written);
    // Before the rename: a file renamed into place must never turn out empty after a power cut.
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, file);
  syncDirectory(dirname(file));
  return text.length;
}
