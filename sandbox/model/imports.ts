// CSV imports applied row by row through the same model Track writes with, so an imported
// person, event, object or relationship is what an identify, event or v2 call would have made
// (webhooks, segments and activity included). A row that cannot be applied is left out and
// listed, with its reason, in the import's error export; a row the import was told to skip
// (only_new / only_existing) is listed in its warning export.
import type { ImportJob } from '../records.js';
import type { Attributes, State } from '../state.js';
import { checkAttributes, checkEvent, checkIdentifier, describeProblems } from '../limits.js';
import { recordEvent } from './activities.js';
import { fromCsv } from './csv.js';
import { relationshipsBetween } from './indexes.js';
import { createObject, findObject, objectTypeExists, relate, updateObject } from './objects.js';
import { createPerson, findPerson, isSuppressed, splitIdentifyBody, updateProfile, type IdKind } from './people.js';

export interface RowOutcome {
  row: Record<string, string>;
  line: number;
  reason: string;
}

export interface ImportResult {
  columns: string[];
  rows: number;
  imported: number;
  errors: RowOutcome[];
  skipped: RowOutcome[];
  /** Set when the file as a whole could not be imported (not CSV, a required column missing). */
  failure?: string;
}

class RowProblem extends Error {}
class RowSkipped extends Error {}

/** The non-empty cells other than the named ones: an empty cell changes nothing. */
function otherCells(row: Record<string, string>, reserved: string[]): Attributes {
  return Object.fromEntries(Object.entries(row).filter(([column, value]) => !reserved.includes(column) && value !== ''));
}

function refuse(problems: { field: string; message: string }[]): void {
  if (problems.length) throw new RowProblem(describeProblems(problems).join('; '));
}

function personRow(state: State, job: ImportJob, row: Record<string, string>, now: number): void {
  const kind = job.identifier as IdKind;
  const value = row[kind];
  if (!value) throw new RowProblem(`the ${kind} column is empty`);
  refuse([checkIdentifier(value, kind)].filter((p) => !!p) as { field: string; message: string }[]);
  const cells = otherCells(row, []);
  if (cells.unsubscribed === 'true' || cells.unsubscribed === 'false') cells.unsubscribed = cells.unsubscribed === 'true';
  refuse(checkAttributes(cells, 'row'));
  const existing = findPerson(state, kind, value);
  if (existing && job.data_to_process === 'only_new') throw new RowSkipped('the person exists (only_new)');
  if (!existing && job.data_to_process === 'only_existing') throw new RowSkipped('no such person (only_existing)');
  const changes = splitIdentifyBody(cells);
  if (!existing && isSuppressed(state, { [kind]: value, ...changes.identity })) throw new RowProblem(`${kind} ${value} is suppressed`);
  const person = existing ?? createPerson(state, { [kind]: value }, now);
  updateProfile(state, person, changes, now);
}

function eventRow(state: State, job: ImportJob, row: Record<string, string>, now: number): void {
  const kind = job.identifier as IdKind;
  const value = row[kind];
  if (!value) throw new RowProblem(`the ${kind} column is empty`);
  const data = otherCells(row, [kind, 'name', 'timestamp', 'event_id']);
  refuse(checkEvent(row.name, data, { name: 'name', data: 'row' }));
  const timestamp = row.timestamp ? Number(row.timestamp) : undefined;
  if (timestamp !== undefined && !Number.isInteger(timestamp)) throw new RowProblem('timestamp must be Unix seconds');
  let person = findPerson(state, kind, value);
  if (!person && job.data_to_process === 'only_existing') throw new RowSkipped('no such person (only_existing)');
  if (!person && isSuppressed(state, { [kind]: value })) throw new RowProblem(`${kind} ${value} is suppressed`);
  person ??= createPerson(state, { [kind]: value }, now);
  recordEvent(state, row.event_id || undefined, { type: 'event', name: row.name, person, timestamp, data }, now);
}

