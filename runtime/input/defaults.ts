// Fills in what an input schema's `default`s promise. In this package's definition format a
// `default` is the value sent when the field is left out: the value a form shows pre-filled, so
// a workflow that leaves the field out sends what the form would have, and what the operations
// reference says. A field whose absence leaves the choice to Customer.io has no `default`; its
// description says what Customer.io does (`lintDefaults` in scripts/definition-lint.ts holds both).
//
// Defaults apply where JSON Schema's `useDefaults` reads them: the input's own fields, and the
// fields of nested objects the input gives. Inside a oneOf/anyOf branch or a list item a
// `default` can only restate the field's `const` (a hint for forms), so nothing is filled there.
import type { JsonSchema } from '../definitions.js';
import { setOwn } from '../own-property.js';

/** Per field: its default, and the defaults of its own fields when it is an object. */
type DefaultsTree = Map<string, { default?: unknown; nested?: DefaultsTree }>;

function treeOf(schema: JsonSchema): DefaultsTree | undefined {
  const tree: DefaultsTree = new Map();
  for (const [key, field] of Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {})) {
    const nested = treeOf(field);
    if ('default' in field || nested) tree.set(key, { ...('default' in field ? { default: field.default } : {}), ...(nested ? { nested } : {}) });
  }
  return tree.size > 0 ? tree : undefined;
}

const trees = new WeakMap<JsonSchema, DefaultsTree | null>();
function defaultsOf(schema: JsonSchema): DefaultsTree | undefined {
  let tree = trees.get(schema);
  if (tree === undefined) {
    tree = treeOf(schema) ?? null;
    trees.set(schema, tree);
  }
  return tree ?? undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Copy-on-write: `value` itself when nothing was missing, otherwise a copy with the defaults in. */
function fill(value: Record<string, unknown>, tree: DefaultsTree): Record<string, unknown> {
  let filled: Record<string, unknown> | undefined;
  const set = (key: string, item: unknown) => {
    filled ??= { ...value };
    setOwn(filled, key, item);
  };
  for (const [key, entry] of tree) {
    const given = Object.hasOwn(value, key) ? value[key] : undefined;
    if (given === undefined) {
      // A copy, so that nothing downstream can change the schema's own value.
      if ('default' in entry) set(key, structuredClone(entry.default));
    } else if (entry.nested && isPlainObject(given)) {
      const inner = fill(given, entry.nested);
      if (inner !== given) set(key, inner);
    }
  }
  return filled ?? value;
}

/** The input with the schema's defaults filled in where fields are absent; the caller's object is never changed. */
export function withDefaults(schema: JsonSchema, input: Record<string, unknown>): Record<string, unknown> {
  const tree = defaultsOf(schema);
  // Input that is not an object is left as it came, for validation to refuse.
  return tree && isPlainObject(input) ? fill(input, tree) : input;
}
