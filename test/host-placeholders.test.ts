// The placeholders of a trigger's action input: dotted paths into the event and nothing else,
// filled in by the host server, listed and checked by the page (host/web/placeholders.ts).
import { describe, expect, it } from '@jest/globals';
import { placeholderPaths, placeholderProblems, renderPlaceholders } from '../host/web/placeholders.js';
import { sharedRegistry } from './helpers.js';

const event = {
  event_id: '01J0000000000000000000000A',
  object_type: 'email',
  metric: 'bounced',
  timestamp: 1_735_689_600,
  data: { identifiers: { id: '42', email: 'ada@example.com', cio_id: 'a1' }, recipient: 'ada@example.com', delivery_id: 'RPILAgABAA', recipients: [{ device_id: 'd1' }], transactional_message_id: 3 },
};

describe('renderPlaceholders', () => {
  it('puts a lone placeholder\'s value in as it is, and writes one among text as text', () => {
    const rendered = renderPlaceholders(
      { identifier: '{{event.data.identifiers.id}}', id: '{{ event.data.transactional_message_id }}', name: '{{event.object_type}}_{{event.metric}}', data: '{{event.data.identifiers}}', note: 'to {{event.data.identifiers}}', list: ['{{event.data.recipients.0.device_id}}'] },
      event,
    );
    expect(rendered).toEqual({
      value: { identifier: '42', id: 3, name: 'email_bounced', data: { id: '42', email: 'ada@example.com', cio_id: 'a1' }, note: 'to {"id":"42","email":"ada@example.com","cio_id":"a1"}', list: ['d1'] },
    });
  });

  it('leaves keys and text without placeholders alone', () => {
    expect(renderPlaceholders({ '{{event.metric}}': 'plain', n: 1, b: true, z: null }, event)).toEqual({ value: { '{{event.metric}}': 'plain', n: 1, b: true, z: null } });
  });

  it('says which placeholders the event lacks rather than run with a value left out', () => {
    expect(renderPlaceholders({ a: '{{event.data.href}}', b: 'x {{event.data.link_id}}' }, event)).toEqual({ problem: 'this event has no {{event.data.href}}, {{event.data.link_id}}' });
  });

  it('follows the event\'s own fields only', () => {
    for (const path of ['event.__proto__', 'event.constructor', 'event.data.toString', 'event.data.identifiers.hasOwnProperty']) {
      expect(renderPlaceholders({ a: `{{${path}}}` }, event)).toHaveProperty('problem');
    }
  });
});

describe('placeholderProblems', () => {
  it('takes dotted paths into the event', () => {
    expect(placeholderProblems({ a: '{{event}}', b: ['{{ event.data.identifiers.id }}'], c: { d: 'x{{event.metric}}y' } })).toEqual([]);
  });

  it('refuses other roots, expressions and stray braces', () => {
    const problems = placeholderProblems({ a: '{{auth.api_key}}', b: '{{event.data | json}}', c: '{{process.env.HOME}}', d: '{{event.metric}', e: '{{event.__proto__}}' });
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/\{\{auth\.api_key\}\} is not a placeholder/);
    expect(problems.join(' ')).toMatch(/unmatched/);
    expect(problems.join(' ')).toMatch(/"__proto__"/);
  });
});

describe('placeholderPaths', () => {
  it('lists what the trigger\'s events carry, from its output schema', async () => {
    const registry = await sharedRegistry();
    const watch = registry.describe('customer-io-trigger').operations.find((o) => o.name === 'watch_email_events')!;
    const paths = placeholderPaths(watch.output_schema).map((p) => p.placeholder);
    expect(paths.slice(0, 5)).toEqual(['{{event.event_id}}', '{{event.object_type}}', '{{event.metric}}', '{{event.timestamp}}', '{{event.data}}']);
    expect(paths).toEqual(expect.arrayContaining(['{{event.data.identifiers.id}}', '{{event.data.identifiers.email}}', '{{event.data.recipient}}', '{{event.data.delivery_id}}', '{{event.data.transactional_message_id}}']));
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.every((p) => placeholderProblems(p).length === 0)).toBe(true);
  });
});
