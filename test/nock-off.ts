// Runs before every test file (jest setupFilesAfterEnv). Importing nock patches Node's shared
// http module for the whole worker, and a file that forgets to undo it makes every later file in
// that worker send through nock's interceptor, which holds on to each request (the soak test's
// heap grew by half a gigabyte that way). So nock starts off in every file and is switched off
// again after it: a file that wants it must call useNock() (test/use-nock.ts), and one that
// imports nock without it finds its scopes never match, instead of leaking into the next file.
import { afterAll } from '@jest/globals';
import nock from 'nock';

nock.restore();
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
