// Customer.io's official Node client (customerio-node, a dev dependency) against the sandbox:
// every public method of TrackClient and APIClient, with the client's `url` option pointed at
// the sandbox, is accepted (no error, no "does not serve") and answered in the shape of the
// operation whose endpoint it calls (that operation's output schema, checked with the
// runtime's validator). The methods are listed here by name, so a client release that adds one
// fails this suite until it is listed (and served). The sandbox journals to a state file, which
// at the end must replay to the same workspace.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIClient, DeliveryExportMetric, FilterOperator, IdentifierType, SendEmailRequest, SendInAppRequest, SendInboxMessageRequest,
  SendPushRequest, SendSMSRequest, SendWhatsAppRequest, TrackClient,
} from 'customerio-node';
import { loadConnectors, type Registry } from '../runtime/index.js';
import { loadManifest } from '../runtime/loader.js';
import { compileSchema, describeErrors } from '../runtime/input/validation.js';
import { readSandboxStateFile, startSandbox, type Sandbox } from '../sandbox/index.js';
import { APP, TRACK, baseFixtures, type Input, type Output } from './sandbox-examples.js';

type Answer = Record<string, unknown>;
/** What earlier calls made and later ones use (ids of a segment, a newsletter, an email…). */
type Made = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** A method, the operation whose output schema its answer must fit (undefined: checked by the call itself), and the call. */
type Call<C> = [method: string, operation: string | undefined, call: (client: C, made: Made) => Promise<Answer>];

const definitions = new Map(loadManifest().map((c) => [c.name, c]));
const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

let sandbox: Sandbox;
const stateDir = mkdtempSync(join(tmpdir(), 'cio-sandbox-client-'));
const stateFile = join(stateDir, 'state.json');
let registry: Registry;
let track: TrackClient;
let api: APIClient;
const made: Made = {};

async function ok(connector: string, operation: string, input: Input = {}): Promise<Output> {
  const auth = connector === TRACK
    ? { site_id: sandbox.credentials.site_id, api_key: sandbox.credentials.track_api_key, region: 'us' }
    : { api_key: sandbox.credentials.app_api_key, region: 'us' };
  const result = await registry.execute({ connector, operation, auth, input, options: { origin: sandbox.origin } });
  if (!result.ok || !('output' in result)) throw new Error(`${operation} failed: ${JSON.stringify(result).slice(0, 500)}`);
  return result.output as Output;
}

const TRACK_CALLS: Call<TrackClient>[] = [
  ['identify', 'create_or_update_customer', (c) => c.identify('client-1', { email: 'client@example.com', plan: 'pro', first_name: 'Cli' })],
  ['addDevice', 'add_or_update_device', (c) => c.addDevice('client-1', 'client-device', 'ios', { last_used: now(), app_version: '1.2' })],
  ['deleteDevice', 'delete_device', (c) => c.deleteDevice('client-1', 'client-device')],
  ['track', 'track_custom_event', (c) => c.track('client-1', { name: 'purchase', data: { total: 9.5 } })],
  ['trackAnonymous', 'track_anonymous_event', (c) => c.trackAnonymous('anon-1', { name: 'viewed_pricing', data: { plan: 'pro' } })],
  ['trackPageView', 'track_page_view', (c) => c.trackPageView('client-1', 'https://acme.example/pricing')],
  ['batch', 'send_batch', (c) => c.batch([
    { type: 'person', action: 'identify', identifiers: { id: 'client-2' }, attributes: { plan: 'trial' } },
    { type: 'person', action: 'event', identifiers: { id: 'client-2' }, name: 'signed_up' },
  ])],
  ['entity', 'send_entity', (c) => c.entity({ type: 'person', action: 'identify', identifiers: { id: 'client-3' }, attributes: { plan: 'free' } })],
  ['mergeCustomers', 'merge_customers', (c) => c.mergeCustomers(IdentifierType.Id, 'client-2', IdentifierType.Id, 'client-3')],
  ['getAccountRegion', 'get_account_region', (c) => c.getAccountRegion()],
  ['addCustomersToSegment', 'add_customers_to_segment', (c) => c.addCustomersToSegment(8, ['client-1'])],
  ['removeCustomersFromSegment', 'remove_customers_from_segment', (c) => c.removeCustomersFromSegment(8, ['client-1'], IdentifierType.Id)],
  ['submitForm', 'submit_form', (c) => c.submitForm('newsletter-signup', { email: 'form@example.com', name: 'Form' })],
  ['reportMetric', 'report_delivery_metric', (c, m) => c.reportMetric({ delivery_id: m.trackDelivery, metric: 'opened', timestamp: now() })],
  ['trackPush', 'report_push_metric', (c, m) => c.trackPush({ delivery_id: m.pushDelivery, event: 'opened', device_id: 'fixture-device', timestamp: now() })],
  ['unsubscribe', 'unsubscribe_delivery', (c, m) => c.unsubscribe(m.trackDelivery)],
  ['suppress', 'suppress_customer', (c) => c.suppress('client-suppressed')],
  ['unsuppress', 'unsuppress_customer', (c) => c.unsuppress('client-suppressed')],
  ['destroy', 'delete_customer', (c) => c.destroy('client-2')],
];

