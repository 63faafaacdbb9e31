// CsvRecordGuard passes a chunk on uncopied when no record in it reaches the limit, following the
// quoting with a loop of its own (and whole unquoted lines with indexOf). Whatever the text and
// however it is cut into chunks, what comes out must be what the byte-by-byte path gives: the
// same bytes, the same records cut at the same places.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CsvRecordGuard } from '../cli/import/csv-record-guard.js';

/** Everything the guard passes on for `text` fed in `cuts` pieces; `fast: false` turns the whole-chunk path off. */
async function through(text: Buffer, cuts: number[], maxBytes: number, delimiter: string, fast: boolean): Promise<string> {
  const guard = new CsvRecordGuard(maxBytes, delimiter);
  if (!fast) (guard as unknown as { passes: () => boolean }).passes = () => false;
  const out: Buffer[] = [];
  guard.on('data', (chunk: Buffer) => out.push(Buffer.from(chunk)));
  const ended = new Promise((resolve) => guard.on('end', resolve));
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < text.length)].sort((a, b) => a - b)) {
    guard.write(text.subarray(at, cut));
    at = cut;
  }
  guard.end(text.subarray(at));
  await ended;
  // The marker's token is drawn per guard: compare with it written the same way.
  return Buffer.concat(out).toString('latin1').replace(/cio-cut-[0-9a-f]+:/g, 'cut:');
}

describe('CsvRecordGuard', () => {
  it('passes on what the byte-by-byte path does, for any text, chunking, limit and delimiter', async () => {
    const text = fc.array(fc.constantFrom('a', 'bc', ',', ';', '"', '""', '\r', '\n', '\r\n', 'é', 'xyz'), { maxLength: 80 }).map((parts) => Buffer.from(parts.join('')));
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(200), { maxLength: 6 }), fc.integer({ min: 1, max: 24 }), fc.constantFrom(',', ';'), async (bytes, cuts, maxBytes, delimiter) => {
        expect(await through(bytes, cuts, maxBytes, delimiter, true)).toBe(await through(bytes, cuts, maxBytes, delimiter, false));
      }),
      { seed: 16, numRuns: 1500 },
    );
  });
});
