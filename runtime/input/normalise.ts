// The one step that may change a person's input before it is checked: defaults filled in where
// fields are absent (defaults.ts), then date-times turned into Unix seconds (unix-time.ts).
// Both copy on write, so the caller's object is never changed and an input with nothing to do
// is passed on as it came. Validators run after this and only decide.
import type { JsonSchema } from '../definitions.js';
import { withDefaults } from './defaults.js';
import { withUnixTimes } from './unix-time.js';

export function normalise(schema: JsonSchema, input: unknown): unknown {
  const filled = input !== null && typeof input === 'object' && !Array.isArray(input) ? withDefaults(schema, input as Record<string, unknown>) : input;
  return withUnixTimes(schema, filled);
}
