// A file's content identity: its SHA-256, read as a stream before anything is sent. Event ids are
// derived from it (so the same file sends the same ids), and a checkpoint is only resumed against
// the file it was written for. Reading the file once more costs little next to the import
// (hashing runs at several hundred MB/s; sending runs at a few MB/s).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

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
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (stop?.aborted) throw new StoppedBeforeSending('stopped while reading the file, before anything was sent');
      hash.update(chunk);
      bytes += chunk.length;
    }
  } finally {
    stream.destroy();
  }
  const sha256 = hash.digest();
  return { sha256, sha256Hex: sha256.toString('hex'), bytes };
}
