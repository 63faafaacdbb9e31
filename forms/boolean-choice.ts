// A yes/no field as choices a person can see: a checkbox cannot tell "not set" from "no", and
// the two send different things (nothing, or false). An optional field offers Not set / Yes /
// No; a field with a `default` offers Yes / No with the default marked, since leaving it alone
// sends the default (the runtime fills defaults in); a required field offers Yes / No.
import type { JsonSchema } from './schema-form.js';

export interface BooleanChoice {
  /** undefined: not set, nothing is sent. */
  value: boolean | undefined;
  label: string;
}

const word = (value: boolean) => (value ? 'Yes' : 'No');

export function booleanChoices(schema: JsonSchema, required: boolean): BooleanChoice[] {
  if (typeof schema.default === 'boolean') {
    const fallback = schema.default;
    return [true, false].map((value) => ({ value, label: value === fallback ? `${word(value)} (default)` : word(value) }));
  }
  const yesNo: BooleanChoice[] = [
    { value: true, label: 'Yes' },
    { value: false, label: 'No' },
  ];
  return required ? yesNo : [{ value: undefined, label: 'Not set' }, ...yesNo];
}
