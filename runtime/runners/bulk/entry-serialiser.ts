// A bulk operation's entry template (`bulk.entry`) compiled into a serialiser: an item's batch
// entry as JSON text. The entry is the object fillTemplate(entry, item) would make (keys in the
// template's order, a leaf whose input is absent left out of the JSON), written as one object
// literal of the template's keys, made into a function once per operation, and serialised by one
// JSON.stringify (a flat string, cheaper to measure and copy than one built by concatenation). A
// literal of known keys is the object V8 makes and serialises fastest: a fifth less than the same
// entry assembled key by key (measured, a million events). The code is made from the definition's
// template, never from input; the runtime already makes its precompiled validators this way.
// Each entry is serialised once: its byte length packs it, and its text is encoded straight into
// the batch body (batch-body.ts, runtime/packed-list.ts).
//
// When the batch operation gives events ids (`http.event_ids: batch`) and the entry is an event,
// an entry without an id gets one here, before it is packed: the caller's (the import's stable id
// for the line) or a new ULID. A retried batch then repeats the same ids, as Customer.io needs to
// deduplicate it.
import type { EventIdPlacement } from '../../definitions.js';
import { isEventEntity, newEventId, withEntityId } from '../../plan/event-ids.js';
import { fillTemplate } from '../../plan/template.js';

type Item = Record<string, unknown>;

/** An item's entry as JSON text; `eventId` is used when the entry is an event and the item has no id. */
export type EntrySerialiser = (item: Item, eventId?: string) => string;

/** One key of the entry: a constant, an item's input, or a nested template. */
interface Part {
  key: string;
  constant?: unknown;
  input?: string;
  nested?: unknown;
}

function isInputLeaf(node: unknown): node is { $input: string } {
  return node !== null && typeof node === 'object' && typeof (node as { $input?: unknown }).$input === 'string' && Object.keys(node).length === 1;
}

/** The entry object, key by key (for a template that leaves whether entries are events to the item). */
function assemble(parts: Part[], item: Item): Item {
  // Keys are the template's own (a definition's), never the item's: plain assignment is safe.
  const entry: Item = {};
  for (const part of parts) {
    const value = part.input !== undefined ? item[part.input] : part.nested !== undefined ? fillTemplate(part.nested, item) : part.constant;
    if (value !== undefined) entry[part.key] = value;
  }
  return entry;
}

/**
 * `template`: the bulk mapping's entry; `eventIds`: the batch operation's event-id placement;
 * `newId`: where ids come from when neither the item nor the caller gives one.
 */
export function entrySerialiser(template: Item, eventIds: EventIdPlacement | undefined, newId: () => string = newEventId): EntrySerialiser {
  const parts: Part[] = Object.entries(template).map(([key, node]) => {
    if (isInputLeaf(node)) return { key, input: node.$input };
    if (node !== null && typeof node === 'object') return { key, nested: node };
    return { key, constant: node };
  });
  const constants = Object.fromEntries(parts.filter((part) => 'constant' in part).map((part) => [part.key, part.constant]));
  // Whether entries are events is known from the template when `type` and `action` are constants.
  const decided = 'type' in constants && 'action' in constants;
  if (eventIds !== 'batch' || (decided && !isEventEntity(constants))) return literalSerialiser(parts, undefined, newId);
  const idPart = parts.find((part) => part.key === 'id' && part.input !== undefined);
  if (!decided || !idPart) {
    // A template that does not say, or has no id leaf: ids as the plan would add them (at the end).
    return (item, eventId) => JSON.stringify(withEntityId(assemble(parts, item), () => eventId ?? newId()));
  }
  return literalSerialiser(parts, 'id', newId);
}

/** The serialiser as one object literal of the template's keys; `idKey`: the part that takes the event id when the item has none. */
function literalSerialiser(parts: Part[], idKey: string | undefined, newId: () => string): EntrySerialiser {
  const fields = parts.map((part, i) => {
    // A literal's `__proto__` would set the prototype; no definition names a field so.
    if (part.key === '__proto__') throw new Error('a bulk entry template cannot have a "__proto__" key');
    const key = JSON.stringify(part.key);
    if (part.input !== undefined) {
      const read = `item[${JSON.stringify(part.input)}]`;
      return part.key === idKey ? `${key}: ${read} !== undefined ? ${read} : id(eventId)` : `${key}: ${read}`;
    }
    return part.nested !== undefined ? `${key}: fillTemplate(nested[${i}], item)` : `${key}: constants[${i}]`;
  });
  const make = new Function('constants', 'nested', 'fillTemplate', 'id', `return function serialiseEntry(item, eventId) { return JSON.stringify({ ${fields.join(', ')} }); };`) as (
    constants: unknown[], nested: unknown[], fill: typeof fillTemplate, id: (eventId: string | undefined) => string,
  ) => EntrySerialiser;
  return make(parts.map((part) => part.constant), parts.map((part) => part.nested), fillTemplate, (eventId) => eventId ?? newId());
}
