// Design Studio's records: folders, components and emails (a translation is an email node of
// its own, grouped with the email by language_group_id), how the App API shows them, and what
// linking does: the target message (campaign or broadcast action, newsletter, transactional
// message) takes the email's subject, preheader and HTML, so later sends use it.
import { appError } from '../reply.js';
import type { DesignComponent, DesignEmail, DesignEmailContent, DesignEnvelope, DesignLink } from '../records.js';
import type { Action, Row, State } from '../state.js';
import { asDocument, expandComponents, htmlToText } from './design-render.js';
import { recordById, recordsUnder } from './indexes.js';

/** Records a change to an email or translation: it has changes to publish. */
export function touch(node: DesignEmail, now: number): void {
  node.updated = now;
  node.unpublished = true;
}

export function emailNode(state: State, id: string): DesignEmail {
  const email = recordById(state, 'design_emails', id);
  if (!email) throw appError(404, `Design Studio email ${id} not found`);
  return email;
}

/** The email itself (not a translation) an ID names. */
export function defaultEmail(state: State, id: string): DesignEmail {
  const email = emailNode(state, id);
  if (email.language !== '') throw appError(404, `${id} is the ${email.language} translation of email ${email.language_group_id}; use that email's ID`);
  return email;
}

export function translationsOf(state: State, email: DesignEmail): DesignEmail[] {
  return recordsUnder(state, 'design_emails', `g:${email.id}`).filter((e) => e.language !== '');
}

function senderAddress(state: State, id: number | null): string {
  if (id === null) return '';
  const sender = state.sender_identities.find((s) => s.id === id);
  return typeof sender?.address === 'string' ? sender.address : '';
}

function envelopeView(state: State, envelope: DesignEnvelope) {
  return {
    from_id: envelope.from_id,
    ...(envelope.from_id !== null ? { from: senderAddress(state, envelope.from_id) } : {}),
    reply_to_id: envelope.reply_to_id,
    ...(envelope.reply_to_id !== null ? { reply_to: senderAddress(state, envelope.reply_to_id).replace(/^.*<([^>]+)>$/, '$1') } : {}),
    recipient: envelope.recipient,
    bcc: envelope.bcc,
    fake_bcc: envelope.fake_bcc,
    headers: envelope.headers,
  };
}

export function emailView(state: State, email: DesignEmail) {
  const group = email.language === '' ? email : emailNode(state, email.language_group_id);
  return {
    id: email.id,
    name: email.name,
    parent_folder_id: group.parent_folder_id,
    is_template: group.is_template,
    is_linked: group.links.length > 0,
    available_languages: translationsOf(state, group).map((t) => t.language),
    content: { ...email.content },
    envelope: envelopeView(state, email.envelope),
    transformers: email.transformers,
    created: email.created,
    updated: email.updated,
  };
}

export function translationView(state: State, translation: DesignEmail) {
  const { name: _name, ...view } = emailView(state, translation);
  return { language: translation.language, language_group_id: translation.language_group_id, ...view };
}

export function listedEmail(state: State, email: DesignEmail) {
  return {
    id: email.id, name: email.name, parent_folder_id: email.parent_folder_id, is_template: email.is_template,
    is_linked: email.links.length > 0, has_translations: translationsOf(state, email).length > 0, created: email.created, updated: email.updated,
  };
}

export function componentView(component: DesignComponent) {
  return { ...component };
}

/** An envelope from a request, over the one it changes; sender identities must exist. */
export function envelopeFrom(state: State, input: unknown, base: DesignEnvelope): DesignEnvelope {
  if (input === undefined) return base;
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw appError(400, 'envelope must be an object');
  const given = input as Partial<DesignEnvelope>;
  for (const key of ['from_id', 'reply_to_id'] as const) {
    const id = given[key];
    if (id !== undefined && id !== null && !state.sender_identities.some((s) => s.id === id)) throw appError(400, `envelope.${key}: sender identity ${String(id)} does not exist`);
  }
  if (given.headers !== undefined && !Array.isArray(given.headers)) throw appError(400, 'envelope.headers must be a list of {name, value}');
  return { ...base, ...given };
}

