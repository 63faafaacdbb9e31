// Input nested so deeply that checking it overflows the call stack (JSON.stringify, the
// validators and the input copy all recurse) is the person's input problem, not a connector
// failure: this names the field that holds the deepest nesting. It runs only after such an
// overflow, so ordinary calls pay nothing for it.
import { userInputError, type OperationError } from '../envelope.js';

/** How deep `value` nests, counted without recursion (so any depth can be measured). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  const seen = new Set<object>();
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

export function tooDeepError(input: unknown): OperationError {
  const fields = input !== null && typeof input === 'object' ? Object.entries(input) : [];
  const [field, depth] = fields.map(([key, value]) => [key, depthOf(value)] as const).sort((a, b) => b[1] - a[1])[0] ?? ['', depthOf(input)];
  const name = field ? `input.${field}` : 'input';
  return userInputError(`"${name}": is nested ${depth.toLocaleString('en-US')} levels deep, too deep to check and send; flatten it`, [{ field: name, rule: 'max_depth' }]);
}
