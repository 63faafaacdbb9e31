// The plan for an operation described entirely by its definition file.
import type { CallPlan, HttpAnswer, Planner } from '../contracts.js';
import type { OperationFile } from '../definitions.js';
import { OperationError } from '../envelope.js';
import { parseJson } from '../parse-json.js';
import { buildRequest } from './build-request.js';
import { mappingIsSafeToRepeat } from './safe-to-repeat.js';

export function readJsonAnswer(answer: HttpAnswer): unknown {
  const parsed = parseJson(answer.text);
  if (!parsed.ok) {
    throw new OperationError({
      code: 'connector_error',
      message: `Customer.io answered ${answer.status} with a body that is not JSON: ${answer.text.slice(0, 200)}`,
      status_code: answer.status,
      body: answer.text.slice(0, 2000),
    });
  }
  // Customer.io answers most writes with an empty body or `{}`; both mean "done".
  return parsed.value ?? {};
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

export const planDataOperation: Planner = (input, context): CallPlan => {
  const { operation } = context;
  const http = operation.http!;
  return {
    request: buildRequest(http, input, context.base, formFieldsOf(operation)),
    sendCredentials: http.auth !== false,
    safeToRepeat: mappingIsSafeToRepeat(http),
    readOutput: operation.response?.mode === 'binary' ? readBinaryAnswer : readJsonAnswer,
  };
};
