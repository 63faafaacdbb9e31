// Event ids that are the same every time a file is imported: 128 bits of SHA-256(file hash, line)
// written as Crockford base32, the alphabet and length of a ULID. Customer.io deduplicates events
// by id, so a resumed or repeated import, or the failed file imported again, records nothing twice.
//
// 128 bits make 26 base32 characters with two leading zero bits, so the first character is 0-7:
// a valid ULID timestamp, as `^[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}$` (schemas/defs.schema.json
// $defs.event_id) and Customer.io's ULID parsing both require. ulid's `uuidToULID` encodes the same
// way (test/import-ids.test.ts holds them equal); it is not used here because its string round
// trip costs 3 µs an event, more than the hash.
import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 16 bytes as 26 Crockford base32 characters, most significant first. */
export function crockford128(bytes: Uint8Array): string {
  let text = '';
  let bits = 2; // two zero bits in front: 130 bits, 26 characters, the first one 0-7
  let value = 0;
  for (let i = 0; i < 16; i++) {
    value = (value << 8) | bytes[i]!;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += CROCKFORD[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return text;
}

/** The id of the event that starts on `line` of the file whose SHA-256 is `fileSha256`. */
export function stableEventId(fileSha256: Uint8Array, line: number): string {
  return crockford128(createHash('sha256').update(fileSha256).update(`:${line}`).digest());
}
