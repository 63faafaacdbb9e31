// The plan for an operation described entirely by its definition file.
import { buildRequest } from './build-request.js';
import type { CallPlan, PlanContext } from './call-plan.js';
import type { OperationFile, ResponseMapping } from './definitions.js';
import { OperationError } from './envelope.js';
import { parseJson, type HttpAnswer } from './error-mapping.js';
import { isSafeToRepeat } from './retry.js';

export function readJsonAnswer(answer: HttpAnswer): unknown {
  const parsed = parseJson(answer.text);
  if (!parsed.ok) {
    throw new OperationError({
      code: 'connector_error',
      message: `Customer.io answered ${answer.status} with a body that is not JSON: ${answer.text.slice(0, 200)}`,
      status_code: answer.status,
      body: answer.text.slice(0, 2000),
      retryable: false,
    });
  }
  // Customer.io answers most writes with an empty body or `{}`; both mean "done".
  return parsed.value ?? {};
}

interface BatchItemError {
  batch_index?: number;
  reason?: string;
  field?: string;
  message?: string;
}

/** A v2 batch answer: 200 means every item was accepted, 207 lists the items that were not. */
function batchOutput(body: unknown, input: Record<string, unknown>) {
  const total = Array.isArray(input.batch) ? input.batch.length : 0;
  const errors = (body as { errors?: BatchItemError[] })?.errors ?? [];
  const failed = errors.map((e) => ({
    index: e.batch_index ?? -1,
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    ...(e.field !== undefined ? { field: e.field } : {}),
    message: e.message ?? e.reason ?? 'rejected',
  }));
  const failedIndexes = new Set(failed.map((f) => f.index));
  return { accepted: total - failedIndexes.size, failed };
}

function dropdownOutput(body: unknown, mapping: Extract<ResponseMapping, { mode: 'ddl' }>) {
  const items = (body as Record<string, unknown>)?.[mapping.items];
  const list = Array.isArray(items) ? (items as Record<string, unknown>[]) : [];
  return {
    result: list.map((item) => ({
      text: String(item[mapping.text] ?? item[mapping.value]),
      value: item[mapping.value],
    })),
  };
}

export function mapOutput(mapping: ResponseMapping | undefined, body: unknown, input: Record<string, unknown>): unknown {
  switch (mapping?.mode) {
    case undefined:
    case 'body':
      return body;
    case 'unwrap':
      return (body as Record<string, unknown>)?.[mapping.key];
    case 'v2_batch':
      return batchOutput(body, input);
    case 'ddl':
      return dropdownOutput(body, mapping);
    case 'binary':
      return body;
  }
}

/** A file answer, kept byte for byte: JSON can carry it only as base64. */
function readBinaryAnswer(answer: HttpAnswer): unknown {
  const type = answer.headers['content-type'];
  return {
    content_type: (Array.isArray(type) ? type[0] : type) ?? 'application/octet-stream',
    content_base64: (answer.bytes ?? Buffer.from(answer.text, 'utf8')).toString('base64'),
  };
}

const formFieldCache = new WeakMap<OperationFile, ReadonlySet<string>>();
function formFieldsOf(operation: OperationFile): ReadonlySet<string> {
  let fields = formFieldCache.get(operation);
  if (!fields) {
    fields = new Set(Object.keys((operation.input_schema.properties as object | undefined) ?? {}));
    formFieldCache.set(operation, fields);
  }
  return fields;
}

export function planDataOperation(operation: OperationFile, input: Record<string, unknown>, context: PlanContext): CallPlan {
  const http = operation.http!;
  return {
    request: buildRequest(http, input, context.base, formFieldsOf(operation)),
    sendCredentials: http.auth !== false,
    safeToRepeat: isSafeToRepeat(http.method, http.idempotent === true, http.event_ids !== undefined),
    readOutput: operation.response?.mode === 'binary' ? readBinaryAnswer : readJsonAnswer,
  };
}
