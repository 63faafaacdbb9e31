// cio-connectors import: streams an NDJSON or CSV file of people (bulk_identify_customers) or
// events (bulk_track_events) through the bulk runner's batches, in constant memory for a file of
// any size; every item ends up accepted or in a failed file that is itself a valid --file input.
// Events get ids derived from the file's content and their line, so an interrupted import resumes
// (--resume, from a checkpoint beside the failed file) or runs again without recording an event
// twice. Several processes import one NDJSON file together with --shard k/n.
//
// The parts live in cli/import/: sources (ndjson-source, csv-source, csv-reading,
// csv-record-guard, read-batches, utf8), shard, stable-ids and file-identity, checkpoint,
// failed-file, ledger (what is settled up to where), progress, interrupt (signals), run-import
// (the loop) and command (arguments, the shared rate limit, resume command).
export { IMPORT_USAGE, runImportCommand, type ImportIo } from './import/command.js';
export { IDENTIFIER_COLUMNS, IDENTIFIER_PRECEDENCE, type ImportOperation, type IdentifierColumn } from './import/operations.js';
export { ProgressBar, type ImportProgress, type ProgressStream } from './import/progress.js';
export { fileKind, importFile, type FileKind, type ImportOptions, type ImportSummary } from './import/run-import.js';
export type { ImportFailureRecord } from './import/failed-file.js';
export { checkpointPath, type Checkpoint } from './import/checkpoint.js';
export { stableEventId } from './import/stable-ids.js';
