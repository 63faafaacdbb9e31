// The cio-connectors CLI run from its TypeScript sources (`node --import tsx test/import-cli-entry.ts …`),
// so the interruption tests spawn the real process without a build.
import { main } from '../cli/main.js';

await main();