function objectRow(state: State, job: ImportJob, row: Record<string, string>, now: number): void {
  const objectId = row.object_id;
  if (!objectId) throw new RowProblem('the object_id column is empty');
  const attributes = otherCells(row, ['object_id', 'object_type_id']);
  refuse(checkAttributes(attributes, 'row'));
  const typeId = job.object_type_id!;
  const existing = findObject(state, { object_type_id: typeId, object_id: objectId });
  if (existing && job.data_to_process === 'only_new') throw new RowSkipped('the object exists (only_new)');
  if (!existing && job.data_to_process === 'only_existing') throw new RowSkipped('no such object (only_existing)');
  updateObject(existing ?? createObject(state, typeId, objectId, now), attributes, now);
}

function relationshipRow(state: State, job: ImportJob, row: Record<string, string>, now: number): void {
  const kind = job.identifier as IdKind;
  const person = row[kind] ? findPerson(state, kind, row[kind]) : undefined;
  if (!person) throw new RowProblem(row[kind] ? `no person has ${kind} ${row[kind]}` : `the ${kind} column is empty`);
  if (!row.object_type_id || !row.object_id) throw new RowProblem('object_type_id and object_id are required');
  const object = findObject(state, { object_type_id: row.object_type_id, object_id: row.object_id });
  if (!object) throw new RowProblem(`no object ${row.object_id} of type ${row.object_type_id}`);
  const related = relationshipsBetween(state, object.object_type_id, object.object_id, person.cio_id, null).length > 0;
  if (related && job.data_to_process === 'only_new') throw new RowSkipped('the relationship exists (only_new)');
  if (!related && job.data_to_process === 'only_existing') throw new RowSkipped('no such relationship (only_existing)');
  const attributes = otherCells(row, [kind, 'object_type_id', 'object_id']);
  refuse(checkAttributes(attributes, 'row'));
  relate(state, object, { person }, attributes, now);
}

/** The columns each kind of file must have. */
function requiredColumns(job: ImportJob): string[] {
  switch (job.type) {
    case 'people':
      return [job.identifier!];
    case 'event':
      return [job.identifier!, 'name'];
    case 'object':
      return ['object_id'];
    case 'relationship':
      return [job.identifier!, 'object_type_id', 'object_id'];
  }
}

export function runImport(state: State, job: ImportJob, csv: Buffer, now: number): ImportResult {
  let parsed: ReturnType<typeof fromCsv>;
  try {
    parsed = fromCsv(csv.toString('utf8'));
  } catch (error) {
    return { columns: [], rows: 0, imported: 0, errors: [], skipped: [], failure: `the file is not CSV: ${(error as Error).message}` };
  }
  const missing = requiredColumns(job).filter((c) => !parsed.columns.includes(c));
  if (missing.length) return { columns: parsed.columns, rows: parsed.rows.length, imported: 0, errors: [], skipped: [], failure: `the file has no ${missing.join(', ')} column (its columns: ${parsed.columns.join(', ') || 'none'})` };
  if (job.type === 'object' && !objectTypeExists(state, job.object_type_id!)) return { columns: parsed.columns, rows: parsed.rows.length, imported: 0, errors: [], skipped: [], failure: `object type ${job.object_type_id} does not exist` };

  const apply = { people: personRow, event: eventRow, object: objectRow, relationship: relationshipRow }[job.type];
  const result: ImportResult = { columns: parsed.columns, rows: parsed.rows.length, imported: 0, errors: [], skipped: [] };
  parsed.rows.forEach((row, index) => {
    try {
      apply(state, job, row, now);
      result.imported++;
    } catch (error) {
      const outcome = { row, line: index + 2, reason: (error as Error).message };
      if (error instanceof RowSkipped) result.skipped.push(outcome);
      else if (error instanceof RowProblem) result.errors.push(outcome);
      else throw error;
    }
  });
  return result;
}
