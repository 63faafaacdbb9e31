// Which branch of a failed `oneOf` the person meant, and so which errors they are shown.
//
// With every error collected, a value that fails a `oneOf` is reported against every branch:
// a 160-character ID under "By ID" also "must have required property 'email'" (By email) and
// "must match exactly one schema in oneOf". Only the branch the person chose helps them. This
// module is the one place that decides it, for the runtime's messages (validation.ts: the
// envelope's user_input_error and so the CLI) and for a host page's error list (forms/
// re-exports it for rjsf's validator), so the page and the envelope name the same rule.
// Pure, and imports nothing: a page bundles it as it is.
//
// The branch meant is, in this order:
// 1. the only branch whose discriminating keys (a property with a `const`, or a one-value `enum`,
//    such as `type: "person"`) the value matches;
// 2. else, of the branches the value is not plainly foreign to (its JSON type, no key the branch
//    does not know, at least one key the branch does know), the only one, or the closest: the
//    fewest errors, then the deepest;
// 3. else none: the person is told which choices exist (`must match exactly one of: By ID; By
//    email; By Customer.io ID`), since any one branch's errors would be a guess.

/** What is read of an error: ajv's ErrorObject and the raw errors rjsf validates with have it. */
export interface SchemaError {
  keyword: string;
  /** JSON Pointer to the value (`/identifiers/id`). */
  instancePath: string;
  /** JSON Pointer fragment to the rule (`#/properties/identifiers/oneOf/0/properties/id/maxBytes`). */
  schemaPath: string;
  params: object;
  message?: string;
}

