// A list already written as a request body. The bulk runner serialises each entry once and
// writes it straight into the bytes of the batch request that will carry it (`{"batch":[…]}`),
// counting those bytes as it packs. It hands the batch operation a PackedList as the list input,
// and planning sends the body as those bytes: nothing is serialised twice, and no batch-sized
// string is made (each would be a large heap object, collected only by a full collection).
// Anything that wants the items as values (a shown request, a debug event) gets them through
// toJSON, parsed when asked.

export class PackedList {
  /**
   * `key`: the body's key that holds the list; `body`: the whole body's UTF-8 JSON,
   * `{"<key>":[…]}`; `length`: how many items the list holds.
   */
  constructor(readonly key: string, readonly body: Buffer, readonly length: number) {}

  /** The items as values, for whatever shows them. */
  toJSON(): unknown[] {
    return (JSON.parse(this.body.toString('utf8')) as Record<string, unknown[]>)[this.key]!;
  }
}

/**
 * The bytes of a request body that is exactly `{"<key>": PackedList}` (what a batch operation's
 * body is when a bulk runner packed its list); undefined for any other body, which is serialised
 * as usual (a PackedList elsewhere in it is written through its toJSON, correct if slower).
 */
export function packedBody(body: unknown): Buffer | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  // Every JSON body is looked at: a loop that stops at the second key, not a list of its keys.
  let packed: Buffer | undefined;
  let keys = 0;
  for (const key in body) {
    if (++keys > 1) return undefined;
    const value = (body as Record<string, unknown>)[key];
    if (!(value instanceof PackedList) || value.key !== key || !Object.hasOwn(body, key)) return undefined;
    packed = value.body;
  }
  return packed;
}
