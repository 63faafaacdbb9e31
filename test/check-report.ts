// The checks of the test programs that run outside jest (the browser test, the consumer test):
// each prints `ok - <name>`, or `not ok - <name>` with what was seen, indented under it; the run
// ends with the one `N passed, N failed` line that .ci/run adds up.
export interface CheckReport {
  /** Counts and prints one check; returns `ok`, so a caller can stop after a failed one. */
  check(name: string, ok: boolean, detail?: string): boolean;
  /** Counts a check that passed without printing it (one of many alike, such as rendered forms). */
  passQuietly(): void;
  readonly failed: number;
  /** `N passed, N failed`. */
  summary(): string;
}

/** `maxDetailLines` keeps a long detail (npm's output, say) to its first lines. */
export function checkReport({ maxDetailLines = Infinity }: { maxDetailLines?: number } = {}): CheckReport {
  let passed = 0;
  let failed = 0;
  return {
    check(name, ok, detail) {
      if (ok) passed += 1;
      else failed += 1;
      const shown = !ok && detail ? `\n    ${detail.split('\n').slice(0, maxDetailLines).join('\n    ')}` : '';
      process.stdout.write(`${ok ? 'ok' : 'not ok'} - ${name}${shown}\n`);
      return ok;
    },
    passQuietly() {
      passed += 1;
    },
    get failed() {
      return failed;
    },
    summary: () => `${passed} passed, ${failed} failed`,
  };
}
