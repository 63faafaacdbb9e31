// What the definitions' examples refer to, made in a sandbox before an example runs. Examples
// name ids from a real workspace (export 110, asset 501, a Design Studio email's UUID, …): for
// each, the preparation below creates the thing through the API and puts its id where the
// example had its own, or (where only the UI makes it) maps it onto a seeded one. Shared by
// test/sandbox-operations.test.ts (every example) and test/sandbox-e2e.test.ts (the first
// example of every served operation).
export type Input = Record<string, unknown>;
export type Output = Record<string, unknown>;

export const TRACK = 'customer-io';
export const APP = 'customer-io-app';
export const BETA = 'customer-io-beta';
export const TRIGGER = 'customer-io-trigger';

/** Runs an operation that must succeed and returns its output. */
export type Ok = (connector: string, operation: string, input?: Input) => Promise<Output>;

/** Puts `to` wherever the input (at any depth) holds `from` under one of the keys. */
export function swap(input: Input, keys: string[], from: unknown, to: unknown): Input {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keys.includes(k) && v === from ? to : walk(v)]));
  };
  return walk(input) as Input;
}

/** Every occurrence of a string (a UUID, a cursor…) anywhere in the input replaced. */
function swapText(input: Input, replacements: Record<string, string>): Input {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return replacements[value] ?? value;
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
  };
  return walk(input) as Input;
}

function dataUrl(text: string, type = 'text/csv'): string {
  return `data:${type};base64,${Buffer.from(text).toString('base64')}`;
}

/** The ids of Design Studio's examples, and what stands for each in a world made for one example. */
const DS = {
  brand: '1e0f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  seasonal: '2f1a3b4c-5d6e-4f70-9bac-1d2e3f4a5b6c',
  footer: '3a2b4c5d-6e7f-4a81-8cbd-2e3f4a5b6c7d',
  welcome: '5f1c2b7e-8a3d-4c55-9e61-0a2b3c4d5e6f',
  welcomeFr: '6a2d3c8f-9b4e-4d66-8f72-1b3c4d5e6f70',
  other: '3f1c2a9e-7b4d-4e8f-9a21-5c6d7e8f9a0b',
  welcomeVersion: '4b3c5d6e-7f80-4b92-9dce-3f4a5b6c7d8e',
  otherVersion: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  layout: '9e6f8091-a2b3-4cc5-8012-6c7d8e9fa0b1',
  publish: 'pub_01J8XKR7',
};

/**
 * The people, object and device the examples talk about, (re)made before an example: Ada (ID 42,
 * with an iOS device), 43 (trial, with a phone), Grace, ada+vip, ada.old, ada+news, and the
 * company acme related to 42. Idempotent: identify updates.
 */
