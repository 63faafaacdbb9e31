// The reporting-webhook events as the build reads them back from the generated
// schemas/reporting-events.schema.json: the object types, each one's event kinds with their
// labels, and their schemas bundled (self-contained), for the definition lint, the docs and the
// types. Also the App API's event enum, which labels the kinds and registers the webhooks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSchema } from '../runtime/definitions.js';
import { packageRoot } from '../runtime/loader.js';
import { loadBundledSchema } from '../runtime/schema-bundle.js';
import { REPORTING_EVENTS_FILE, type AppEventEnum } from './trigger-events-generation.js';

export interface CatalogKind {
  name: string;
  label: string;
  objectType: string;
  description?: string;
}

export interface EventCatalog {
  /** The object types, in the document's order. */
  objectTypes: string[];
  /** The kinds of these object types (all when absent), in the document's order. */
  kinds(objectTypes?: string[]): CatalogKind[];
  /** One `$def` of the file, bundled: a kind (`email_bounced`), a generic branch (`email_other`), a union (`email_event`). */
  schema(def: string): JsonSchema;
  /** The fields the data of these object types' events may carry (all origins included). */
  dataFields(objectTypes?: string[]): Set<string>;
}

export function appEventEnum(root: string = packageRoot()): AppEventEnum {
  const objects = JSON.parse(readFileSync(join(root, 'schemas', 'app.objects.schema.json'), 'utf8')) as { $defs: Record<string, AppEventEnum> };
  const found = objects.$defs.reporting_webhook_event;
  if (!found) throw new Error('schemas/app.objects.schema.json has no $defs/reporting_webhook_event');
  return { enum: found.enum, enumLabels: found.enumLabels };
}

function propertyNames(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  const own = Object.keys((schema.properties ?? {}) as object);
  const branches = ((schema.oneOf ?? schema.anyOf ?? []) as JsonSchema[]).flatMap((branch) => propertyNames(branch));
  return [...own, ...branches];
}

export function loadEventCatalog(root: string = packageRoot()): EventCatalog {
  const file = join(root, REPORTING_EVENTS_FILE);
  const document = JSON.parse(readFileSync(file, 'utf8')) as { $defs: Record<string, JsonSchema> };
  const defs = document.$defs;
  const objectTypes = Object.keys(defs).filter((key) => key.endsWith('_event_name')).map((key) => key.replace(/_event_name$/, ''));
  const all: CatalogKind[] = objectTypes.flatMap((objectType) => {
    const names = defs[`${objectType}_event_name`]!;
    return (names.enum as string[]).map((name, i) => ({
      name,
      label: (names.enumLabels as string[])[i]!,
      objectType,
      ...(typeof defs[name]?.description === 'string' ? { description: defs[name]!.description as string } : {}),
    }));
  });
  const bundled = new Map<string, JsonSchema>();
  const schema = (def: string): JsonSchema => {
    if (!defs[def]) throw new Error(`${REPORTING_EVENTS_FILE} has no $defs/${def}`);
    if (!bundled.has(def)) bundled.set(def, loadBundledSchema(file, { $ref: `#/$defs/${def}` }));
    return bundled.get(def)!;
  };
  const kinds = (types?: string[]) => all.filter((k) => !types || types.includes(k.objectType));
  return {
    objectTypes,
    kinds,
    schema,
    dataFields: (types) => new Set(kinds(types).flatMap((k) => propertyNames((schema(k.name).properties as Record<string, JsonSchema>).data))),
  };
}
