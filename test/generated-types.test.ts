// The committed types/ files must be what `npm run gen:types` makes from today's definitions.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { packageRoot } from '../runtime/loader.js';
import { generateTypeFiles } from '../scripts/type-generation.js';

describe('generated types', () => {
  it('are fresh: run `npm run gen:types` and commit the result when this fails', async () => {
    for (const [file, expected] of await generateTypeFiles()) {
      let committed: string;
      try {
        committed = readFileSync(file, 'utf8');
      } catch {
        committed = `(missing ${relative(packageRoot(), file)})`;
      }
      expect(committed).toBe(expected);
    }
  }, 30_000);
});
