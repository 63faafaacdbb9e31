// The committed operations reference and README counts must match today's definitions.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../runtime/loader.js';
import { generateDocFiles, operationCounts, withCounts } from '../scripts/docs-generation.js';

describe('generated docs', () => {
  it.each([...generateDocFiles()].map(([file, content]) => [file.slice(packageRoot().length + 1), file, content] as const))(
    '%s is fresh (run `npm run docs` and commit when this fails)',
    (_name, file, content) => {
      expect(existsSync(file) ? readFileSync(file, 'utf8') : '(missing)').toBe(content);
    },
  );

  it('README shows the current operation counts and links each reference', () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    expect(readme).toBe(withCounts(readme, operationCounts()));
  });
});
