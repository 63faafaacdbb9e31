// npm run gen:types — writes types/<connector>.ts from the operation definitions.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { generateTypeFiles } from './type-generation.js';

for (const [file, content] of await generateTypeFiles()) {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  console.log(`wrote ${relative(process.cwd(), file)}`);
}
