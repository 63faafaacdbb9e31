// The sandbox's whole workspace as one JSON-serialisable value. Lookups into it go through the
// indexes kept beside it (model/indexes.ts); its file persistence (a snapshot and a journal of
// changes) is persistence/.
import { emptyRecords, type Records } from './records.js';
export type Attributes = Record<string, unknown>;

/** A segment's or newsletter's audience rule (model/filters.ts applies it). */
export interface AttributeCondition {
  field: string;
  operator: 'eq' | 'exists';
  value?: string;
  type_id?: string | number;
  /** Newsletter recipients: turn the test around (does not equal, does not exist). */
  inverse?: boolean;
}

export interface Filter {
  and?: Filter[];
  or?: Filter[];
  not?: Filter;
  segment?: { id: number };
  attribute?: AttributeCondition;
  object_attribute?: AttributeCondition;
}

export interface Device {
  id: string;
  platform: string;
  last_used: number | null;
  attributes: Attributes;
}

export interface OptOut {
  channel: string;
  from: string;
}

export interface Person {
  cio_id: string;
  id: string | null;
  email: string | null;
  phone: string | null;
  attributes: Attributes;
  /** Attribute name → when it was last set, in Unix seconds. */
  timestamps: Record<string, number>;
  unsubscribed: boolean;
  devices: Device[];
  /** cio_subscription_preferences: `topic_<id>` → subscribed. */
  topics: Record<string, boolean>;
  anonymous_ids: string[];
  optouts: OptOut[];
  created_at: number;
  updated_at: number;
}

export interface PersonIdentifiers {
  id: string | null;
  email: string | null;
  cio_id: string;
}

export interface Activity {
  id: string;
  type: string;
  name: string | null;
  timestamp: number;
  cio_id: string | null;
  anonymous_id: string | null;
  /** The person's identifiers when it was recorded: shown once the person is deleted. */
  identifiers: PersonIdentifiers | null;
  data: Attributes | null;
  delivery_id: string | null;
  delivery_type: string | null;
  deleted: boolean;
}

export interface Segment {
  id: number;
  name: string;
  description: string;
  type: 'manual' | 'dynamic';
  tags: string[] | null;
  created_at: number;
  updated_at: number;
  /** Manual segments: the cio_ids of their members, in the order they were added. */
  members: string[];
  /** Dynamic segments: who belongs, evaluated on every read. */
  filter?: Filter;
}

export interface ObjectType {
  id: string;
  name: string;
  singular_name: string;
  slug: string;
  singular_slug: string;
  icon: string;
  enabled: boolean;
}

export interface WorkspaceObject {
  object_type_id: string;
  object_id: string;
  cio_object_id: string;
  attributes: Attributes;
  timestamps: Record<string, number>;
  created_at: number;
  updated_at: number;
}

export interface Relationship {
  object_type_id: string;
  object_id: string;
  /** The person, or (for identify_anonymous) the anonymous visitor until they are identified. */
  cio_id: string | null;
  anonymous_id: string | null;
  attributes: Attributes;
  timestamps: Record<string, number>;
}

export type DeliveryType = 'email' | 'push' | 'twilio' | 'in_app' | 'inbox' | 'whatsapp';

export interface Delivery {
  id: string;
  type: DeliveryType;
  cio_id: string | null;
  identifiers: PersonIdentifiers | null;
  recipient: string | null;
  from: string | null;
  reply_to: string | null;
  bcc: string | null;
  subject: string | null;
  preheader_text: string | null;
  body: string | null;
  transactional_message_id: number | null;
  broadcast_id: number | null;
  trigger_id: number | null;
  campaign_id: number | null;
  action_id: number | null;
  newsletter_id: number | null;
  content_id: number | null;
  message_data: Attributes | null;
  created: number;
  /** Metric name → when the delivery reached it. */
  metrics: Record<string, number>;
  failure_message: string | null;
  /** Links clicked, reported through Track's delivery metrics. */
  clicks: { href: string; timestamp: number }[];
}

/** Seeded resources whose many fields the sandbox only stores and returns. */
export type Row = Record<string, unknown> & { id: number };

