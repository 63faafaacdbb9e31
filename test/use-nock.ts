// nock for one test file: no real network while it runs, and everything undone afterwards.
// nock patches Node's shared http module, so a file that leaves it active would break the
// local-server tests that run next in the same worker.
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import nock from 'nock';

export function useNock(): typeof nock {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });
  return nock;
}
