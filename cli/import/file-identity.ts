// A file's content identity: its SHA-256, read as a stream before anything is sent. Event ids are
// derived from it (so the same file sends the same ids), and a checkpoint is only resumed against
// the file it was written for. Reading the file once more costs little next to the import
// (hashing runs at several hundred MB/s; sending runs at a few MB/s).
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

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
  // One buffer, read into again and again: no garbage for the GC to catch up with on a large file.
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const handle = await open(file, 'r');
  try {
    for (;;) {
      if (stop?.aborted) throw new StoppedBeforeSending('stopped while reading the file, before anything was sent');
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await handle.close();
  }
  const sha256 = hash.digest();
  return { sha256, sha256Hex: sha256.toString('hex'), bytes };
}
