// The definition lint's rules for triggers, each shown failing on a copy of a real trigger with
// one thing wrong: what it offers, what its mapping names, and what its examples show.
import { describe, expect, it } from '@jest/globals';
import { lintConnector, lintOperation } from '../scripts/definition-lint.js';
import { loadManifest, type LoadedConnector, type LoadedOperation } from '../runtime/loader.js';
import type { JsonSchema } from '../runtime/definitions.js';

const connector = loadManifest().find((c) => c.name === 'customer-io-trigger')!;
const email = connector.operationsByName.get('watch_email_events')!;

/** The trigger connector with `operation` in place of its namesake (and the operations in `without` removed). */
function withOperation(operation: LoadedOperation, without: string[] = []): LoadedConnector {
  const operationsByName = new Map([...connector.operationsByName].filter(([name]) => !without.includes(name)));
  operationsByName.set(operation.name, operation);
  return { ...connector, operationsByName };
}

function changed(edit: (copy: LoadedOperation) => void): LoadedOperation {
  const copy = structuredClone(email);
  edit(copy);
  return copy;
}

const lint = (operation: LoadedOperation, without: string[] = []) => lintOperation(withOperation(operation, without), operation);
const inputs = (op: LoadedOperation) => op.input_schema.properties as Record<string, JsonSchema>;
const example = (op: LoadedOperation) => op.examples[1] as unknown as { input: Record<string, unknown>; request: { body: Record<string, unknown> }; payload: Record<string, unknown>; output: unknown };

describe('a trigger\'s offer', () => {
  it('passes as written', () => {
    expect(lint(email)).toEqual([]);
    for (const operation of connector.operationsByName.values()) expect(lintOperation(connector, operation)).toEqual([]);
  });

  it('must be exactly its object types\' events, labelled as the App API labels them', () => {
    const fewer = changed((op) => {
      const items = inputs(op).events!.items as JsonSchema;
      items.enum = (items.enum as string[]).slice(1);
      items.enumLabels = (items.enumLabels as string[]).slice(1);
    });
    expect(lint(fewer).join('\n')).toContain('events must offer exactly the events of email: email_drafted, email_attempted');
    const relabelled = changed((op) => {
      ((inputs(op).events!.items as JsonSchema).enumLabels as string[])[10] = 'Email spammed';
    });
    expect(lint(relabelled).join('\n')).toContain('must label the events as the App API does');
  });

  it('hands over the union of those events and the generic branch', () => {
    const narrower = changed((op) => {
      op.output_schema.oneOf = (op.output_schema.oneOf as JsonSchema[]).slice(0, -1);
    });
    expect(lint(narrower).join('\n')).toContain('the output must be a choice of its events and each object type\'s generic branch');
  });

  it('must offer only events the registering operation takes', () => {
    const register = structuredClone(connector.operationsByName.get('create_reporting_webhook')!);
    const items = (register.input_schema.properties as Record<string, JsonSchema>).events!.items as JsonSchema;
    items.enum = (items.enum as string[]).filter((name) => name !== 'email_bounced');
    const problems = lintOperation(withOperation(register), email);
    expect(problems.join('\n')).toContain('create_reporting_webhook does not take the events email_bounced, so they could never be registered');
  });
});

describe('a trigger\'s mapping', () => {
  it('names operations of its connector that register and remove the webhook', () => {
    expect(lint(email, ['delete_reporting_webhook'])).toContain('customer-io-trigger/watch_email_events: unregister names delete_reporting_webhook, which is not an operation of customer-io-trigger');
    const byGet = changed((op) => {
      op.trigger!.register = 'get_reporting_webhook';
    });
    expect(lint(byGet)).toContain('customer-io-trigger/watch_email_events: get_reporting_webhook takes no events, which registering a webhook sends');
  });

  it('filters on inputs it has, by data fields its events carry', () => {
    const filters = changed((op) => {
      op.trigger!.filters = { ...op.trigger!.filters, segment_id: 'segment_id' };
    });
    expect(lint(filters)).toEqual([
      'customer-io-trigger/watch_email_events: the filter segment_id is not an input',
      'customer-io-trigger/watch_email_events: the filter segment_id compares data.segment_id, which none of its events carries',
    ]);
  });

  it('reads the signing key from a required secret of the auth form', () => {
    const elsewhere = changed((op) => {
      op.trigger!.signing_key = 'region';
    });
    expect(lint(elsewhere)).toEqual(['customer-io-trigger/watch_email_events: the signing key field region must be a required secret of the auth form']);
  });

  it('is the only kind of operation with a mapping', () => {
    const action = structuredClone(connector.operationsByName.get('list_reporting_webhooks')!);
    action.trigger = email.trigger;
    expect(lintOperation(withOperation(action), action)).toContain('customer-io-trigger/list_reporting_webhooks: only a trigger (type "trigger") has a trigger mapping');
  });
});

describe('a trigger\'s examples', () => {
  it('register the webhook as the runtime does: named after the trigger, for exactly the chosen events', () => {
    const renamed = changed((op) => {
      example(op).request.body.name = 'Bounces';
      example(op).request.body.events = ['email_bounced'];
    });
    expect(lint(renamed)).toEqual([
      'customer-io-trigger/watch_email_events example 1: the webhook is named "Workflow trigger: Watch email events"',
      'customer-io-trigger/watch_email_events example 1: the webhook is registered for exactly the chosen events',
    ]);
  });

  it('show an event the trigger hands over, as it came', () => {
    const otherCampaign = changed((op) => {
      (example(op).payload.data as Record<string, unknown>).campaign_id = 6;
      example(op).output = example(op).payload;
    });
    expect(lint(otherCampaign)).toEqual(['customer-io-trigger/watch_email_events example 1: the trigger would leave the payload out: its data.campaign_id is not 5']);
    const notChosen = changed((op) => {
      example(op).input.events = ['email_dropped'];
      example(op).request.body.events = ['email_dropped'];
    });
    expect(lint(notChosen)).toEqual(['customer-io-trigger/watch_email_events example 1: the trigger would leave the payload out: it is none of the chosen events (email_dropped)']);
    const reshaped = changed((op) => {
      example(op).output = { ...example(op).payload, metric: 'dropped' };
    });
    expect(lint(reshaped)).toContain('customer-io-trigger/watch_email_events example 1: the output is the event as it came (the payload)');
  });
});

describe('connector rules', () => {
  it('a connector of actions offers the raw request; one of triggers need not', () => {
    expect(lintConnector(connector)).toEqual([]);
    const app = loadManifest().find((c) => c.name === 'customer-io-app')!;
    const withoutRaw = new Map([...app.operationsByName].filter(([name]) => name !== 'raw_http_request'));
    expect(lintConnector({ ...app, operationsByName: withoutRaw })).toEqual(['customer-io-app: a connector of actions offers raw_http_request']);
  });

  it('checks credentials with an action, never a trigger', () => {
    expect(lintConnector({ ...connector, test_auth: { operation: 'watch_email_events' } })).toEqual([
      'customer-io-trigger: test_auth names watch_email_events, which must be an action of the connector',
    ]);
  });
});
