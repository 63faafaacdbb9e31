// Campaign and broadcast actions (their messages) and their translations: shown with the
// translation's fields over the default ones, and updated field by field.
import { appError } from '../reply.js';
import type { Action, Row, State } from '../state.js';

const FIXED = ['id', 'type', 'broadcast_id', 'campaign_id', 'parent_action_id', 'created', 'updated', 'deduplicate_id', 'language', 'translations'];
const SENDING_STATES = ['automatic', 'draft', 'off'];

export function findAction(actions: Action[], id: number): Action {
  const action = actions.find((a) => a.id === id);
  if (!action) throw appError(404, `action ${id} not found`);
  return action;
}

export function actionView(action: Action, language?: string) {
  const { translations, ...fields } = action;
  // Own translations only: the language comes from the path, and `__proto__` must not find Object.prototype.
  if (language !== undefined && language !== '' && !Object.hasOwn(translations, language)) throw appError(404, `action ${action.id} has no ${language} translation`);
  const translated = language ? { ...fields, ...translations[language], language } : fields;
  return { ...translated, deduplicate_id: `${action.id}:${translated.updated as number}` };
}

/** Applies an update to the default content or to one translation. */
export function updateAction(state: State, action: Action, body: Record<string, unknown>, now: number, language?: string): void {
  const changes = Object.fromEntries(Object.entries(body).filter(([key]) => !FIXED.includes(key)));
  if (changes.sending_state !== undefined && !SENDING_STATES.includes(String(changes.sending_state))) {
    throw appError(400, `sending_state must be one of ${SENDING_STATES.join(', ')}`);
  }
  if (changes.from_id !== undefined) {
    const sender = state.sender_identities.find((s) => s.id === Number(changes.from_id));
    if (!sender) throw appError(400, `sender identity ${String(changes.from_id)} does not exist`);
    changes.from = sender.address;
  }
  if (language) {
    if (!Object.hasOwn(action.translations, language)) throw appError(404, `action ${action.id} has no ${language} translation`);
    Object.assign(action.translations[language], changes, { updated: now });
  } else {
    Object.assign(action, changes);
  }
  action.updated = now;
}

export function rowView<T extends Row>(row: T, omit: string[] = []) {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !omit.includes(key)));
}
