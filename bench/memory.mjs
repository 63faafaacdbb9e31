// Run in a fresh process by bench/run.ts: RSS after loading the package (its published entry)
// and every connector, and readying the validator of every operation and every auth schema.
// Each validator then checks one valid
// input (the operation's first example, fake credentials for auth), so V8 has compiled its code
// as it would have after real use; an invalid input would also compile the error-collecting
// validator, which only failing calls need.
const { loadConnectors } = await import('customerio-tray-connectors');
const registry = await loadConnectors({ rateLimiter: false });
globalThis.gc?.();
const before = process.memoryUsage().rss;
const AUTH = { 'customer-io': { site_id: 'site-bench', api_key: 'key-bench', region: 'us' } };
const APP_AUTH = { api_key: 'app-key-bench', region: 'us' };
let compiled = 0;
for (const { name } of registry.list()) {
  const connector = registry.connector(name);
  if (!registry.validator('auth', connector)(AUTH[name] ?? APP_AUTH)) throw new Error(`${name}: bench credentials rejected`);
  for (const operation of connector.operationsByName.values()) {
    const example = operation.examples?.[0]?.input ?? {};
    if (!registry.validator('input', connector, operation)(structuredClone(example))) throw new Error(`${operation.name}: example rejected`);
    compiled++;
  }
}
globalThis.gc?.();
process.stdout.write(JSON.stringify({ operations: compiled, rss_loaded_mb: before / 1024 / 1024, rss_all_compiled_mb: process.memoryUsage().rss / 1024 / 1024 }));
