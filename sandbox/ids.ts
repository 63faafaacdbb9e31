// Identifiers the sandbox hands out, shaped like Customer.io's: cio_ids such as a3000001,
// ULID activity IDs, opaque delivery IDs, and numbers counted per kind of resource.
//
// Random IDs come from `randomBytes`, except inside `withIdSeed`: there they come from a stream
// seeded by the caller, and ULIDs take the caller's clock. The state file's journal records
// each change with its seed and clock (persistence/), so replaying it hands out the very same
// IDs: whatever changes the state takes its randomness from here, its time from the request.
import { createCipheriv, randomBytes } from 'node:crypto';
import type { State } from './state.js';

interface IdScope {
  ms: number;
  seed: Buffer;
  stream?: ReturnType<typeof createCipheriv>;
}

let scope: IdScope | undefined;

/** Runs `change` with random IDs drawn from `seed` (16 bytes) and ULIDs timed at `ms`. */
export function withIdSeed<T>(seed: Buffer, ms: number, change: () => T): T {
  const outer = scope;
  scope = { ms, seed };
  try {
    return change();
  } finally {
    scope = outer;
  }
}

/** Runs `work` with ordinary randomness, even inside withIdSeed (listeners whose IDs are not state). */
export function withoutIdSeed<T>(work: () => T): T {
  const outer = scope;
  scope = undefined;
  try {
    return work();
  } finally {
    scope = outer;
  }
}

function draw(size: number): Buffer {
  if (!scope) return randomBytes(size);
  // AES-128-CTR's keystream: a fast, deterministic, unpredictable stream for a random seed.
  scope.stream ??= createCipheriv('aes-128-ctr', scope.seed, Buffer.alloc(16));
  return scope.stream.update(Buffer.alloc(size));
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function nextNumber(state: State, kind: string, floor = 0): number {
  const next = Math.max(state.counters[kind] ?? 0, floor) + 1;
  state.counters[kind] = next;
  return next;
}

export function newCioId(state: State): string {
  return (0xa3000000 + nextNumber(state, 'person')).toString(16);
}

export function newCioObjectId(state: State): string {
  return `ob${(0x020100 + nextNumber(state, 'object')).toString(16).padStart(6, '0')}`;
}

export function ulid(ms = scope?.ms ?? Date.now()): string {
  let time = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  const random = [...draw(16)].map((byte) => CROCKFORD[byte % 32]).join('');
  return time + random;
}

export function newDeliveryId(): string {
  return draw(18).toString('base64url');
}

/** `bytes` random bytes as base64url: unguessable names (hosted files). */
export function randomToken(bytes: number): string {
  return draw(bytes).toString('base64url');
}

/** A version 4 UUID (Design Studio's IDs), from the same stream as every other random ID. */
export function uuid(): string {
  const bytes = draw(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
