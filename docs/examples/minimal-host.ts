// A minimal host: list the connectors, prepare one operation's form, run it, show the envelope.
// Run against the sandbox (`npx cio-connectors sandbox` prints its address and credentials):
//   CIO_ORIGIN=http://127.0.0.1:4010 CUSTOMERIO_SITE_ID=sandbox-site \
//   CUSTOMERIO_TRACK_API_KEY=sandbox-track-key npx tsx minimal-host.ts
import { loadConnectors } from 'customerio-tray-connectors';
import { prepareForm } from 'customerio-tray-connectors/forms';

const registry = await loadConnectors();
for (const connector of registry.list()) console.log(`${connector.name} ${connector.version}: ${connector.title}`);

// The form a person fills in: the operation's input schema, its Tray hints as @rjsf settings.
const operation = registry.describe('customer-io').operations.find((op) => op.name === 'track_custom_event')!;
const { uiSchema } = prepareForm(operation.input_schema);
console.log(`form "${operation.title}": ${Object.keys(uiSchema).length} fields with hints; sends a message: ${operation.sends_message}`);

// Credentials come from the host's secret store (here the environment), never from the form data.
const auth = { site_id: process.env.CUSTOMERIO_SITE_ID ?? '', api_key: process.env.CUSTOMERIO_TRACK_API_KEY ?? '', region: 'us' };
const result = await registry.execute({
  connector: 'customer-io',
  operation: 'track_custom_event',
  auth,
  input: { identifier: 'ada-42', name: 'signed_up', data: { plan: 'pro' } },
  // A sandbox or proxy; left out, the call goes to Customer.io's own host for the region.
  options: { origin: process.env.CIO_ORIGIN },
});

if (result.ok && 'output' in result) {
  const { request, status_code, attempts, duration_ms } = result.meta;
  console.log(`${request.method} ${request.url} → ${status_code} after ${attempts} attempt(s) in ${duration_ms} ms`);
  console.log(`authorization shown as: ${request.headers.authorization}`);
} else if (!result.ok) {
  const { code, message, retryable } = result.error;
  // The runtime has already retried what was safe; `retryable` says whether a later retry may help.
  console.log(`failed (${code}${retryable ? ', retryable' : ''}): ${message}`);
  process.exitCode = 1;
}
