// A dropdown that reads each listed item's details fails as a whole, saying which reading
// failed, when one of those readings fails: a list that silently lacked a template would offer
// less than there is and look complete.
import { describe, expect, it } from '@jest/globals';
import { useNock } from './use-nock.js';
import { sharedRegistry } from './helpers.js';

const nock = useNock();

describe('a dropdown that reads each item’s details', () => {
  it('fails, saying which reading failed, when one cannot be read', async () => {
    nock('https://api.customer.io')
      .get('/v1/transactional').reply(200, { messages: [{ id: 3, name: 'Password reset' }, { id: 6, name: 'Login alert' }] })
      .get('/v1/transactional/3/contents').reply(200, { contents: [{ id: 139, type: 'email' }] })
      .get('/v1/transactional/6/contents').reply(404, { meta: { error: 'transactional message 6 not found' } });
    const registry = await sharedRegistry();
    const answer = await registry.execute({ connector: 'customer-io-app', operation: 'list_transactional_messages_ddl', auth: { api_key: 'key-test', region: 'us' }, input: { type: ['email'] }, options: { retry: { maxAttempts: 1 } } });
    expect(answer).toMatchObject({ ok: false, error: { code: 'api_error', status_code: 404 } });
    expect((answer as { error: { message: string } }).error.message).toBe(
      'Reading the details of each of the messages (list_transactional_message_contents) failed: Customer.io could not find it (404): transactional message 6 not found.',
    );
  });
});
