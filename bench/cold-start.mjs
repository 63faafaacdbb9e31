// Run in a fresh process by bench/run.ts: load the package as a host does (its published entry,
// dist/runtime.bundle.js), describe every connector, execute the first operation against the
// bench server, and report the times and the RSS.
const origin = process.argv[2];
const t0 = performance.now();
const { loadConnectors } = await import('customerio-tray-connectors');
const registry = await loadConnectors({ rateLimiter: false });
const loaded = performance.now();
for (const { name } of registry.list()) registry.describe(name);
const described = performance.now();
const result = await registry.execute({
  connector: 'customer-io', operation: 'create_or_update_customer',
  auth: { site_id: 'site-bench', api_key: 'key-bench', region: 'us' },
  input: { identifier: '1', email: 'p1@example.com' }, options: { origin },
});
const executed = performance.now();
if (!result.ok) throw new Error(JSON.stringify(result.error));
process.stdout.write(JSON.stringify({
  node_start_ms: t0, load_ms: loaded - t0, describe_ms: described - loaded, first_execute_ms: executed - described,
  package_ms: executed - t0, rss_mb: process.memoryUsage().rss / 1024 / 1024,
}));
