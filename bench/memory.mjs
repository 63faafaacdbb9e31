// Run in a fresh process by bench/run.ts: RSS after loading every connector and compiling the
// validator of every operation (and every auth schema).
const { loadConnectors } = await import('../dist/runtime/index.js');
const registry = await loadConnectors({ rateLimiter: false });
const before = process.memoryUsage().rss;
let compiled = 0;
for (const { name } of registry.list()) {
  const connector = registry.connector(name);
  registry.validator('auth', connector);
  for (const operation of connector.operationsByName.values()) {
    registry.validator('input', connector, operation);
    compiled++;
  }
}
globalThis.gc?.();
process.stdout.write(JSON.stringify({ operations: compiled, rss_loaded_mb: before / 1024 / 1024, rss_all_compiled_mb: process.memoryUsage().rss / 1024 / 1024 }));
