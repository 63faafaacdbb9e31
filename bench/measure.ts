// Latency at concurrency 1 and throughput at concurrency 64 for one contender's call.
import type { Call } from './contenders.js';

export interface Latency {
  median_ms: number;
  p99_ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function latency(call: Call, count: number): Promise<Latency> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { median_ms: percentile(samples, 50), p99_ms: percentile(samples, 99) };
}

/** Calls per second with `concurrency` calls in flight until `count` have finished. */
export async function throughput(call: Call, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await call(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}
