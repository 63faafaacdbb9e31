// npm run docs — writes docs/operations/<connector>.md and the counts table in README.md.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { packageRoot } from '../runtime/loader.js';
import { generateDocFiles, operationCounts, withCounts } from './docs-generation.js';

for (const [file, content] of generateDocFiles()) {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  console.log(`wrote ${relative(process.cwd(), file)}`);
}
const readme = join(packageRoot(), 'README.md');
await writeFile(readme, withCounts(await readFile(readme, 'utf8'), operationCounts()));
console.log('updated README.md counts');
