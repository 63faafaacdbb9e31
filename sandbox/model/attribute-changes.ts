// The `attribute_change` activities an identify leaves in the activity log, as the App API's
// activity schema describes them: one per attribute whose value changed, `name` the attribute
// (so `?type=attribute_change&name=plan` finds changes to plan) and `data` `{<name>: {from, to}}`
// with both values as text, `from` empty when the person did not have the attribute before.
import type { Attributes, Person, State } from '../state.js';
import { recordActivity } from './activities.js';
import { attributeText, ownAttribute } from './attributes.js';
import { updateProfile, type ProfileChanges } from './people.js';

function textOf(attributes: Attributes, name: string): string | undefined {
  const value = ownAttribute(attributes, name);
  return value === undefined ? undefined : attributeText(value);
}

/** Records a change for every attribute whose text differs between `before` and the person now. */
export function recordAttributeChanges(state: State, person: Person, before: Attributes, at: number): void {
  const names = new Set([...Object.keys(before), ...Object.keys(person.attributes)]);
  for (const name of names) {
    const from = textOf(before, name) ?? '';
    const to = textOf(person.attributes, name) ?? '';
    if (from === to) continue;
    // A computed key is always an own property, `__proto__` included.
    recordActivity(state, { type: 'attribute_change', name, timestamp: at, person, data: { [name]: { from, to } } }, at);
  }
}

/** updateProfile, leaving an attribute_change activity for each attribute it changed. */
export function identifyRecorded(state: State, person: Person, changes: ProfileChanges, at: number): void {
  const before = { ...person.attributes };
  updateProfile(state, person, changes, at);
  recordAttributeChanges(state, person, before, at);
}
