// A value as the runtime uses it: normalised (defaults filled in, dates as Unix seconds), then
// checked against its schema, with a message that names each field and rule.
import type { Services } from '../services.js';
import type { JsonSchema } from '../definitions.js';
import { userInputError } from '../envelope.js';
import { normalise } from './normalise.js';
import { describeErrors } from './validation.js';

export function checked(services: Pick<Services, 'validator'>, schema: JsonSchema, value: unknown, root: 'input' | 'auth'): Record<string, unknown> {
  const normalised = root === 'input' ? normalise(schema, value) : value;
  const validate = services.validator(schema);
  if (!validate(normalised)) {
    const problems = describeErrors(validate.errors ?? [], schema, root, normalised);
    throw userInputError(problems.map((p) => p.message).join('; '), problems);
  }
  return normalised as Record<string, unknown>;
}