export interface Action extends Row {
  type: string;
  sending_state: string;
  /** Language code → the fields that differ in that translation. */
  translations: Record<string, Attributes>;
}

export interface Broadcast extends Row {
  name: string;
  active: boolean;
  /** The audience used when a trigger names none. */
  recipients: Filter | null;
  actions: Action[];
}

export interface Campaign extends Row {
  name: string;
  actions: Action[];
}

export interface Trigger {
  id: number;
  broadcast_id: number;
  created_at: number;
  processed_at: number | null;
  recipients_count: number;
  data_file_processed?: boolean;
  data_file_error_count: number;
  errors: string[];
}

export interface TransactionalContent extends Row {
  language: string;
  type: string;
}

export interface TransactionalTemplate extends Row {
  name: string;
  trigger_name: string;
  contents: TransactionalContent[];
}

export interface NewsletterContent extends Row {
  newsletter_id: number;
  type: string;
  language: string;
  updated: number;
}

export interface Newsletter extends Row {
  name: string;
  type: string;
  recipients: Filter | null;
  subscription_topic_id: number | null;
  tags: string[] | null;
  sent_at: number | null;
  created: number;
  updated: number;
  contents: NewsletterContent[];
}

export interface Snippet {
  name: string;
  value: string;
  updated_at: number;
}

export interface Collection {
  id: number;
  name: string;
  rows: unknown[];
  created_at: number;
  updated_at: number;
}

export interface ReportingWebhook {
  id: number;
  name: string;
  type: string;
  endpoint: string;
  events: string[];
  disabled: boolean;
  full_resolution: boolean;
  with_content: boolean;
}

export interface EspSuppression {
  type: string;
  email: string;
  created: number;
  reason: string;
  status: string;
}

export interface FormConnection {
  id: string;
  submissions: number;
  last_submitted_at: number;
}

/** Files, exports, imports, assets, Design Studio, live notifications and test groups are in records.ts. */
export interface State extends Records {
  version: 1;
  workspace: { id: number; name: string; environment_id: number; region: 'us' | 'eu' };
  /** Last number handed out per kind of ID. */
  counters: Record<string, number>;
  people: Person[];
  suppressed: { ids: string[]; emails: string[]; phones: string[] };
  activities: Activity[];
  /** Event IDs already recorded: a repeat is ignored (Customer.io's only server-side dedupe). */
  seen_event_ids: string[];
  segments: Segment[];
  object_types: ObjectType[];
  objects: WorkspaceObject[];
  relationships: Relationship[];
  deliveries: Delivery[];
  transactional: TransactionalTemplate[];
  broadcasts: Broadcast[];
  triggers: Trigger[];
  campaigns: Campaign[];
  newsletters: Newsletter[];
  sender_identities: Row[];
  topics: Row[];
  channels: Row[];
  subscription_header: Attributes;
  snippets: Snippet[];
  collections: Collection[];
  reporting_webhooks: ReportingWebhook[];
  esp_suppressions: EspSuppression[];
  ip_addresses: string[];
  attribute_descriptions: Attributes[];
  event_descriptions: Attributes[];
  forms: FormConnection[];
  /** Tracked link href → its ID, for link metrics. */
  links: Record<string, number>;
}

export function emptyState(region: 'us' | 'eu' = 'us'): State {
  return {
    version: 1,
    workspace: { id: 101, name: 'Sandbox', environment_id: 101, region },
    counters: {},
    people: [],
    suppressed: { ids: [], emails: [], phones: [] },
    activities: [],
    seen_event_ids: [],
    segments: [],
    object_types: [],
    objects: [],
    relationships: [],
    deliveries: [],
    transactional: [],
    broadcasts: [],
    triggers: [],
    campaigns: [],
    newsletters: [],
    sender_identities: [],
    topics: [],
    channels: [],
    subscription_header: {},
    snippets: [],
    collections: [],
    reporting_webhooks: [],
    esp_suppressions: [],
    ip_addresses: [],
    attribute_descriptions: [],
    event_descriptions: [],
    forms: [],
    links: {},
    ...emptyRecords(),
  };
}