const inAWeek = now() + 7 * DAY;

const API_CALLS: Call<APIClient>[] = [
  // Sends
  ['sendEmail', 'send_transactional_email', async (c, m) => {
    const request = new SendEmailRequest({ to: 'ada@example.com', identifiers: { id: '42' }, transactional_message_id: 3, message_data: { link: 'https://acme.example/reset' } });
    request.attach('note.txt', 'hello');
    const answer = await c.sendEmail(request);
    m.delivery = answer.delivery_id;
    return answer;
  }],
  ['sendPush', 'send_transactional_push', (c) => c.sendPush(new SendPushRequest({ identifiers: { id: '42' }, transactional_message_id: 5, message_data: { order_id: 'A-1' } }))],
  ['sendSMS', 'send_transactional_sms', (c) => c.sendSMS(new SendSMSRequest({ identifiers: { id: '43' }, transactional_message_id: 7, message_data: { code: '123456' } }))],
  ['sendWhatsApp', 'send_transactional_whatsapp', (c) => c.sendWhatsApp(new SendWhatsAppRequest({ identifiers: { id: '43' }, transactional_message_id: 9 }))],
  ['sendInboxMessage', 'send_transactional_inbox_message', (c) => c.sendInboxMessage(new SendInboxMessageRequest({ identifiers: { id: '42' }, transactional_message_id: 11 }))],
  ['sendInApp', 'send_transactional_in_app', (c) => c.sendInApp(new SendInAppRequest({ identifiers: { id: '42' }, transactional_message_id: 10 }))],
  ['triggerBroadcast', 'trigger_broadcast', async (c, m) => {
    const answer = await c.triggerBroadcast(12, { headline: 'Spring' }, { ids: ['42', 'nobody'], id_ignore_missing: false });
    m.trigger = answer.id;
    return answer;
  }],

  // People and objects
  ['getCustomersByEmail', 'get_customers_by_email', (c) => c.getCustomersByEmail('ada@example.com')],
  ['getAttributes', 'get_customer_attributes', (c) => c.getAttributes('ada@example.com', IdentifierType.Email)],
  // Events only, and a person who only got email: the schemas of these two lists want a name on
  // every activity and a subject on every message, which Customer.io's own examples do not have.
  ['getCustomerActivities', 'list_customer_activities', (c) => c.getCustomerActivities('42', { limit: 5, type: 'event' })],
  ['getCustomerMessages', 'list_customer_messages', (c) => c.getCustomerMessages('grace@example.com', { idType: IdentifierType.Email })],
  ['getCustomerRelationships', 'list_customer_relationships', (c) => c.getCustomerRelationships('42', { limit: 5 })],
  ['getCustomerSegments', 'list_customer_segments', (c) => c.getCustomerSegments('43')],
  ['getCustomerSubscriptionPreferences', 'get_customer_subscription_preferences', (c) => c.getCustomerSubscriptionPreferences('42', { language: 'fr' })],
  ['searchCustomers', 'search_customers', (c) => c.searchCustomers({ or: [{ segment: { id: 7 } }, { attribute: { field: 'plan', operator: FilterOperator.Eq, value: 'pro' } }] }, { limit: 10 })],
  ['getCustomersAttributes', 'get_bulk_customer_attributes', (c) => c.getCustomersAttributes(['42', '43'])],
  ['getObjectAttributes', 'get_object_attributes', (c) => c.getObjectAttributes(1, 'acme')],
  ['getObjectRelationships', 'list_object_relationships', (c) => c.getObjectRelationships(1, 'acme', { limit: 5 })],
  ['findObjects', 'search_objects', (c) => c.findObjects(1, { object_attribute: { field: 'plan', operator: FilterOperator.Eq, value: 'enterprise', type_id: 1 } })],
  ['listObjectTypes', 'list_object_types', (c) => c.listObjectTypes()],
  ['listActivities', 'list_activities', (c) => c.listActivities({ type: 'event', limit: 5 })],

  // Segments
  ['listSegments', 'list_segments', (c) => c.listSegments()],
  ['createSegment', 'create_manual_segment', async (c, m) => {
    const answer = await c.createSegment({ name: 'Client segment', description: 'Made by the official client' });
    m.segment = (answer.segment as { id: number }).id;
    return answer;
  }],
  ['getSegment', 'get_segment', (c, m) => c.getSegment(m.segment)],
  ['getSegmentCustomerCount', 'get_segment_customer_count', (c) => c.getSegmentCustomerCount(7)],
  ['getSegmentMembership', 'list_segment_members', (c) => c.getSegmentMembership(7, { limit: 5 })],
  ['getSegmentUsedBy', 'get_segment_usage', (c) => c.getSegmentUsedBy(7)],
  ['deleteSegment', 'delete_segment', (c, m) => c.deleteSegment(m.segment)],

  // Subscription center
  ['listSubscriptionTopics', 'list_subscription_topics', (c) => c.listSubscriptionTopics()],
  ['listSubscriptionChannels', 'list_subscription_channels', (c) => c.listSubscriptionChannels()],
  ['getSubscriptionCenterToken', 'get_subscription_center_token', (c) => c.getSubscriptionCenterToken('42')],

  // Transactional messages
  ['listTransactionalMessages', 'list_transactional_messages', (c) => c.listTransactionalMessages()],
  ['getTransactionalMessage', 'get_transactional_message', (c) => c.getTransactionalMessage(3)],
  ['getTransactionalMessageContents', 'list_transactional_message_contents', (c) => c.getTransactionalMessageContents(3)],
  ['getTransactionalMessageLanguage', 'get_transactional_message_translation', (c) => c.getTransactionalMessageLanguage(3, 'fr')],
  ['updateTransactionalMessageLanguage', 'update_transactional_message_translation', (c) => c.updateTransactionalMessageLanguage(3, 'fr', { subject: 'Votre lien' })],
  ['updateTransactionalMessageContent', 'update_transactional_message_content', (c) => c.updateTransactionalMessageContent(3, 139, { subject: 'Your reset link' })],
  ['getTransactionalMessageDeliveries', 'list_transactional_message_deliveries', (c) => c.getTransactionalMessageDeliveries(3, { limit: 5 })],
  ['getTransactionalMessageMetrics', 'get_transactional_message_metrics', (c) => c.getTransactionalMessageMetrics(3, { period: 'days', steps: 2 })],
  ['getTransactionalMessageLinkMetrics', 'get_transactional_message_link_metrics', (c) => c.getTransactionalMessageLinkMetrics(3, { period: 'weeks', steps: 2, unique: true })],

  // Campaigns
  ['listCampaigns', 'list_campaigns', (c) => c.listCampaigns()],
  ['getCampaign', 'get_campaign', (c) => c.getCampaign(5)],
  ['getCampaignActions', 'list_campaign_actions', (c) => c.getCampaignActions(5)],
  ['getCampaignAction', 'get_campaign_action', (c) => c.getCampaignAction(5, 11)],
  ['updateCampaignAction', 'update_campaign_action', (c) => c.updateCampaignAction(5, 11, { subject: 'Welcome aboard' })],
  ['getCampaignActionLanguage', 'get_campaign_action_translation', (c) => c.getCampaignActionLanguage(5, 11, 'fr')],
  ['updateCampaignActionLanguage', 'update_campaign_action_translation', (c) => c.updateCampaignActionLanguage(5, 11, 'fr', { subject: 'Bienvenue à bord' })],
  ['getCampaignActionMetrics', 'get_campaign_action_metrics', (c) => c.getCampaignActionMetrics(5, 11, { period: 'days', steps: 2 })],
  ['getCampaignActionMetricsLinks', 'get_campaign_action_link_metrics', (c) => c.getCampaignActionMetricsLinks(5, 11, { unique: true })],
  ['getCampaignMetrics', 'get_campaign_metrics', (c) => c.getCampaignMetrics(5, { version: '2', res: 'daily', start: now() - 3 * DAY, end: now(), tz: 'Europe/Berlin' })],
  ['getCampaignMetricsLinks', 'get_campaign_link_metrics', (c) => c.getCampaignMetricsLinks(5, { period: 'days', steps: 2 })],
  ['getCampaignJourneyMetrics', 'get_campaign_journey_metrics', (c) => c.getCampaignJourneyMetrics(5, { start: now() - 3 * DAY, end: now(), res: 'daily' })],
  ['getCampaignMessages', 'list_campaign_messages', (c) => c.getCampaignMessages(5, { limit: 5 })],

  // Broadcasts
  ['getBroadcastTriggerStatus', 'get_broadcast_trigger_status', (c, m) => c.getBroadcastTriggerStatus(12, m.trigger)],
  ['getBroadcastTriggerErrors', 'list_broadcast_trigger_errors', (c, m) => c.getBroadcastTriggerErrors(12, m.trigger)],
  ['listBroadcasts', 'list_broadcasts', (c) => c.listBroadcasts()],
  ['getBroadcast', 'get_broadcast', (c) => c.getBroadcast(12)],
  ['getBroadcastActions', 'list_broadcast_actions', (c) => c.getBroadcastActions(12)],
  ['getBroadcastAction', 'get_broadcast_action', (c) => c.getBroadcastAction(12, 31)],
  ['updateBroadcastAction', 'update_broadcast_action', (c) => c.updateBroadcastAction(12, 31, { subject: 'Spring sale: last day' })],
  ['getBroadcastActionLanguage', 'get_broadcast_action_translation', (c) => c.getBroadcastActionLanguage(12, 31, 'fr')],
  ['updateBroadcastActionLanguage', 'update_broadcast_action_translation', (c) => c.updateBroadcastActionLanguage(12, 31, 'fr', { subject: 'Dernier jour' })],
  ['getBroadcastActionMetrics', 'get_broadcast_action_metrics', (c) => c.getBroadcastActionMetrics(12, 31, { period: 'hours', steps: 2 })],
  ['getBroadcastActionMetricsLinks', 'get_broadcast_action_link_metrics', (c) => c.getBroadcastActionMetricsLinks(12, 31)],
  ['getBroadcastMetrics', 'get_broadcast_metrics', (c) => c.getBroadcastMetrics(12, { period: 'days', steps: 2, type: 'email' })],
  ['getBroadcastMetricsLinks', 'get_broadcast_link_metrics', (c) => c.getBroadcastMetricsLinks(12, { unique: true })],
  ['getBroadcastMessages', 'list_broadcast_messages', (c) => c.getBroadcastMessages(12, { limit: 5 })],
  ['getBroadcastTriggers', 'list_broadcast_triggers', (c) => c.getBroadcastTriggers(12)],

  // Newsletters, their translations, test groups and schedule
  ['listNewsletters', 'list_newsletters', (c) => c.listNewsletters({ sort: 'desc', limit: 5 })],
  ['createNewsletter', 'create_newsletter', async (c, m) => {
    const answer = await c.createNewsletter({ name: 'Client newsletter', recipients: { segment: { id: 7 } }, type: 'email', subject: 'News', body: '<p>Hi {{customer.first_name}}</p>' });
    m.newsletter = (answer.newsletter as { id: number }).id;
    m.content = (answer.newsletter as { content_ids: number[] }).content_ids[0];
    return answer;
  }],
  ['getNewsletter', 'get_newsletter', (c, m) => c.getNewsletter(m.newsletter)],
  ['getNewsletterContents', 'list_newsletter_contents', (c, m) => c.getNewsletterContents(m.newsletter)],
  ['getNewsletterContent', 'get_newsletter_content', (c, m) => c.getNewsletterContent(m.newsletter, m.content)],
  ['updateNewsletterContent', 'update_newsletter_content', (c, m) => c.updateNewsletterContent(m.newsletter, m.content, { subject: 'Fresh news' })],
  ['createNewsletterLanguage', 'add_newsletter_translation', (c, m) => c.createNewsletterLanguage(m.newsletter, { language: 'fr', subject: 'Nouvelles', body: '<p>Bonjour</p>' })],
  ['getNewsletterLanguage', 'get_newsletter_translation', (c, m) => c.getNewsletterLanguage(m.newsletter, 'fr')],
  ['updateNewsletterLanguage', 'update_newsletter_translation', (c, m) => c.updateNewsletterLanguage(m.newsletter, 'fr', { subject: 'Des nouvelles' })],
  ['deleteNewsletterLanguage', 'delete_newsletter_translation', (c, m) => c.deleteNewsletterLanguage(m.newsletter, 'fr')],
  ['createNewsletterTestGroup', 'create_newsletter_test_group', (c, m) => c.createNewsletterTestGroup(m.newsletter)],
  ['getNewsletterTestGroups', 'list_newsletter_test_groups', async (c, m) => {
    const answer = await c.getNewsletterTestGroups(m.newsletter);
    m.groupB = (answer.test_groups as { id: number }[])[1].id;
    return answer;
  }],
  ['createNewsletterTestGroupLanguage', 'add_newsletter_test_group_translation', (c, m) => c.createNewsletterTestGroupLanguage(m.newsletter, m.groupB, { language: 'de', subject: 'Neuigkeiten', body: '<p>Hallo</p>' })],
  ['getNewsletterTestGroupLanguage', 'get_newsletter_test_group_translation', (c, m) => c.getNewsletterTestGroupLanguage(m.newsletter, m.groupB, 'de')],
  ['updateNewsletterTestGroupLanguage', 'update_newsletter_test_group_translation', (c, m) => c.updateNewsletterTestGroupLanguage(m.newsletter, m.groupB, 'de', { subject: 'Mehr Neuigkeiten' })],
  ['deleteNewsletterTestGroupLanguage', 'delete_newsletter_test_group_translation', (c, m) => c.deleteNewsletterTestGroupLanguage(m.newsletter, m.groupB, 'de')],
  ['scheduleNewsletter', 'schedule_newsletter', (c, m) => c.scheduleNewsletter(m.newsletter, { scheduled_at: inAWeek, timezone: 'America/New_York' })],
  ['sendNewsletter', 'send_newsletter', (c, m) => c.sendNewsletter(m.newsletter)],
  ['getNewsletterMessages', 'list_newsletter_messages', (c, m) => c.getNewsletterMessages(m.newsletter, { limit: 5 })],
  ['getNewsletterMetrics', 'get_newsletter_metrics', (c, m) => c.getNewsletterMetrics(m.newsletter, { period: 'days', steps: 2 })],
  ['getNewsletterMetricsLinks', 'get_newsletter_link_metrics', (c, m) => c.getNewsletterMetricsLinks(m.newsletter)],
  ['getNewsletterContentMetrics', 'get_newsletter_content_metrics', (c, m) => c.getNewsletterContentMetrics(m.newsletter, m.content)],
  ['getNewsletterContentMetricsLinks', 'get_newsletter_content_link_metrics', (c, m) => c.getNewsletterContentMetricsLinks(m.newsletter, m.content)],
  ['deleteNewsletter', 'delete_newsletter', (c, m) => c.deleteNewsletter(m.newsletter)],

  // Design Studio
  ['createDesignStudioFolder', 'create_design_folder', async (c, m) => {
    const answer = await c.createDesignStudioFolder({ name: 'Client' });
    m.folder = (answer.folder as { id: string }).id;
    return answer;
  }],
  ['listDesignStudioFolders', 'list_design_folders', (c) => c.listDesignStudioFolders({ sortBy: 'name', sortOrder: 'desc' })],
  ['getDesignStudioFolder', 'get_design_folder', (c, m) => c.getDesignStudioFolder(m.folder)],
  ['updateDesignStudioFolder', 'update_design_folder', (c, m) => c.updateDesignStudioFolder(m.folder, { name: 'Client folder' })],
  ['createDesignStudioComponent', 'create_design_component', async (c, m) => {
    const answer = await c.createDesignStudioComponent({ name: 'Client footer', tag: 'client-footer', content: '<footer>Acme</footer>', parent_folder_id: m.folder });
    m.component = (answer.component as { id: string }).id;
    return answer;
  }],
  ['listDesignStudioComponents', 'list_design_components', (c, m) => c.listDesignStudioComponents({ tag: 'client-footer', parentFolderId: m.folder })],
  ['getDesignStudioComponent', 'get_design_component', (c, m) => c.getDesignStudioComponent(m.component)],
  ['updateDesignStudioComponent', 'update_design_component', (c, m) => c.updateDesignStudioComponent(m.component, { content: '<footer>Acme Inc.</footer>' })],
  ['createDesignStudioEmail', 'create_design_email', async (c, m) => {
    const answer = await c.createDesignStudioEmail({ name: 'Client email', parent_folder_id: m.folder, content: { subject: 'Hi {{customer.first_name}}', html: '<p>Hi</p><client-footer></client-footer>' }, envelope: { from_id: 1 } });
    m.email = (answer.email as { id: string }).id;
    return answer;
  }],
  ['listDesignStudioEmails', 'list_design_emails', (c) => c.listDesignStudioEmails({ isTemplate: 'false', hasTranslations: 'any', limit: 10 })],
  ['getDesignStudioEmail', 'get_design_email', (c, m) => c.getDesignStudioEmail(m.email)],
  ['updateDesignStudioEmail', 'update_design_email', (c, m) => c.updateDesignStudioEmail(m.email, { name: 'Client email v2', content: { preheader_text: 'Read on' } })],
  ['createDesignStudioEmailLanguage', 'add_design_email_translation', (c, m) => c.createDesignStudioEmailLanguage(m.email, { language: 'fr', content: { subject: 'Bonjour' } })],
  ['listDesignStudioEmailLanguages', 'list_design_email_translations', (c, m) => c.listDesignStudioEmailLanguages(m.email)],
  ['getDesignStudioEmailLanguage', 'get_design_email_translation', (c, m) => c.getDesignStudioEmailLanguage(m.email, 'fr')],
  ['updateDesignStudioEmailLanguage', 'update_design_email_translation', (c, m) => c.updateDesignStudioEmailLanguage(m.email, 'fr', { content: { subject: 'Salut' } })],
  ['deleteDesignStudioEmailLanguage', 'delete_design_email_translation', (c, m) => c.deleteDesignStudioEmailLanguage(m.email, 'fr')],
  ['deleteDesignStudioEmail', 'delete_design_email', (c, m) => c.deleteDesignStudioEmail(m.email)],
  ['deleteDesignStudioComponent', 'delete_design_component', (c, m) => c.deleteDesignStudioComponent(m.component)],
  ['deleteDesignStudioFolder', 'delete_design_folder', (c, m) => c.deleteDesignStudioFolder(m.folder)],

  // Assets
  ['createAssetFolder', 'create_asset_folder', async (c, m) => {
    const answer = await c.createAssetFolder({ name: 'Client assets' });
    m.assetFolder = (answer.folder as { id: number }).id;
    return answer;
  }],
  ['listAssetFolders', 'list_asset_folders', (c) => c.listAssetFolders()],
  ['getAssetFolder', 'get_asset_folder', (c, m) => c.getAssetFolder(m.assetFolder)],
  ['updateAssetFolder', 'update_asset_folder', (c, m) => c.updateAssetFolder(m.assetFolder, { name: 'Client banners' })],
  ['createAsset', 'upload_asset', async (c, m) => {
    const answer = await c.createAsset({ data: Buffer.from('89504e470d0a1a0a', 'hex'), filename: 'client.png', name: 'Client logo', parentFolderId: m.assetFolder });
    m.asset = answer.asset as { id: number; path: string };
    return answer;
  }],
  ['listAssets', 'list_assets', (c, m) => c.listAssets({ parentFolderId: m.assetFolder, directDescendantsOnly: true })],
  ['getAsset', 'get_asset', (c, m) => c.getAsset(m.asset.id)],
  ['updateAsset', 'update_asset', (c, m) => c.updateAsset(m.asset.id, { name: 'Client logo (dark)' })],
  ['deleteAsset', 'delete_asset', (c, m) => c.deleteAsset(m.asset.id)],
  ['deleteAssetFolder', 'delete_asset_folder', (c, m) => c.deleteAssetFolder(m.assetFolder)],

  // Collections, snippets, reporting webhooks, sender identities, ESP suppressions
  ['listCollections', 'list_collections', (c) => c.listCollections()],
  ['createCollection', 'create_collection', async (c, m) => {
    const answer = await c.createCollection({ name: 'client_rows', data: [{ code: 'A' }, { code: 'B' }] });
    m.collection = (answer.collection as { id: number }).id;
    return answer;
  }],
  ['getCollection', 'get_collection', (c, m) => c.getCollection(m.collection)],
  ['updateCollection', 'update_collection', (c, m) => c.updateCollection(m.collection, { name: 'client_codes' })],
  ['getCollectionContent', 'get_collection_content', (c, m) => c.getCollectionContent(m.collection)],
  ['updateCollectionContent', 'update_collection_content', (c, m) => c.updateCollectionContent(m.collection, [{ code: 'C' }])],
  ['deleteCollection', 'delete_collection', (c, m) => c.deleteCollection(m.collection)],
  ['getSnippets', 'list_snippets', (c) => c.getSnippets()],
  ['createSnippet', 'create_snippet', (c) => c.createSnippet({ name: 'client_snippet', value: '<p>Hi</p>' })],
  ['updateSnippet', 'create_or_update_snippet', (c) => c.updateSnippet({ name: 'client_snippet', value: '<p>Hello</p>' })],
  ['deleteSnippet', 'delete_snippet', (c) => c.deleteSnippet('client_snippet')],
  ['listReportingWebhooks', 'list_reporting_webhooks', (c) => c.listReportingWebhooks()],
  ['createReportingWebhook', 'create_reporting_webhook', async (c, m) => {
    const answer = await c.createReportingWebhook({ name: 'Client feed', endpoint: 'https://hooks.acme.example/client', events: ['email_sent'] });
    m.webhook = answer.id;
    return answer;
  }],
  ['getReportingWebhook', 'get_reporting_webhook', (c, m) => c.getReportingWebhook(m.webhook)],
  ['updateReportingWebhook', 'update_reporting_webhook', (c, m) => c.updateReportingWebhook(m.webhook, { disabled: true })],
  ['deleteReportingWebhook', 'delete_reporting_webhook', (c, m) => c.deleteReportingWebhook(m.webhook)],
  ['getSenderIdentities', 'list_sender_identities', (c) => c.getSenderIdentities({ sort: 'desc', hidden: false })],
  ['getSenderIdentity', 'get_sender_identity', (c) => c.getSenderIdentity(1)],
  ['getSenderIdentityUsedBy', 'get_sender_identity_usage', (c) => c.getSenderIdentityUsedBy(1)],
  ['createSuppression', 'add_esp_suppression', (c) => c.createSuppression('bounces', 'client-bounce@example.com')],
  ['getSuppressions', 'list_esp_suppressions', (c) => c.getSuppressions('bounces', { limit: 10, offset: 0, email: 'client-bounce@example.com' })],
  ['getDomainSuppressions', 'list_domain_esp_suppressions', (c) => c.getDomainSuppressions('acme.example', 'bounces', { limit: 10 })],
  ['searchSuppression', 'search_esp_suppressions', (c) => c.searchSuppression('client-bounce@example.com')],
  ['deleteSuppression', 'remove_esp_suppression', (c) => c.deleteSuppression('bounces', 'client-bounce@example.com')],

  // Messages, exports and imports
  ['getMessages', 'list_messages', (c) => c.getMessages({ limit: 5, type: 'email' })],
  ['getMessage', 'get_message', (c, m) => c.getMessage(m.delivery)],
  ['getArchivedMessage', 'get_archived_message', (c, m) => c.getArchivedMessage(m.delivery)],
  ['createCustomersExport', 'export_customers', async (c, m) => {
    const answer = await c.createCustomersExport({ attribute: { field: 'email', operator: FilterOperator.Exists } });
    m.export = (answer.export as { id: number }).id;
    return answer;
  }],
  ['createDeliveriesExport', 'export_deliveries', (c) => c.createDeliveriesExport(12, { metric: DeliveryExportMetric.Sent, start: now() - DAY, end: now() })],
  ['listExports', 'list_exports', (c) => c.listExports()],
  ['getExport', 'get_export', (c, m) => c.getExport(m.export)],
  ['downloadExport', 'download_export', async (c, m) => {
    const answer = await c.downloadExport(m.export);
    m.exportUrl = answer.url;
    return answer;
  }],
  // The export's own link is a file the sandbox reads: the people it holds are imported again.
  ['createImport', 'create_import', async (c, m) => {
    const answer = await c.createImport({ data_file_url: m.exportUrl, type: 'people', identifier: 'email', name: 'Client round trip' });
    m.import = (answer.import as { id: number }).id;
    return answer;
  }],
  ['getImport', 'get_import', (c, m) => c.getImport(m.import)],
  ['batchUpdateAttributes', 'set_attribute_descriptions', (c) => c.batchUpdateAttributes([{ name: 'plan', description: 'The plan the person pays for.' }])],
  ['batchUpdateEvents', 'set_event_descriptions', (c) => c.batchUpdateEvents([{ name: 'purchase', description: 'The person paid.' }])],
  ['listWorkspaces', 'list_workspaces', (c) => c.listWorkspaces()],
  ['getIpAddresses', 'list_ip_addresses', (c) => c.getIpAddresses()],
];

