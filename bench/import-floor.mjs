// The floor an import is compared with, run in a fresh process by bench/bulk-import.ts: what the
// data itself costs to read, parse and serialise again, with nothing else. NDJSON: the file read
// in 1 MB chunks, cut into lines, each line JSON.parse'd and JSON.stringify'd. CSV: csv-parse's
// records (no options), each JSON.stringify'd. Prints items, serialised bytes and times as JSON.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const [file] = process.argv.slice(2);
const started = performance.now();
let items = 0;
let bytes = 0;
if (file.endsWith('.csv')) {
  let header = true;
  for await (const record of createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parse())) {
    if (header) {
      header = false;
      continue;
    }
    bytes += JSON.stringify(record).length;
    items++;
  }
} else {
  let rest = '';
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = rest + chunk.toString('utf8');
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (end > start) {
        bytes += JSON.stringify(JSON.parse(text.slice(start, end))).length;
        items++;
      }
      start = end + 1;
    }
    rest = text.slice(start);
  }
}
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({
  items, bytes, ms: performance.now() - started, cpu_ms: (cpu.user + cpu.system) / 1000,
  max_rss_mb: process.resourceUsage().maxRSS / 1024,
}));
