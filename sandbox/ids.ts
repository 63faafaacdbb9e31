// Identifiers the sandbox hands out, shaped like Customer.io's: cio_ids such as a3000001,
// ULID activity IDs, opaque delivery IDs, and numbers counted per kind of resource.
import { randomBytes } from 'node:crypto';
import type { State } from './state.js';

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

export function ulid(ms = Date.now()): string {
  let time = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  const random = [...randomBytes(16)].map((byte) => CROCKFORD[byte % 32]).join('');
  return time + random;
}

export function newDeliveryId(): string {
  return randomBytes(18).toString('base64url');
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
