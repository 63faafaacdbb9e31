// A file's content identity: its SHA-256, read as a stream before anything is sent. Event ids are
// derived from it (so the same file sends the same ids), and a checkpoint is only resumed against
// the file it was written for. Reading the file once more costs little next to the import
// (hashing runs at several hundred MB/s; sending runs at a few MB/s).
import { createHash } from 'node:crypto';
import { readAhead } from './read-ahead.js';

export interface FileIdentity {
  sha256: Buffer;
  sha256Hex: string;
  bytes: number;
}

/** Thrown when `stop` fires during the hash pass: nothing has been sent yet. */
export class StoppedBeforeSending extends Error {}

export async function fileIdentity(file: string, stop?: AbortSignal): Promise<FileIdentity> {
  const hash = createHash('sha256');
  let bytes = 0;
  // Two buffers read into again and again (no garbage for the GC to catch up with on a large
  // file), the next megabyte read while this one is hashed.
  const stopped = () => new StoppedBeforeSending('stopped while reading the file, before anything was sent');
  if (stop?.aborted) throw stopped();
  for await (const chunk of readAhead(file, { chunkBytes: 1024 * 1024 })) {
    if (stop?.aborted) throw stopped();
    hash.update(chunk);
    bytes += chunk.length;
  }
  const sha256 = hash.digest();
  return { sha256, sha256Hex: sha256.toString('hex'), bytes };
}
