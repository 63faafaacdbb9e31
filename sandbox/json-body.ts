// Turning a request body's bytes into a value the routes can trust: valid UTF-8, valid JSON,
// and nested no deeper than the limit. The depth is measured on the bytes before JSON.parse
// runs, because everything after parsing (size checks, the state file, the answers) walks the
// value recursively: 20,000 levels would overflow the stack there, after the value was stored.
// A v2 batch is the one body whose items are judged one by one (Customer.io answers 207 with
// the refused items' batch_index), so a too-deep item is cut out and replaced by a marker.

/** Why a body could not be used; the server answers 400 in the calling API's shape. */
export class BodyRefused extends Error {}

/** Stands in for a batch item that nested too deeply; the batch route refuses it by index. */
export class TooDeepItem {
  constructor(readonly limit: number) {}
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Where the string opened at `start` closes: the next quote not escaped (-1 when it never does). */
function stringEnd(bytes: Buffer, start: number): number {
  let at = start;
  for (;;) {
    // Buffer.indexOf is a native scan: string content is skipped without a JavaScript loop.
    at = bytes.indexOf(QUOTE, at + 1);
    if (at === -1) return -1;
    let backslashes = 0;
    for (let k = at - 1; bytes[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/**
 * How deeply the JSON text nests (`{}` is 1), read from the bytes without parsing: brackets
 * outside strings are counted (UTF-8 continuation bytes are all >= 0x80, so they never look
 * like one). Stops as soon as the depth passes `stopAbove`. Malformed text gives some number;
 * JSON.parse refuses it afterwards.
 */
export function nestingDepth(bytes: Buffer, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = stringEnd(bytes, i);
      if (i === -1) break;
    } else if (byte === 0x7b || byte === 0x5b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** The depth of a parsed value, walked without recursion (so any depth can be measured). */
function depthOf(value: unknown, stopAbove: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object' || node instanceof TooDeepItem) continue;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > stopAbove) return deepest;
    }
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface ParseOptions {
  maxDepth: number;
  /** The body is a v2 batch: `batch` items are limited one by one (each from its own top). */
  batchItems?: boolean;
}

/**
 * The parsed body (undefined when empty). Throws BodyRefused for bytes that are not UTF-8,
 * text that is not JSON, or nesting past the limit; in a batch, items past the limit become
 * TooDeepItem markers and the rest of the body must keep within it.
 */
export function parseJsonBody(raw: Buffer, options: ParseOptions): unknown {
  if (raw.length === 0) return undefined;
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw new BodyRefused('the request body is not valid UTF-8');
  }
  const { maxDepth } = options;
  // A batch's items sit two levels down ({"batch": [item]}), and are measured from their own top.
  const allowed = options.batchItems ? maxDepth + 2 : maxDepth;
  const depth = nestingDepth(raw, allowed);
  if (depth > allowed && !options.batchItems) throw new BodyRefused(`the request body nests more than ${maxDepth} levels deep; the sandbox reads at most ${maxDepth}`);
  let body: unknown;
  try {
    // JSON.parse itself does not recurse, so a deep batch can be parsed to find its good items.
    body = JSON.parse(text);
  } catch (error) {
    throw new BodyRefused(`the request body is not valid JSON (${(error as Error).message})`);
  }
  if (depth <= allowed) return body;
  const items = (body as { batch?: unknown } | null)?.batch;
  if (Array.isArray(items)) {
    items.forEach((item, index) => {
      if (depthOf(item, maxDepth) > maxDepth) items[index] = new TooDeepItem(maxDepth);
    });
  }
  if (depthOf(body, allowed) > allowed) throw new BodyRefused(`the request body nests more than ${maxDepth} levels deep outside its batch items; the sandbox reads at most ${maxDepth}`);
  return body;
}