/** Methods on the prototypes that are not public API: the constructor, and TypeScript-private helpers. */
const NOT_PUBLIC = new Set(['constructor', 'resourceBase']);

function publicMethods(prototype: object): string[] {
  return Object.getOwnPropertyNames(prototype).filter((name) => !NOT_PUBLIC.has(name) && typeof (prototype as Record<string, unknown>)[name] === 'function').sort();
}

function checkShape(connector: string, operation: string | undefined, answer: Answer): string[] {
  if (!operation) return [];
  const definition = definitions.get(connector)!.operationsByName.get(operation)!;
  const mode = (definition as { response?: { mode?: string } }).response?.mode;
  if (mode !== undefined && mode !== 'body') return [];
  const validate = compileSchema(definition.output_schema);
  return validate(answer) ? [] : describeErrors(validate.errors ?? [], definition.output_schema, 'output', answer).map((p) => p.message);
}

beforeAll(async () => {
  registry = await loadConnectors({ rateLimiter: false });
  sandbox = await startSandbox({ rateLimit: { requests: 100_000, windowMs: 1000 }, broadcastTriggerIntervalMs: 0, deliverAfterMs: 0, stateFile });
  // The client's own option for another host: Track under /api/v1 (it derives /api/v2 and the
  // root for /unsubscribe from it), App under /v1. No retries: a refusal should show at once.
  track = new TrackClient(sandbox.credentials.site_id, sandbox.credentials.track_api_key, { url: `${sandbox.origin}/api/v1`, retry: { maxRetries: 0 } });
  api = new APIClient(sandbox.credentials.app_api_key, { url: `${sandbox.origin}/v1`, retry: { maxRetries: 0 } });
  await baseFixtures(ok);
  await ok(APP, 'send_transactional_email', { identifiers: { email: 'grace@example.com' }, content: { transactional_message_id: 3 } });
  made.trackDelivery = (await ok(APP, 'send_transactional_email', { identifiers: { id: 'client-unsub' }, to: 'client-unsub@example.com', content: { transactional_message_id: 3 } })).delivery_id;
  made.pushDelivery = (await ok(APP, 'send_transactional_push', { identifiers: { id: '42' }, transactional_message_id: 5 })).delivery_id;
});
afterAll(async () => {
  await sandbox.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('customerio-node against the sandbox', () => {
  it('lists every public method of TrackClient and APIClient (a new one must be added here)', () => {
    expect(TRACK_CALLS.map(([name]) => name).sort()).toEqual(publicMethods(TrackClient.prototype));
    expect(API_CALLS.map(([name]) => name).sort()).toEqual(publicMethods(APIClient.prototype));
  });

  it.each(TRACK_CALLS)('TrackClient.%s is accepted and answered in the shape of %s', async (_name, operation, call) => {
    const answer = await call(track, made);
    expect(checkShape(TRACK, operation, answer)).toEqual([]);
  });

  it.each(API_CALLS)('APIClient.%s is accepted and answered in the shape of %s', async (_name, operation, call) => {
    const answer = await call(api, made);
    expect(checkShape(APP, operation, answer)).toEqual([]);
  });

  it('left what later reads see: the uploaded asset was hosted, the export downloaded and imported back', async () => {
    expect((await fetch(made.asset.path)).status).toBe(404); // deleted by deleteAsset
    const csv = await (await fetch(made.exportUrl)).text();
    expect(csv.split('\r\n')[0]).toMatch(/^cio_id,id,email/);
    const imported = (await api.getImport(made.import)).import as { state: string; rows_imported: number; rows_to_import: number };
    expect(imported).toMatchObject({ state: 'imported' });
    expect(imported.rows_imported).toBe(imported.rows_to_import);
    expect(((await api.getAttributes('client-1')).customer as { attributes: Record<string, string> }).attributes).toMatchObject({ plan: 'pro' });
  });

  it('journaled every change the client made: the state file replays to the same workspace', () => {
    const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    expect(sandbox.storage!.stats().seq).toBeGreaterThan(50);
    expect(plain(readSandboxStateFile(stateFile))).toEqual(plain(sandbox.state));
  });
});
