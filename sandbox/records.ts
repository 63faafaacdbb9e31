// The parts of the workspace behind the file-like App endpoints: files the sandbox hosts
// (export CSVs, uploaded assets), exports and imports, assets, Design Studio, live
// notifications and newsletter A/B test groups. Types and their empty values only, imported by
// nothing but state.ts and the modules that keep them (so no import cycle can start here).

/** A file the sandbox serves at /sandbox/files/{id}/{name}: an export's CSV or an uploaded asset. */
export interface HostedFile {
  /** Random and unguessable: the file's address is its only key. */
  id: string;
  name: string;
  content_type: string;
  content_base64: string;
  /** Export links are signed and expire (as Customer.io's do); asset links are public. */
  signed: boolean;
  created: number;
}

export interface ExportJob {
  id: number;
  type: 'customers' | 'deliveries' | 'import_errors';
  description: string;
  /** Everything is exported when it is asked for, so an export is done at once. */
  status: 'done' | 'failed';
  total: number;
  downloads: number;
  file_id: string;
  created_at: number;
  updated_at: number;
}

export interface ImportJob {
  id: number;
  name: string;
  description: string | null;
  type: 'people' | 'event' | 'object' | 'relationship';
  identifier: string | null;
  object_type_id: string | null;
  data_to_process: string;
  data_file_url: string;
  state: 'imported' | 'failed';
  rows_to_import: number;
  rows_imported: number;
  error: string | null;
  /** The export that lists the rows left out and why, when there are any. */
  error_export_id: number | null;
  /** The export that lists the rows skipped (only_new / only_existing), when there are any. */
  warning_export_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface AssetFolder {
  id: number;
  name: string;
  parent_folder_id: number | null;
  created: number;
  updated: number;
}

export interface Asset {
  id: number;
  name: string;
  filename: string;
  parent_folder_id: number | null;
  content_type: string;
  size: number;
  file_id: string;
  created: number;
  updated: number;
}

export interface DesignFolder {
  id: string;
  name: string;
  parent_folder_id: string | null;
  created: number;
  updated: number;
}

export interface DesignComponent {
  id: string;
  name: string;
  tag: string;
  content: string;
  parent_folder_id: string | null;
  created: number;
  updated: number;
}

export interface DesignEmailContent {
  subject?: string;
  preheader_text?: string;
  html?: string;
  amp?: string;
  text?: string;
}

export interface DesignEnvelope {
  from_id: number | null;
  reply_to_id: number | null;
  recipient: string;
  bcc: string;
  fake_bcc: boolean;
  headers: Record<string, unknown>[];
}

/** Where a Design Studio email is used: a campaign or broadcast action, a newsletter or a transactional message. */
export interface DesignLink {
  type: 'campaign_action' | 'newsletter' | 'transactional_message';
  id: number;
  template_id: number;
}

/** An email, or (with a language) one of its translations, which are nodes of their own. */
export interface DesignEmail {
  id: string;
  name: string;
  /** '' for the email itself; a translation's language code otherwise. */
  language: string;
  /** The email's own ID; for a translation, the ID of the email it translates. */
  language_group_id: string;
  parent_folder_id: string | null;
  is_template: boolean;
  content: DesignEmailContent;
  envelope: DesignEnvelope;
  transformers: Record<string, unknown>;
  links: DesignLink[];
  /** The template ID publishing gives this node (one per language), kept across publishes. */
  template_id: number | null;
  published_at: number | null;
  /** Changed since it was last published (or never published). */
  unpublished: boolean;
  created: number;
  updated: number;
}

export interface DesignVersion {
  id: string;
  name: string;
  description: string | null;
  node_id: string;
  created: number;
  created_on_publish: boolean;
  /** The email (and its translations) as they were. */
  nodes: DesignEmail[];
  /** The components the email used then, by tag. */
  components: DesignComponent[];
}

export interface DesignPublish {
  id: string;
  email_id: string;
  mappings: { language: string; node_id: string; template_id: number; version_id: string }[];
  created: number;
}

export interface InboxPreviewJob {
  run_id: number;
  name: string;
  node_id: string;
  client_ids: string[];
  /** What was rendered: a job asked again for the same content and clients is replayed. */
  fingerprint: string;
  created_at: number;
  updated_at: number;
}

export interface InboxPreviewCredits {
  tier: string;
  credits_original: number;
  credits_remaining: number;
  expires_at: number | null;
}

export interface DesignStudio {
  folders: DesignFolder[];
  components: DesignComponent[];
  emails: DesignEmail[];
  versions: DesignVersion[];
  publishes: DesignPublish[];
  inbox_previews: InboxPreviewJob[];
  credits: InboxPreviewCredits[];
}

export interface LiveNotification {
  instance_id: string;
  cio_id: string;
  notification_type: string;
  platform: 'ios' | 'android';
  device_id: string | null;
  attributes: Record<string, unknown>;
  content_state: Record<string, unknown>;
  deep_link: string | null;
  state: 'active' | 'ended';
  started_at: number;
  ended_at: number | null;
  expires_at: number;
  deliveries: { id: string; operation: 'start' | 'update' | 'end'; status: string; source: string; created_at: number }[];
}

/** An A/B test group of a newsletter. Group A holds the newsletter's own contents; the others' contents carry their test_group_id. */
export interface NewsletterTestGroup {
  id: number;
  newsletter_id: number;
  name: string;
  label: string | null;
  winner: boolean;
}

/** The workspace fields this file describes (State extends it). */
export interface Records {
  files: HostedFile[];
  exports: ExportJob[];
  imports: ImportJob[];
  asset_folders: AssetFolder[];
  assets: Asset[];
  design_studio: DesignStudio;
  live_notifications: LiveNotification[];
  newsletter_test_groups: NewsletterTestGroup[];
}

/** A new workspace's: nothing made yet, and the inbox-preview credits a workspace starts with. */
export function emptyRecords(): Records {
  return {
    files: [],
    exports: [],
    imports: [],
    asset_folders: [],
    assets: [],
    design_studio: {
      folders: [], components: [], emails: [], versions: [], publishes: [], inbox_previews: [],
      credits: [{ tier: 'free', credits_original: 100, credits_remaining: 100, expires_at: null }],
    },
    live_notifications: [],
    newsletter_test_groups: [],
  };
}