export function baseFixtures(ok: Ok) {
  return ok(TRACK, 'send_batch', {
    batch: [
      { type: 'person', action: 'identify', identifiers: { id: '42' }, attributes: { email: 'ada@example.com', plan: 'pro', first_name: 'Ada' } },
      { type: 'person', action: 'add_device', identifiers: { id: '42' }, device: { token: 'fixture-device', platform: 'ios' } },
      { type: 'person', action: 'add_device', identifiers: { id: '42' }, device: { token: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', platform: 'ios' } },
      { type: 'person', action: 'identify', identifiers: { id: '43' }, attributes: { plan: 'trial', phone: '+15555550123' } },
      { type: 'person', action: 'identify', identifiers: { email: 'grace@example.com' }, attributes: { first_name: 'Grace' } },
      { type: 'person', action: 'identify', identifiers: { email: 'ada+vip@example.com' }, attributes: { plan: 'pro' } },
      { type: 'person', action: 'identify', identifiers: { email: 'ada.old@example.com' }, attributes: { first_name: 'Ada' } },
      { type: 'person', action: 'identify', identifiers: { email: 'ada+news@example.com' }, attributes: { first_name: 'Ada' } },
      { type: 'object', action: 'identify', identifiers: { object_type_id: '1', object_id: 'acme' }, attributes: { name: 'Acme Corp', plan: 'enterprise' }, cio_relationships: [{ identifiers: { id: '42' }, relationship_attributes: { role: 'admin' } }] },
    ],
  });
}

type Prepare = (input: Input, connector: string, index: number) => Promise<Input>;

/** The preparations, by operation name; an operation without one runs its examples as they are. */
export function examplePreparations(ok: Ok): Record<string, Prepare> {
  const cioOf = async (id: string) => ((await ok(APP, 'get_customer_attributes', { customer: { id } })).customer as { identifiers: { cio_id: string } }).identifiers.cio_id;
  const cioObjectOfAcme = async () => ((await ok(APP, 'get_object_attributes', { object_type_id: 1, object: { object_id: 'acme' } })).object as { identifiers: { cio_object_id: string } }).identifiers.cio_object_id;
  const deliveryTo42 = async () => (await ok(APP, 'send_transactional_email', { identifiers: { id: '42' }, content: { transactional_message_id: 3 }, message_data: { link: 'https://acme.example/reset' } })).delivery_id as string;
  const trigger = async (audience: Input) => (await ok(APP, 'trigger_broadcast', { broadcast_id: 12, audience })).id as number;
  const webhook = async (connector: string) => (await ok(connector, 'create_reporting_webhook', { name: 'Feed', endpoint: 'https://hooks.acme.example/cio', events: ['email_sent'] })).id as number;
  const collection = async () => ((await ok(APP, 'create_collection', { name: 'rows', source: { data: [{ code: 'A' }] } })).collection as { id: number }).id;
  const segment = async (connector: string) => ((await ok(connector, 'create_manual_segment', { name: 'Doomed' })).segment as { id: number }).id;
  const snippet = (name: string) => ok(APP, 'create_or_update_snippet', { name, value: '<p>Footer</p>' });

  /** A draft like the seeded newsletter 12 (email to segment 7, optionally with a French translation), or of another channel. */
  const newsletter = async (type = 'email', french = true) => {
    const content = type === 'inbox' ? { type, body_json: '{"text":"Hello"}' } : type === 'email' ? { type, subject: 'What is new', body: '<p>Hi {{customer.first_name}}</p>' } : { type, body: 'Hello' };
    const created = (await ok(APP, 'create_newsletter', { name: `Copy of 12 (${type})`, recipients: { segment: { id: 7 } }, content })).newsletter as { id: number; content_ids: number[] };
    if (french) await ok(APP, 'add_newsletter_translation', { newsletter_id: created.id, language: 'fr', subject: 'Quoi de neuf', body: '<p>Bonjour</p>' });
    return { id: created.id, content: created.content_ids[0] };
  };
  /** A draft with test groups A and B (B a copy of A: with fr when the newsletter has it). */
  const withGroups = async (type = 'email', french = true) => {
    const made = await newsletter(type, french);
    await ok(APP, 'create_newsletter_test_group', { newsletter_id: made.id });
    const groups = (await ok(APP, 'list_newsletter_test_groups', { newsletter_id: made.id })).test_groups as { id: number }[];
    return { ...made, a: groups[0].id, b: groups[1].id };
  };

  /** Asset folders 7 (Banners) and 8 (Seasonal, inside 7), and files 501 (logo.png) and 502 (terms.pdf) in 7. */
  const assets = async (input: Input) => {
    const folder = async (name: string, parent?: number) => ((await ok(APP, 'create_asset_folder', { name, ...(parent ? { parent_folder_id: parent } : {}) })).folder as { id: number }).id;
    const banners = await folder('Banners');
    const seasonal = await folder('Seasonal', banners);
    const upload = async (filename: string, type: string) => ((await ok(APP, 'upload_asset', { file_content: 'aGVsbG8=', filename, content_type: type, parent_folder_id: banners })).asset as { id: number }).id;
    const logo = await upload('logo.png', 'image/png');
    const terms = await upload('terms.pdf', 'application/pdf');
    let out = swap(input, ['parent_folder_id', 'folder_id'], 7, banners);
    out = swap(out, ['parent_folder_id', 'folder_id'], 8, seasonal);
    out = swap(out, ['asset_id'], 501, logo);
    return swap(out, ['asset_id'], 502, terms);
  };

  /**
   * A Design Studio like the examples': folders Brand and Seasonal (in Brand), the brand-footer
   * component, the Welcome email (with a French translation, a version and a publish) and another
   * email with a version, inbox-preview jobs when asked. Whatever earlier examples left is
   * removed first, so links and tags start free.
   */
  const designStudio = async (input: Input, options: { component?: boolean; french?: boolean; previews?: boolean } = {}) => {
    const { component = true, french = true, previews = false } = options;
    for (const email of (await ok(APP, 'list_design_emails', {})).emails as { id: string }[]) await ok(APP, 'delete_design_email', { email_id: email.id });
    for (const found of (await ok(APP, 'list_design_components', {})).components as { id: string }[]) await ok(APP, 'delete_design_component', { component_id: found.id });
    const folders = (await ok(APP, 'list_design_folders', {})).folders as { id: string; parent_folder_id: string | null }[];
    const depth = (id: string | null): number => (id === null ? 0 : 1 + depth(folders.find((f) => f.id === id)?.parent_folder_id ?? null));
    for (const folder of folders.sort((a, b) => depth(b.id) - depth(a.id))) await ok(APP, 'delete_design_folder', { folder_id: folder.id });

    const ids: Record<string, string> = {};
    ids[DS.brand] = ((await ok(APP, 'create_design_folder', { name: 'Brand' })).folder as { id: string }).id;
    ids[DS.seasonal] = ((await ok(APP, 'create_design_folder', { name: 'Seasonal', parent_folder_id: ids[DS.brand] })).folder as { id: string }).id;
    if (component) {
      ids[DS.footer] = ((await ok(APP, 'create_design_component', { name: 'Footer', tag: 'brand-footer', content: '<footer><p>Acme Inc. <a href="{% unsubscribe_url %}">Unsubscribe</a></p></footer>', parent_folder_id: ids[DS.brand] })).component as { id: string }).id;
    }
    const email = async (name: string, extra: Input = {}) => ((await ok(APP, 'create_design_email', {
      name, parent_folder_id: ids[DS.brand],
      content: { subject: 'Welcome, {{customer.first_name}}!', preheader_text: 'Your account is ready', html: '<p>Hi {{customer.first_name}}, <a href="https://example.com/start">Get started</a></p><brand-footer></brand-footer>' },
      envelope: { from_id: 3, recipient: '{{customer.email}}' }, ...extra,
    })).email as { id: string }).id;
    ids[DS.welcome] = await email('Welcome');
    ids[DS.other] = await email('Other');
    ids[DS.layout] = await email('Newsletter layout', { is_template: true, parent_folder_id: null });
    if (french) {
      ids[DS.welcomeFr] = ((await ok(APP, 'add_design_email_translation', { email_id: ids[DS.welcome], language: 'fr', content: { subject: 'Bienvenue, {{customer.first_name}} !' } })).email_translation as { id: string }).id;
    }
    const version = async (emailId: string) => ((await ok(APP, 'create_design_email_version', { email_id: emailId, name: 'Before the redesign' })).version as { id: string }).id;
    ids[DS.welcomeVersion] = await version(ids[DS.welcome]);
    ids[DS.otherVersion] = await version(ids[DS.other]);
    ids[DS.publish] = (await ok(APP, 'publish_design_email', { email_id: ids[DS.welcome] })).publish_id as string;
    let out = swapText(input, ids);
    if (previews) {
      const job = async (emailId: string, clients: string[]) => (await ok(APP, 'create_design_email_inbox_preview', { email_id: emailId, client_ids: clients })).run_id as number;
      out = swap(out, ['run_id'], 10, await job(ids[DS.welcome], ['android12_gmailapp_pixel6_dm', 'android12_gmailapp_pixel6_dm_dark']));
      out = swap(out, ['run_id'], 77, await job(ids[DS.other], ['gmail_chrome']));
    }
    // Examples link to a campaign action and a transactional message that are not seeded: action 11 and template 3 are.
    out = swap(out, ['action_id'], 42, 11);
    out = swap(out, ['transactional_message_id'], 7, 3);
    // Sender identity 4 (a reply-to address) is not seeded; 2 is.
    return swap(out, ['reply_to_id'], 4, 2);
  };
  const design = (options?: Parameters<typeof designStudio>[1]): Prepare => (input) => designStudio(input, options);

  const live = async (input: Input) => {
    const started = (await ok(APP, 'start_live_notification', {
      identifiers: { id: '42' }, notification_type: 'io.customer.livenotifications.segments', attributes: { header: 'Order A-1001' },
      content_state: { status: 'Packed', segmentsTotal: 4, segmentsComplete: 1 },
    })).instance_id as string;
    return swap(input, ['instance_id'], '01J9Z8X5K3M7Q2R4T6V8W0Y1AB', started);
  };

  // Seeded templates that stand for the examples' unseeded ones, by channel.
  const templates: Record<string, unknown> = { appointment_reminder: 'login_code', delivery_window: 'order_update_whatsapp', 11: 10, 12: 11 };
  const asSeededTemplate: Prepare = async (input, _connector, index) => {
    const mapped = index === 0 ? input : swap(input, ['transactional_message_id'], input.transactional_message_id, templates[String(input.transactional_message_id)] ?? input.transactional_message_id);
    return swap(mapped, ['cio_id'], 'a3000001', await cioOf('42'));
  };
  const withCio: Prepare = async (input) => swap(input, ['cio_id'], 'a3000001', await cioOf('42'));
  const withAcme: Prepare = async (input) => swap(input, ['cio_object_id'], 'ob020101', await cioObjectOfAcme());
  /** Cursors are each server's own: these examples' cursors from Customer.io mean nothing here, so the first page is read. */
  const firstPage = (prepare: Prepare = async (i) => i): Prepare => async (input, connector, index) => {
    const { start: _start, ...rest } = await prepare(input, connector, index);
    return rest;
  };

  const newsletterCopy = (type = 'email', french = true): Prepare => async (input) => {
    const made = await newsletter(type, french);
    let out = swap(input, ['newsletter_id'], input.newsletter_id, made.id);
    for (const example of [45, 52]) out = swap(out, ['content_id'], example, made.content);
    return out;
  };

  return {
    // Track's examples refer to people the base fixtures make, and these.
    send_transactional_push: asSeededTemplate,
    send_transactional_sms: asSeededTemplate,
    send_transactional_in_app: asSeededTemplate,
    send_transactional_inbox_message: asSeededTemplate,
    send_transactional_whatsapp: asSeededTemplate,
    trigger_broadcast: async (input) => {
      const audience = input.audience as Input | undefined;
      if (!audience?.data_file_url) return input;
      const lines = [{ id: '42', data: { voucher: 'FES-001' } }, { email: 'grace@example.com', data: { voucher: 'FES-002' } }].map((l) => JSON.stringify(l)).join('\n');
      return { ...input, audience: { ...audience, data_file_url: dataUrl(lines, 'application/x-ndjson') } };
    },
    get_broadcast_trigger_status: async (input) => ({ ...input, trigger_id: await trigger({}) }),
    list_broadcast_trigger_errors: async (input) => ({ ...input, trigger_id: await trigger({ data_file_url: dataUrl(['{"id":"42"}', '{"id":"nobody"}', '{"id":"nobody-2"}', '{"email":"nobody@example.com"}'].join('\n'), 'application/x-ndjson') }) }),
    get_customer_attributes: withCio,
    list_customer_messages: async (input, _connector, index) => {
      if (index === 0) return input;
      // The message list's schema wants a subject on every message (see the report): a person who only got email.
      await ok(TRACK, 'create_or_update_customer', { identifier: 'mail-only', email: 'mail-only@example.com' });
      await ok(APP, 'send_transactional_email', { identifiers: { id: 'mail-only' }, content: { transactional_message_id: 3 } });
      return swap(input, ['cio_id'], 'a3000001', await cioOf('mail-only'));
    },
    list_customer_relationships: firstPage(),
    search_objects: firstPage(),
    get_object_attributes: withAcme,
    list_object_relationships: firstPage(withAcme),
    list_newsletter_messages: firstPage(),
    delete_segment: async (input, connector) => ({ ...input, segment_id: await segment(connector) }),
    get_message: async (input) => ({ ...input, message_id: await deliveryTo42() }),
    get_archived_message: async (input) => ({ ...input, message_id: await deliveryTo42() }),

    // Exports and imports
    export_deliveries: async (input) => swap(input, ['newsletter_id'], 9, 12),
    get_export: async (input) => ({ ...input, export_id: ((await ok(APP, 'export_customers', { filters: { segment: { id: 7 } } })).export as { id: number }).id }),
    download_export: async (input) => ({ ...input, export_id: ((await ok(APP, 'export_customers', { filters: { segment: { id: 7 } } })).export as { id: number }).id }),
    create_import: async (input) => {
      const spec = input.import as Input;
      const csv = spec.type === 'object' ? 'object_id,name,plan\nglobex,Globex,pro\ninitech,Initech,free\n' : 'email,first_name,plan\nnew.signup@example.com,Nia,trial\nada@example.com,Ada,pro\n';
      return { import: { ...spec, data_file_url: dataUrl(csv) } };
    },
    get_import: async (input) => {
      const made = (await ok(APP, 'create_import', { import: { type: 'people', name: 'January sign-ups', identifier: 'email', data_file_url: dataUrl('email,plan\njan@example.com,trial\n') } })).import as { id: number };
      return { ...input, import_id: made.id };
    },

    // Newsletters: the seeded draft 12 stays a draft; what changes or sends one gets a copy.
    delete_newsletter: newsletterCopy(),
    send_newsletter: newsletterCopy(),
    schedule_newsletter: newsletterCopy(),
    update_newsletter_content: async (input, connector, index) => newsletterCopy(index === 1 ? 'inbox' : 'email')(input, connector, index),
    add_newsletter_translation: async (input, connector, index) => newsletterCopy(index === 1 ? 'twilio' : 'email', false)(input, connector, index),
    get_newsletter_translation: async (input, connector, index) => {
      const out = await newsletterCopy()(input, connector, index);
      if (input.language === 'pt-BR') await ok(APP, 'add_newsletter_translation', { newsletter_id: out.newsletter_id, language: 'pt-BR', subject: 'Novidades', body: '<p>Olá</p>' });
      return out;
    },
    update_newsletter_translation: newsletterCopy(),
    delete_newsletter_translation: newsletterCopy(),
    create_newsletter_test_group: newsletterCopy(),
    add_newsletter_test_group_translation: async (input, _connector, index) => {
      const made = await withGroups(index === 1 ? 'twilio' : 'email', false);
      return { ...input, newsletter_id: made.id, test_group_id: index === 1 ? String(made.a) : made.b };
    },
    get_newsletter_test_group_translation: async (input) => {
      const made = await withGroups();
      if (input.language === 'pt-BR') await ok(APP, 'add_newsletter_test_group_translation', { newsletter_id: made.id, test_group_id: made.b, language: 'pt-BR', subject: 'Novidades', body: '<p>Olá</p>' });
      return { ...input, newsletter_id: made.id, test_group_id: made.b };
    },
    update_newsletter_test_group_translation: async (input) => {
      const made = await withGroups();
      return { ...input, newsletter_id: made.id, test_group_id: made.b };
    },
    delete_newsletter_test_group_translation: async (input) => {
      const made = await withGroups();
      return { ...input, newsletter_id: made.id, test_group_id: made.b };
    },

    // Snippets, collections, webhooks
    create_snippet: async (input) => {
      await snippet(String(input.name));
      await ok(APP, 'delete_snippet', { snippet_name: input.name });
      return input;
    },
    delete_snippet: async (input) => {
      await snippet(String(input.snippet_name));
      return input;
    },
    create_collection: async (input) => {
      const source = input.source as Input;
      return source.url ? { ...input, source: { url: dataUrl('code,discount\nSPRING10,10\nSPRING20,20\n') } } : input;
    },
    get_collection: async (input) => ({ ...input, collection_id: await collection() }),
    update_collection: async (input) => {
      const source = input.source as Input | undefined;
      return { ...input, collection_id: await collection(), ...(source?.url ? { source: { url: dataUrl('[{"code":"SPRING30","discount":30}]', 'application/json') } } : {}) };
    },
    delete_collection: async (input) => ({ ...input, collection_id: await collection() }),
    get_collection_content: async (input) => ({ ...input, collection_id: await collection() }),
    update_collection_content: async (input) => ({ ...input, collection_id: await collection() }),
    get_reporting_webhook: async (input, connector) => ({ ...input, webhook_id: await webhook(connector) }),
    update_reporting_webhook: async (input, connector) => ({ ...input, webhook_id: await webhook(connector) }),
    delete_reporting_webhook: async (input, connector) => ({ ...input, webhook_id: await webhook(connector) }),

    // ESP suppressions: the address an example finds or removes is listed first.
    search_esp_suppressions: async (input) => {
      await ok(APP, 'add_esp_suppression', { suppression_type: 'bounces', email_address: input.email_address });
      return input;
    },
    remove_esp_suppression: async (input) => {
      await ok(APP, 'add_esp_suppression', { suppression_type: input.suppression_type, email_address: input.email_address });
      return input;
    },

    // Live notifications: 42 has the example's device.
    update_live_notification: live,
    end_live_notification: live,
    get_live_notification: live,

    // Assets
    list_assets: assets,
    list_asset_folders: assets,
    upload_asset: assets,
    create_asset_folder: assets,
    get_asset: assets,
    update_asset: assets,
    delete_asset: assets,
    get_asset_folder: assets,
    update_asset_folder: assets,
    delete_asset_folder: assets,

    // Design Studio
    list_design_components: design(),
    create_design_component: design({ component: false }),
    get_design_component: design(),
    update_design_component: design(),
    delete_design_component: design(),
    list_design_folders: design(),
    create_design_folder: design(),
    get_design_folder: design(),
    update_design_folder: design(),
    delete_design_folder: design(),
    list_design_emails: design(),
    create_design_email: design(),
    get_design_email: design(),
    update_design_email: design(),
    delete_design_email: design(),
    list_design_email_translations: design(),
    add_design_email_translation: design({ french: false }),
    get_design_email_translation: async (input) => {
      const out = await designStudio(input);
      if (input.language === 'pt-BR') await ok(APP, 'add_design_email_translation', { email_id: out.email_id, language: 'pt-BR', content: { subject: 'Bem-vindo!' } });
      return out;
    },
    update_design_email_translation: design(),
    delete_design_email_translation: async (input) => {
      const out = await designStudio(input);
      await ok(APP, 'add_design_email_translation', { email_id: out.email_id, language: input.language });
      return out;
    },
    list_design_email_versions: design(),
    create_design_email_version: design(),
    get_design_email_version: design(),
    restore_design_email_version: design(),
    delete_design_email_version: design(),
    publish_design_email: design(),
    get_design_email_publish_status: design(),
    preview_design_email: design(),
    render_design_email: design(),
    get_design_email_review: design(),
    get_design_email_unpublished_changes: design(),
    link_design_email: design(),
    create_design_email_inbox_preview: design(),
    get_design_email_inbox_preview: design({ previews: true }),
    get_design_email_inbox_preview_capture: design({ previews: true }),
    list_inbox_preview_jobs: design({ previews: true }),
  };
}
