// Run in a fresh process by bench/run.ts: RSS after loading the package (its published entry)
// and every connector, and readying the validator of every operation and every auth schema.
// Each operation then dry-runs its first example through the public host API, so its validator
// has checked one valid input and V8 has compiled its code as it would have after real use; an
// invalid input would also compile the error-collecting validator, which only failing calls need.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The examples, from the build's prebuilt definitions beside the package entry: only their
// inputs are kept, and read before anything is measured.
const prebuilt = JSON.parse(readFileSync(fileURLToPath(new URL('definitions.json', import.meta.resolve('customerio-tray-connectors'))), 'utf8'));
// Triggers are not executed (execute() refuses them: Customer.io's events start them), so their
// validators are not readied here.
const examples = prebuilt.connectors.flatMap((connector) =>
  connector.loaded_operations.filter((operation) => operation.type !== 'trigger').map((operation) => [connector.name, operation.name, operation.examples?.[0]?.input ?? {}]));
prebuilt.connectors = undefined;

const { loadConnectors } = await import('customerio-tray-connectors');
const registry = await loadConnectors({ rateLimiter: false });
globalThis.gc?.();
const before = process.memoryUsage().rss;
const AUTH = {
  'customer-io': { site_id: 'site-bench', api_key: 'key-bench', region: 'us' },
  'customer-io-trigger': { api_key: 'app-key-bench', signing_key: 'signing-key-bench', region: 'us' },
};
const APP_AUTH = { api_key: 'app-key-bench', region: 'us' };
let compiled = 0;
for (const [connector, operation, input] of examples) {
  const result = await registry.execute({ connector, operation, auth: AUTH[connector] ?? APP_AUTH, input, options: { dryRun: true } });
  if (!result.ok) throw new Error(`${connector} ${operation}: example refused: ${result.error.message}`);
  compiled++;
}
globalThis.gc?.();
process.stdout.write(JSON.stringify({ operations: compiled, rss_loaded_mb: before / 1024 / 1024, rss_all_compiled_mb: process.memoryUsage().rss / 1024 / 1024 }));