type Schema = { [keyword: string]: unknown };

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The schema at a schemaPath (`#/properties/a/oneOf`), following local `$ref`s on the way. */
function schemaAt(root: Schema, pointer: string): unknown {
  let node: unknown = root;
  for (const raw of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = resolved(root, node);
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function resolved(root: Schema, node: unknown): unknown {
  for (let hops = 0; isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#') && hops < 16; hops++) {
    node = schemaAt(root, node.$ref);
  }
  return node;
}

/** The value at a JSON Pointer. */
function valueAt(data: unknown, pointer: string): unknown {
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The keys of a branch that tell it apart by value: `const`, or an `enum` of one. */
function selectors(branch: Schema): [string, unknown][] {
  const properties = isObject(branch.properties) ? branch.properties : {};
  return Object.entries(properties).flatMap(([key, property]): [string, unknown][] => {
    if (!isObject(property)) return [];
    if ('const' in property) return [[key, property.const]];
    if (Array.isArray(property.enum) && property.enum.length === 1) return [[key, property.enum[0]]];
    return [];
  });
}

/** Keywords that, failing on the value itself, say the value is of another kind than the branch. */
const FOREIGN = new Set(['type', 'additionalProperties', 'const', 'enum', 'not']);

const depth = (pointer: string) => (pointer === '' ? 0 : pointer.split('/').length - 1);

/**
 * The index of the branch the person meant, or undefined when none is plausible. `branchErrors`
 * holds each branch's errors (nested choices already decided), `value` is the value the `oneOf`
 * judged, and `at` its instancePath.
 */
export function chooseOneOfBranch(branches: unknown[], branchErrors: SchemaError[][], value: unknown, at: string, root: Schema = {}): number | undefined {
  const schemas = branches.map((branch) => resolved(root, branch)).map((branch) => (isObject(branch) ? branch : {}));
  let candidates = schemas.map((_, i) => i);

  // 1. Discriminating keys: a branch whose `type: "person"` the value contradicts is not meant.
  if (isObject(value) && schemas.some((branch) => selectors(branch).length > 0)) {
    candidates = candidates.filter((i) => {
      const required = Array.isArray(schemas[i]!.required) ? schemas[i]!.required : [];
      return selectors(schemas[i]!).every(([key, expected]) =>
        Object.hasOwn(value, key) ? JSON.stringify(value[key]) === JSON.stringify(expected) : !required.includes(key),
      );
    });
    if (candidates.length <= 1) return candidates[0];
  }

  // 2. Shape: of the branches the value could be, the only one or the closest.
  const fits = candidates.filter((i) => {
    const errors = branchErrors[i] ?? [];
    if (errors.some((e) => e.instancePath === at && FOREIGN.has(e.keyword))) return false;
    if (!isObject(value)) return true;
    const known = Object.keys(isObject(schemas[i]!.properties) ? schemas[i]!.properties : {});
    return known.length === 0 || Object.keys(value).some((key) => known.includes(key));
  });
  if (fits.length <= 1) return fits[0];
  const score = (i: number) => {
    const errors = branchErrors[i] ?? [];
    return { count: errors.length, deepest: Math.max(0, ...errors.map((e) => depth(e.instancePath))) };
  };
  const ranked = fits.map((i) => ({ i, ...score(i) })).sort((a, b) => a.count - b.count || b.deepest - a.deepest);
  const [best, next] = ranked;
  if (next && best!.count === next.count && best!.deepest === next.deepest) return undefined;
  return best!.i;
}

/** The titles of a oneOf's branches, for the message when no branch is plausible. */
function titles(branches: unknown[], root: Schema): string[] {
  return branches.map((branch, i) => {
    const schema = resolved(root, branch);
    return isObject(schema) && typeof schema.title === 'string' ? schema.title : `choice ${i + 1}`;
  });
}

const under = (pointer: string, at: string) => pointer === at || pointer.startsWith(`${at}/`);

/**
 * `errors` with each failed `oneOf` reduced to the branch the person meant (its errors only, the
 * `oneOf` error itself dropped), or, when no branch is plausible, to the `oneOf` error alone with
 * the message `must match exactly one of: A; B; C`. `schema` is the root the errors' schemaPaths
 * start from and `data` the value validated. Errors keep their own type (ajv's, rjsf's).
 */
export function focusOneOf<E extends SchemaError>(errors: E[], schema: Schema, data: unknown): E[] {
  const failed = errors.filter((e) => e.keyword === 'oneOf');
  if (failed.length === 0) return errors;
  let kept = errors;
  // Innermost first, so that a nested choice is decided before the branch around it is judged.
  const innermostFirst = [...failed].sort((a, b) => b.schemaPath.length - a.schemaPath.length || depth(b.instancePath) - depth(a.instancePath));
  for (const choice of innermostFirst) {
    if (!kept.includes(choice)) continue; // in a branch an enclosing choice already set aside
    const prefix = choice.schemaPath.replace(/\/oneOf$/, '/oneOf/');
    // The same oneOf can fail at several places (items of a list): only errors at or under this one's value are its own.
    const inside = (e: E) => e !== choice && e.schemaPath.startsWith(prefix) && under(e.instancePath, choice.instancePath);
    const branches = schemaAt(schema, choice.schemaPath);
    if (!Array.isArray(branches)) continue;
    const byBranch: E[][] = branches.map(() => []);
    for (const e of kept.filter(inside)) byBranch[Number(e.schemaPath.slice(prefix.length).split('/')[0])]?.push(e);
    const others = kept.filter((e) => e !== choice && !inside(e));
    const passing = (choice.params as { passingSchemas?: unknown }).passingSchemas;
    const meant = Array.isArray(passing) ? undefined : chooseOneOfBranch(branches, byBranch, valueAt(data, choice.instancePath), choice.instancePath, schema);
    if (meant !== undefined && byBranch[meant]!.length > 0) {
      kept = [...others, ...byBranch[meant]!];
    } else {
      const names = titles(branches, schema);
      const both = Array.isArray(passing) ? ` (it matches ${passing.map((i: number) => names[i]).join(' and ')}; give only what one of them takes)` : '';
      kept = [...others, { ...choice, message: `must match exactly one of: ${names.join('; ')}${both}` }];
    }
  }
  return kept;
}
