// What a dropdown's DDL operation is run with. A `lookup` hint's `input` is fixed per field (an
// operation's needs: `{"type": ["email"]}` lists only email templates), and a value of it that
// is exactly `{{{field}}}` (Tray's convention) takes another field of the same form, named by
// its path from the top (`{{{campaign_id}}}`, `{{{content.type}}}`): the dropdown then lists
// only what fits that field, and waits until it is filled in.
import type { LookupHint } from './schema-form.js';

const TEMPLATE = /^\{\{\{\s*([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)\s*\}\}\}$/;

export type ResolvedLookup = { ready: true; input: Record<string, unknown> } | { ready: false; missing: string[] };

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The form fields (paths) a lookup's input takes its values from. */
export function lookupDependencies(hint: LookupHint): string[] {
  return Object.values(hint.input ?? {}).flatMap((value) => {
    const match = typeof value === 'string' ? TEMPLATE.exec(value) : null;
    return match ? [match[1]!] : [];
  });
}

function valueAt(data: unknown, path: string): unknown {
  let current = data;
  for (const segment of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** The lookup's input with its `{{{field}}}` values filled in from the form, or the fields still empty. */
export function resolveLookupInput(hint: LookupHint, formData: unknown): ResolvedLookup {
  const input: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [key, value] of Object.entries(hint.input ?? {})) {
    const match = typeof value === 'string' ? TEMPLATE.exec(value) : null;
    if (!match) {
      input[key] = value;
      continue;
    }
    const filled = valueAt(formData, match[1]!);
    if (filled === undefined || filled === null || filled === '') missing.push(match[1]!);
    else input[key] = filled;
  }
  return missing.length > 0 ? { ready: false, missing } : { ready: true, input };
}
