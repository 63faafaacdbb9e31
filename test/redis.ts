// Whether the Redis the shared-store tests use answers (.ci/run starts one; a developer may not
// have it). The probe is a bare socket sending PING, closed at once: a Redis client library left
// retrying a refused connection would keep the test worker alive after the tests.
import { connect } from 'node:net';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function redisAvailable(): Promise<boolean> {
  return answersPing(REDIS_URL);
}

/** Whether a Redis answers PING at `url` within half a second (the benchmarks ask it too). */
export function answersPing(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (answer: boolean) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
