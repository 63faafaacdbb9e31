// npm run gen:triggers — writes schemas/reporting-events.schema.json from Customer.io's
// reporting-webhooks OpenAPI document, and says how the document and the App API's event list differ.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../runtime/loader.js';
import { appEventEnum } from './reporting-events-catalog.js';
import { generateReportingEvents, renderReportingEvents, REPORTING_EVENTS_FILE, reportingWebhooksDocument } from './trigger-events-generation.js';

const root = packageRoot();
const source = reportingWebhooksDocument(root);
if (!existsSync(source)) {
  console.error(`${source} is absent: the event schemas are made from it`);
  process.exit(1);
}
const { schema, kinds, report } = generateReportingEvents(JSON.parse(readFileSync(source, 'utf8')), appEventEnum(root));
const target = join(root, REPORTING_EVENTS_FILE);
writeFileSync(target, renderReportingEvents(schema));
const types = new Set(kinds.map((k) => k.objectType));
console.log(`wrote ${relative(process.cwd(), target)}: ${kinds.length} event kinds of ${types.size} object types, and ${types.size} generic branches`);
for (const line of report) console.log(`- ${line}`);
