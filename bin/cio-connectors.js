#!/usr/bin/env node
// Runs the compiled CLI (built by `npm run build`, which `npm ci` and `npm install` run via prepare).
import { main } from '../dist/cli/main.js';

await main();