export function contentFrom(input: unknown, base: DesignEmailContent): DesignEmailContent {
  if (input === undefined) return base;
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw appError(400, 'content must be an object');
  const unknown = Object.keys(input).filter((key) => !['subject', 'preheader_text', 'html', 'amp', 'text'].includes(key));
  if (unknown.length) throw appError(400, `content has no ${unknown.join(', ')} (it takes subject, preheader_text, html, amp and text)`);
  return { ...base, ...(input as DesignEmailContent) };
}

export const DEFAULT_ENVELOPE: DesignEnvelope = { from_id: null, reply_to_id: null, recipient: '{{customer.email}}', bcc: '', fake_bcc: true, headers: [] };

/** The email's HTML as it is sent: its components placed, a whole document. */
export function renderedHtml(state: State, email: DesignEmail): string {
  return asDocument(expandComponents(email.content.html ?? '', state.design_studio.components), email.language);
}

export function renderedText(state: State, email: DesignEmail): string {
  return email.content.text ?? htmlToText(expandComponents(email.content.html ?? '', state.design_studio.components));
}

interface Target {
  /** Where the message's content lives. */
  row: Row;
  template_id: number;
  /** The Design Studio email already linked to it, if any. */
  linkedTo?: DesignEmail;
}

function emailAction(state: State, id: number): Action | undefined {
  return [...state.campaigns, ...state.broadcasts].flatMap((c) => c.actions).find((a) => a.id === id);
}

/** The message a link target names; it must exist and be an email. */
export function targetOf(state: State, link: Omit<DesignLink, 'template_id'>): Target {
  let row: Row | undefined;
  if (link.type === 'campaign_action') {
    const action = emailAction(state, link.id);
    if (!action) throw appError(404, `action ${link.id} not found`);
    if (action.type !== 'email') throw appError(400, `action ${link.id} is a ${action.type} action; Design Studio emails link to email actions`);
    row = action;
  } else if (link.type === 'newsletter') {
    const newsletter = state.newsletters.find((n) => n.id === link.id);
    if (!newsletter) throw appError(404, `newsletter ${link.id} not found`);
    if (newsletter.type !== 'email') throw appError(400, `newsletter ${link.id} is a ${newsletter.type} newsletter; Design Studio emails link to email newsletters`);
    row = newsletter.contents.find((c) => c.language === '' && c.test_group_id === undefined) ?? newsletter.contents[0];
  } else {
    const template = state.transactional.find((t) => t.id === link.id);
    if (!template) throw appError(404, `transactional message ${link.id} not found`);
    row = template.contents.find((c) => c.type === 'email' && c.language === '');
    if (!row) throw appError(400, `transactional message ${link.id} has no email content to link to`);
  }
  if (!row) throw appError(400, `${link.type} ${link.id} has no content to link to`);
  const linkedTo = recordsUnder(state, 'design_emails', `l:${link.type}:${link.id}`)[0];
  return { row, template_id: row.id, linkedTo };
}

/** Puts the email's subject, preheader, sender and HTML into the linked message. */
export function applyToTarget(state: State, email: DesignEmail, target: Row, now: number): void {
  const changes: Record<string, unknown> = { body: renderedHtml(state, email), updated: now };
  if (email.content.subject !== undefined) changes.subject = email.content.subject;
  if (email.content.preheader_text !== undefined) changes.preheader_text = email.content.preheader_text;
  if (email.envelope.from_id !== null) Object.assign(changes, { from_id: email.envelope.from_id, from: senderAddress(state, email.envelope.from_id) });
  Object.assign(target, changes);
}

/** Re-applies the email to every message it is linked to (after publishing). */
export function applyToLinks(state: State, email: DesignEmail, now: number): void {
  for (const link of email.links) {
    try {
      applyToTarget(state, email, targetOf(state, link).row, now);
    } catch {
      // The target was deleted since; the link stays, as a reminder, and does nothing.
    }
  }
}
