// Reading request bodies without letting uploads decide how much memory the sandbox holds:
// every body reserves its size from one budget before its first byte is read (its declared
// Content-Length, or its route's cap when it is chunked), waits in a short queue when the
// budget is taken, and gives the reservation back when reading ends, however it ends. A body
// that stalls, trickles or passes its cap stops being read at once. The server decides, before
// any of this, that the request is authorised and addressed to a route that takes a body.
import type { IncomingMessage } from 'node:http';

/** Why a body was not read; the server answers with `status` and closes the connection. */
export class UploadRefused extends Error {
  constructor(readonly status: 408 | 413 | 503, message: string, readonly retryAfterS?: number) {
    super(message);
  }
}

/** The client went away mid-body: there is nobody to answer. */
export class UploadAborted extends Error {}

interface Waiter {
  bytes: number;
  admit(release: () => void): void;
}

/** A byte budget shared by the uploads in progress, handed out first come, first served. */
export class UploadGate {
  private inUse = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly budget: number, private readonly maxWaiting: number, private readonly waitMs: number) {}

  /** Bytes reserved by uploads being read now. */
  get reserved(): number {
    return this.inUse;
  }

  /**
   * Resolves with a release function once `bytes` (at most the whole budget) are reserved;
   * `gone` gives up the place in the queue (the client disconnected while waiting).
   */
  reserve(bytes: number, gone?: AbortSignal): Promise<() => void> {
    const wanted = Math.min(bytes, this.budget);
    if (gone?.aborted) return Promise.reject(new UploadAborted('the client closed the connection before its upload began'));
    if (this.waiting.length === 0 && this.inUse + wanted <= this.budget) return Promise.resolve(this.take(wanted));
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new UploadRefused(503, `${this.maxWaiting} uploads already wait for room in the sandbox's ${this.budget}-byte upload budget; send this again shortly`, 1));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes: wanted,
        admit: (release) => {
          clearTimeout(timer);
          gone?.removeEventListener('abort', onGone);
          resolve(release);
        },
      };
      const leave = (error: Error) => {
        clearTimeout(timer);
        gone?.removeEventListener('abort', onGone);
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(error);
        // Whoever waited behind this one may fit now.
        this.admitWaiting();
      };
      const onGone = () => leave(new UploadAborted('the client closed the connection while its upload waited'));
      const timer = setTimeout(() => {
        leave(new UploadRefused(503, `no room to read this body within ${this.waitMs} ms (other uploads hold the sandbox's ${this.budget}-byte budget); send it again shortly`, 1));
      }, this.waitMs);
      gone?.addEventListener('abort', onGone, { once: true });
      this.waiting.push(waiter);
    });
  }

  private take(bytes: number): () => void {
    this.inUse += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= bytes;
      this.admitWaiting();
    };
  }

  /**
   * Admits waiters in order while the first one fits (strict order, so a large body is not
   * starved by small ones); the reservation is taken here, before the waiter resumes.
   */
  private admitWaiting(): void {
    while (this.waiting.length && this.inUse + this.waiting[0].bytes <= this.budget) {
      const next = this.waiting.shift()!;
      next.admit(this.take(next.bytes));
    }
  }
}

export interface ReadRules {
  cap: number;
  idleMs: number;
  totalMs: number;
}

/**
 * The body's bytes. Refused with 413 once more than `cap` bytes arrive (nothing past the cap is
 * kept), 408 when no byte arrives for `idleMs` or the whole body takes longer than `totalMs`.
 * On refusal the request is left paused: the server answers and closes the connection.
 */
export function readBody(req: IncomingMessage, rules: ReadRules): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let idle: NodeJS.Timeout;
    const finish = (error?: Error) => {
      clearTimeout(idle);
      clearTimeout(total);
      req.off('data', onData).off('end', onEnd).off('aborted', onAborted).off('error', onAborted).off('close', onClose);
      if (error) {
        req.pause();
        chunks.length = 0;
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const stalled = () => finish(new UploadRefused(408, `the request body stalled: no bytes arrived for ${rules.idleMs} ms`));
    const total = setTimeout(() => finish(new UploadRefused(408, `the request body did not arrive within ${rules.totalMs} ms`)), rules.totalMs);
    idle = setTimeout(stalled, rules.idleMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > rules.cap) return finish(new UploadRefused(413, `the request body is larger than ${rules.cap} bytes`));
      chunks.push(chunk);
      clearTimeout(idle);
      idle = setTimeout(stalled, rules.idleMs);
    };
    const onEnd = () => finish();
    const onAborted = () => finish(new UploadAborted('the client closed the connection before its body arrived'));
    // 'close' before 'end' is a client that went away (Node 20 may not emit 'aborted').
    const onClose = () => {
      if (!req.complete) onAborted();
    };
    req.on('data', onData).on('end', onEnd).on('aborted', onAborted).on('error', onAborted).on('close', onClose);
  });
}
