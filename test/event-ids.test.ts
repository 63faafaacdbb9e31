// Event ids: ULIDs from a pooled CSPRNG. They must stay unique, well formed and in creation order
// across many milliseconds, well past the point where the 4 KB random pool is refilled.
import { describe, expect, it } from '@jest/globals';
import { newEventId } from '../runtime/plan/event-ids.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('event ids', () => {
  it('are unique, ULID-shaped and ordered, with fresh randomness each millisecond (past several pool refills)', () => {
    const ids: string[] = [];
    let last = Date.now();
    // 600 distinct milliseconds draw 600 × 16 random bytes: the 4 KB pool is refilled twice.
    for (let ms = 0; ms < 600; ms++) {
      while (Date.now() === last) { /* wait for the next millisecond */ }
      last = Date.now();
      ids.push(newEventId(), newEventId());
    }
    expect(ids.every((id) => ULID.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The first id of each millisecond carries new random bits: no random part repeats.
    const randomParts = ids.filter((_, i) => i % 2 === 0).map((id) => id.slice(10));
    expect(new Set(randomParts).size).toBe(randomParts.length);
  });
});
