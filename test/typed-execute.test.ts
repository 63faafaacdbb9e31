// execute() typed from the generated types: literal names narrow input and output; misspelt
// names and wrong inputs do not compile (the @ts-expect-error lines fail `tsc` if they ever
// compile, so this file is a type test as much as a runtime one); names known only at run time
// still work. Error details narrow by code.
import { describe, expect, it } from '@jest/globals';
import type { EnvelopeError, FieldProblem, InputOf, OutputOf } from '../runtime/index.js';
import { TRACK_AUTH, APP_AUTH, sharedRegistry } from './helpers.js';
import { useNock } from './use-nock.js';

// nock only while this file runs: left active, it would hold on to every request of the files
// that follow in the same worker (the soak test saw its heap grow by half a gigabyte).
const nock = useNock();

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

describe('typed execute', () => {
  it('narrows the output by connector and operation names', async () => {
    const registry = await sharedRegistry();
    nock('https://api.customer.io').get('/v1/segments/7').reply(200, { segment: { id: 7, name: 'VIPs' } });
    const result = await registry.execute({ connector: 'customer-io-app', operation: 'get_segment', auth: { ...APP_AUTH, region: 'us' }, input: { segment_id: 7 } });
    expect(result.ok && 'output' in result).toBe(true);
    if (result.ok && 'output' in result) {
      // `segment` is a property of the generated output type: reading it compiles only because the output is typed.
      expect(result.output.segment?.name).toBe('VIPs');
    }
    assertType<Equal<InputOf<'customer-io-app', 'get_segment'>, import('../types/customer-io-app.js').GetSegmentInput>>();
    assertType<Equal<OutputOf<'customer-io', 'track_custom_event'>, import('../types/customer-io.js').TrackCustomEventOutput>>();
  });

  it('refuses misspelt names and wrong inputs at compile time, and the same call at run time', async () => {
    const registry = await sharedRegistry();
    const auth = { ...TRACK_AUTH, region: 'us' } as const;
    // @ts-expect-error: not an operation of customer-io
    const misspelt = await registry.execute({ connector: 'customer-io', operation: 'track_custom_evnt', auth, input: {} });
    expect(misspelt).toMatchObject({ ok: false, error: { code: 'user_input_error', message: 'connector customer-io has no operation "track_custom_evnt"' } });
    // @ts-expect-error: `name` is required by track_custom_event
    const missing = await registry.execute({ connector: 'customer-io', operation: 'track_custom_event', auth, input: { identifier: '42' } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'user_input_error' } });
    // @ts-expect-error: the event name is a string
    await registry.execute({ connector: 'customer-io', operation: 'track_custom_event', auth, input: { identifier: '42', name: 42 }, options: { dryRun: true } });
  });

  it('takes names known only at run time, with any input', async () => {
    const registry = await sharedRegistry();
    const stored: { connector: string; operation: string; input: Record<string, unknown> } = JSON.parse(
      '{"connector":"customer-io","operation":"track_custom_event","input":{"identifier":"42","name":"signed_up"}}',
    );
    const result = await registry.execute({ ...stored, auth: { ...TRACK_AUTH, region: 'eu' }, options: { dryRun: true } });
    assertType<Equal<typeof result, import('../runtime/index.js').Envelope<unknown>>>();
    expect(result).toMatchObject({ ok: true, request: { method: 'POST', url: 'https://track-eu.customer.io/api/v1/customers/42/events' } });
  });

  it('narrows error details by code', async () => {
    const registry = await sharedRegistry();
    const result = await registry.execute({ connector: 'customer-io', operation: 'track_custom_event' as string, auth: { ...TRACK_AUTH, region: 'us' }, input: { identifier: '42' } });
    expect(result.ok).toBe(false);
    const error = (result as { error: EnvelopeError }).error;
    if (error.code === 'user_input_error' && Array.isArray(error.details)) {
      const problems: FieldProblem[] = error.details;
      expect(problems).toContainEqual(expect.objectContaining({ field: 'input.name', rule: 'required' }));
    } else {
      throw new Error(`expected field problems, got ${JSON.stringify(error)}`);
    }
    const sent: EnvelopeError = { code: 'api_error', message: 'm', retryable: false, details: { region: 'eu', may_have_been_processed: true } };
    if (sent.code === 'api_error') expect(sent.details?.region).toBe('eu');
    // @ts-expect-error: an auth_error's details carry no region
    const wrong: EnvelopeError = { code: 'auth_error', message: 'm', retryable: false, details: { region: 'eu' } };
    expect(wrong.code).toBe('auth_error');
  });
});
