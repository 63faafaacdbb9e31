// What the build precomputes (dist/definitions.json, dist/runtime.bundle.js) must be what the
// sources say, and must step aside the moment the sources change.
import { describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSources, packageRoot } from '../runtime/loader.js';
import { loadPrebuilt, prebuiltPath } from '../runtime/prebuilt-definitions.js';

const root = packageRoot();

/** A copy of the package's definitions and its prebuilt file, to edit without touching the real ones. */
function copyOfPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cio-prebuilt-'));
  for (const part of ['connector.manifest.json', 'connectors', 'schemas']) cpSync(join(root, part), join(dir, part), { recursive: true });
  cpSync(prebuiltPath(root), prebuiltPath(dir));
  return dir;
}

describe('prebuilt definitions', () => {
  it('hold exactly what loading the sources gives', () => {
    const prebuilt = loadPrebuilt(root);
    expect(prebuilt).toBeDefined();
    expect(prebuilt).toEqual(loadSources(root).connectors);
  });

  it('are used from another folder (paths are relative), and ignored once a definition changes', () => {
    const dir = copyOfPackage();
    try {
      const copied = loadPrebuilt(dir)!;
      expect(copied.find((c) => c.name === 'customer-io')!.folder).toBe(join(dir, 'connectors', 'customer-io'));
      const file = join(dir, 'connectors', 'customer-io', 'operations', 'track_custom_event.json');
      const definition = JSON.parse(readFileSync(file, 'utf8'));
      definition.title = 'Track an event (edited)';
      writeFileSync(file, JSON.stringify(definition));
      expect(loadPrebuilt(dir)).toBeUndefined();
      const fromSources = loadSources(dir).connectors.find((c) => c.name === 'customer-io')!;
      expect(fromSources.operationsByName.get('track_custom_event')!.title).toBe('Track an event (edited)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are ignored when a shared schema they were bundled from changes, or when damaged', () => {
    const dir = copyOfPackage();
    try {
      writeFileSync(join(dir, 'schemas', 'defs.schema.json'), readFileSync(join(dir, 'schemas', 'defs.schema.json'), 'utf8') + '\n');
      expect(loadPrebuilt(dir)).toBeUndefined();
      writeFileSync(prebuiltPath(dir), '{"files": [');
      expect(loadPrebuilt(dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the published entry (dist/runtime.bundle.js)', () => {
  it('is what the package name resolves to, and runs an operation like the sources do', async () => {
    const entry = await import('customerio-tray-connectors');
    const registry = await entry.loadConnectors({ rateLimiter: false });
    expect(registry.list().map((c) => c.name)).toEqual(['customer-io', 'customer-io-app', 'customer-io-beta', 'customer-io-trigger']);
    const result = await registry.execute({
      connector: 'customer-io', operation: 'track_custom_event',
      auth: { site_id: 'site-test', api_key: 'key-test', region: 'eu' },
      input: { identifier: '42', name: 'purchase', data: { price: 23.45 } }, options: { dryRun: true },
    });
    expect(result).toMatchObject({ ok: true, request: { method: 'POST', url: 'https://track-eu.customer.io/api/v1/customers/42/events', headers: { authorization: '[REDACTED]' } } });
    const invalid = await registry.execute({ connector: 'customer-io', operation: 'track_custom_event' as string, auth: { site_id: 'site-test', api_key: 'key-test', region: 'eu' }, input: { identifier: '42' } });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'user_input_error', message: '"input.name": is required' } });
  });

  it('leaves out the optional Redis peers, which only their own entry points load', () => {
    for (const file of ['runtime.bundle.js', 'bundled.js']) {
      expect(readFileSync(join(root, 'dist', file), 'utf8')).not.toMatch(/ioredis|rate-limiter-flexible/);
    }
  });
});
