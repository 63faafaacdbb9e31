// Where Customer.io's reporting-webhooks document (openapi/customer-io-reporting-webhooks-openapi.json)
// is wrong, and what `npm run gen:triggers` writes instead: the one place such fixes live. Each
// entry says what the document says, what is right, and why. They are applied to the document
// before it is converted; an entry whose place no longer says what it corrects stops the
// generator, because Customer.io has changed that part and the entry must be looked at again.

export type Correction =
  /** The value at `at` (a JSON pointer into the document) is `says`; `right` replaces it. */
  | { at: string; says: unknown; right: unknown; why: string }
  /** The object at `at` has a key `renames` that should be called `to`. */
  | { at: string; renames: string; to: string; why: string };

const BROADCAST_WITHOUT_TRIGGER_ID =
  'The document\'s own email_sent and sms_sent examples are broadcast deliveries (broadcast_id 9, action_id 42) that carry no trigger_id: ' +
  'with trigger_id required they fit none of the branches, so trigger_id is optional (it is still described where it comes).';

export const CORRECTIONS: Correction[] = [
  {
    // The known slip: "Push drafted" declares the metric of "Push attempted".
    at: '/components/schemas/push_drafted/allOf/1/properties/metric/enum',
    says: ['attempted'],
    right: ['drafted'],
    why:
      'push_drafted is titled "Push drafted" and described "A push notification was drafted", every other channel\'s drafted event ' +
      'declares the metric drafted, and push_attempted already declares attempted: with the slip the two could not be told apart.',
  },
  {
    at: '/components/schemas/person_cio_subscription_preferences_changed/properties',
    renames: 'object_type_type',
    to: 'object_type',
    why: 'Every event carries its channel in object_type (this event\'s own description says so); object_type_type is a typo.',
  },
  {
    at: '/components/schemas/person_cio_subscription_preferences_changed/required',
    says: ['metric', 'event_id', 'data', 'timestamp'],
    right: ['metric', 'event_id', 'object_type', 'data', 'timestamp'],
    why: 'Every other event requires object_type, and a subscription change always names the channel that caused it (customer when none did).',
  },
  {
    at: '/components/schemas/event_common_data/oneOf/0/required',
    says: ['trigger_id', 'broadcast_id', 'delivery_id', 'action_id', 'identifiers'],
    right: ['broadcast_id', 'delivery_id', 'action_id', 'identifiers'],
    why: BROADCAST_WITHOUT_TRIGGER_ID,
  },
  {
    at: '/components/schemas/other_event_common_data/oneOf/0/required',
    says: ['trigger_id', 'broadcast_id', 'delivery_id', 'action_id', 'identifiers'],
    right: ['broadcast_id', 'delivery_id', 'action_id', 'identifiers'],
    why: BROADCAST_WITHOUT_TRIGGER_ID,
  },
  {
    at: '/components/schemas/person_cio_subscription_preferences_common/oneOf/0/required',
    says: ['trigger_id', 'broadcast_id', 'delivery_id', 'action_id'],
    right: ['broadcast_id', 'delivery_id', 'action_id'],
    why: BROADCAST_WITHOUT_TRIGGER_ID,
  },
  {
    at: '/components/schemas/email_sent/allOf/1/properties/data/allOf/1/required',
    says: ['recipient', 'subject'],
    right: ['recipient'],
    why: 'The document\'s own email_sent example has no subject; the subject is still described, and required on the other email events.',
  },
  {
    at: '/components/schemas/email_failed/allOf/1/properties/data/allOf/1/properties',
    says: {
      subject: { type: 'string', description: 'The subject of the email.' },
      failure_message: { $ref: '#/components/schemas/failure_message' },
    },
    right: {
      subject: { type: 'string', description: 'The subject of the email.' },
      recipient: { $ref: '#/components/schemas/recipient_not_templated' },
      failure_message: { $ref: '#/components/schemas/failure_message' },
    },
    why: 'email_failed requires recipient but leaves it undescribed (strict validators refuse that); it is the recipient every other email event describes.',
  },
  {
    at: '/components/schemas/event_common_data/oneOf/3/properties/transactional_message_id',
    says: { description: 'The transactional message template you used for your message.' },
    right: { description: 'The transactional message template you used for your message.', type: ['integer', 'string'] },
    why:
      'The document gives no type, which reads as "any value" (and generated types make it an object). The App API numbers transactional ' +
      'messages (and takes a trigger name in their place when sending), so the ID is a number or a text.',
  },
];

function pointerParts(pointer: string): string[] {
  return pointer.replace(/^\//, '').split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The object holding the last part of `pointer`, and that part. */
function parentOf(document: unknown, pointer: string): { parent: Record<string, unknown>; key: string } {
  const parts = pointerParts(pointer);
  const key = parts.pop()!;
  let node = document;
  for (const part of parts) {
    if (node === null || typeof node !== 'object' || !(part in node)) throw new Error(`the reporting-webhooks document has no ${pointer}`);
    node = (node as Record<string, unknown>)[part];
  }
  if (node === null || typeof node !== 'object' || !(key in node)) throw new Error(`the reporting-webhooks document has no ${pointer}`);
  return { parent: node as Record<string, unknown>, key };
}

/** `object` with `from` renamed `to`, in the same place among its keys. */
function renamedKey(object: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key === from ? to : key, value]));
}

/** Applies every correction to `document` (changed in place); throws when one no longer fits. */
export function applyCorrections(document: unknown, corrections: Correction[] = CORRECTIONS): void {
  for (const correction of corrections) {
    const { parent, key } = parentOf(document, correction.at);
    if ('renames' in correction) {
      const object = parent[key] as Record<string, unknown>;
      if (!(correction.renames in object) || correction.to in object) {
        throw new Error(`${correction.at} no longer has "${correction.renames}" (or already has "${correction.to}"): the document changed; review this correction`);
      }
      parent[key] = renamedKey(object, correction.renames, correction.to);
    } else {
      if (JSON.stringify(parent[key]) !== JSON.stringify(correction.says)) {
        throw new Error(`${correction.at} no longer says ${JSON.stringify(correction.says)} (it says ${JSON.stringify(parent[key])}): the document changed; review this correction`);
      }
      parent[key] = structuredClone(correction.right);
    }
  }
}
