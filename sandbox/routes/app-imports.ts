// Imports (/v1/imports): a CSV of people, events, objects or relationships, read from a data:
// URL or a file this sandbox hosts (it fetches nothing from elsewhere: 422) and applied at
// once, so the import is finished (imported, or failed with the reason) when it is created.
import { nextNumber } from '../ids.js';
import type { ImportJob } from '../records.js';
import { appError, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import { createExport } from '../model/exports.js';
import { readUrl } from '../model/files.js';
import { runImport, type RowOutcome } from '../model/imports.js';
import { appFail, objectBody, recordFromPath, requireString } from './common.js';

const TYPES = ['people', 'event', 'object', 'relationship'] as const;
const IDENTIFIERS: Record<string, string[]> = { people: ['id', 'email'], event: ['id', 'email'], relationship: ['id', 'email', 'cio_id'] };
const SCOPES: Record<string, string[]> = { people: ['all', 'only_new', 'only_existing'], event: ['all', 'only_existing'], object: ['all', 'only_new', 'only_existing'], relationship: ['all', 'only_new', 'only_existing'] };

function importView(ctx: Context, job: ImportJob) {
  const download = (id: number | null) => `${ctx.origin}/v1/exports/${id}/download`;
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    type: job.type,
    identifier: job.identifier,
    object_type_id: job.object_type_id,
    data_to_process: job.data_to_process,
    // The older name, still returned for people and event imports.
    ...(job.type === 'people' || job.type === 'event' ? { people_to_process: job.data_to_process } : {}),
    state: job.state,
    rows_to_import: job.rows_to_import,
    rows_imported: job.rows_imported,
    error: job.error,
    ...(job.error_export_id !== null ? { error_export_id: job.error_export_id, error_download_url: download(job.error_export_id) } : {}),
    ...(job.warning_export_id !== null ? { warning_export_id: job.warning_export_id, warning_download_url: download(job.warning_export_id) } : {}),
    created_at: job.created_at,
    updated_at: job.updated_at,
  };
}

/** The rows an import left out, with the line and reason, as an export to download. */
function outcomesExport(ctx: Context, job: ImportJob, columns: string[], outcomes: RowOutcome[], what: string): number | null {
  if (outcomes.length === 0) return null;
  const rows = outcomes.map((o) => [o.line, o.reason, ...columns.map((c) => o.row[c])]);
  return createExport(ctx.state, 'import_errors', `${what} of import ${job.id} (${job.name})`, ['line', 'reason', ...columns], rows, ctx.now).id;
}

function create(ctx: Context) {
  const spec = objectBody(ctx, appFail).import as Record<string, unknown> | undefined;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw appError(400, 'import is required: {"import": {"type", "name", "data_file_url", …}}');
  const type = spec.type as ImportJob['type'];
  if (!TYPES.includes(type)) throw appError(400, `import.type must be one of ${TYPES.join(', ')}`);
  const url = requireString(spec.data_file_url, 'import.data_file_url', appFail);
  const identifier = type === 'object' ? null : String(spec.identifier ?? 'id');
  if (identifier !== null && !IDENTIFIERS[type].includes(identifier)) throw appError(400, `import.identifier must be ${IDENTIFIERS[type].join(' or ')} for ${type} imports`);
  const objectType = type === 'object' ? spec.object_type_id : undefined;
  if (type === 'object' && (objectType === undefined || objectType === null || objectType === '')) throw appError(400, 'import.object_type_id is required for object imports');
  if (spec.data_to_process !== undefined && spec.people_to_process !== undefined) throw appError(400, 'give data_to_process or people_to_process, not both');
  const scope = String(spec.data_to_process ?? spec.people_to_process ?? 'all');
  if (!SCOPES[type].includes(scope)) throw appError(400, `import.data_to_process must be one of ${SCOPES[type].join(', ')} for ${type} imports`);
  const read = readUrl(ctx.state, url, ctx.origin, ctx.now);
  if ('problem' in read) throw appError(422, `import.data_file_url: ${read.problem}`);

  const job: ImportJob = {
    id: nextNumber(ctx.state, 'import'),
    name: typeof spec.name === 'string' && spec.name !== '' ? spec.name : decodeURIComponent(url.startsWith('data:') ? 'data' : new URL(url).pathname.split('/').pop() || 'import'),
    description: typeof spec.description === 'string' ? spec.description : null,
    type, identifier,
    object_type_id: objectType === undefined ? null : String(objectType),
    data_to_process: scope,
    data_file_url: url,
    state: 'imported', rows_to_import: 0, rows_imported: 0, error: null, error_export_id: null, warning_export_id: null,
    created_at: ctx.now, updated_at: ctx.now,
  };
  ctx.state.imports.push(job);
  const result = runImport(ctx.state, job, read.bytes, ctx.now);
  job.rows_to_import = result.rows;
  job.rows_imported = result.imported;
  if (result.failure) Object.assign(job, { state: 'failed', error: result.failure });
  job.error_export_id = outcomesExport(ctx, job, result.columns, result.errors, 'Rows left out');
  job.warning_export_id = outcomesExport(ctx, job, result.columns, result.skipped, 'Rows skipped');
  return ok({ import: importView(ctx, job) });
}


export const appImportRoutes: Route[] = [
  { method: 'POST', path: '/imports', operations: ['create_import'], handle: create },
  { method: 'GET', path: '/imports/{import_id}', operations: ['get_import'], handle: (ctx) => ok({ import: importView(ctx, recordFromPath(ctx, 'imports', 'import_id', 'import')) }) },
];
