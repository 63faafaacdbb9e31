// The small HTTP vocabulary of the reference host's server: its one error type, JSON answers,
// and the two ways it reads a body (the page's JSON; a webhook's bytes, exactly as they came).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonObject, type JsonTextError } from '../cli/json-text.js';

/** A request the host refuses: answered with this status and `{ error: message }`. */
export class HttpProblem extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const MAX_JSON_BODY_BYTES = 5 * 1024 * 1024;

export function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)), ...headers });
  response.end(body);
}

export async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  return parseJsonBody((await readJsonBytes(request)).toString('utf8'));
}

/** A JSON body's bytes, not parsed yet (the execute thread parses its own). */
export async function readJsonBytes(request: IncomingMessage): Promise<Buffer> {
  // A JSON content type makes a cross-site form or fetch need a CORS preflight, which this server never grants.
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpProblem(415, 'send application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY_BYTES) throw new HttpProblem(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJsonBody(text: string): Record<string, unknown> {
  try {
    return parseJsonObject(text);
  } catch (error) {
    // Says where the JSON broke, never what it held: the body carries credentials.
    throw new HttpProblem(400, `the request body ${(error as JsonTextError).message}`);
  }
}

/**
 * The body's bytes as received, untouched (a webhook's signature covers them exactly), reading
 * at most `cap + 1` bytes: one byte past the cap is enough for the caller to know it is too
 * large, and the rest is never held in memory.
 */
export function readRawBody(request: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      request.off('data', onData).off('end', done).off('error', reject);
      resolve(Buffer.concat(chunks));
    };
    const onData = (bytes: Buffer) => {
      const room = cap + 1 - size;
      chunks.push(bytes.length > room ? bytes.subarray(0, room) : bytes);
      size += Math.min(bytes.length, room);
      if (size > cap) {
        // Stop here without destroying the request: the answer (413) still has to go out.
        request.pause();
        done();
      }
    };
    request.on('data', onData).on('end', done).on('error', reject);
  });
}

export function objectField(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = body[key] ?? {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpProblem(400, `"${key}" must be an object`);
  return value as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new HttpProblem(400, `"${key}" must be a non-empty string`);
  return value;
}
