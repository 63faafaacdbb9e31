// The workspace a new sandbox starts with: what a real workspace has been set up with in the
// UI and the API cannot create (transactional templates, an API-triggered broadcast,
// campaigns, sender identities, subscription topics, object types, two segments). No people,
// events or deliveries: those come only from calls.
import type { Action, State } from './state.js';
import { emptyState } from './state.js';

const CREATED = 1_735_000_000;

function action(fields: Record<string, unknown> & { id: number; type: string; sending_state: string }, translations: Action['translations'] = {}): Action {
  return { language: '', created: CREATED, updated: CREATED, translations, ...fields };
}

export function seededState(region: 'us' | 'eu' = 'us'): State {
  const state = emptyState(region);
  state.counters = { segment: 100, collection: 100, reporting_webhook: 100, trigger: 0, newsletter: 100, newsletter_content: 100 };

  state.object_types = [
    { id: '1', name: 'Companies', singular_name: 'Company', slug: 'companies', singular_slug: 'company', icon: 'building', enabled: true },
    { id: '2', name: 'Courses', singular_name: 'Course', slug: 'courses', singular_slug: 'course', icon: 'book', enabled: true },
  ];

  state.segments = [
    {
      id: 7, name: 'Trial users', description: 'People in their trial', type: 'dynamic', tags: ['lifecycle'],
      created_at: CREATED, updated_at: CREATED, members: [],
      filter: { attribute: { field: 'plan', operator: 'eq', value: 'trial' } },
    },
    { id: 8, name: 'VIP', description: '', type: 'manual', tags: ['sales'], created_at: CREATED, updated_at: CREATED, members: [] },
  ];

  state.topics = [
    { id: 1, identifier: 'topic_1', name: 'Product news', description: 'New features', subscribed_by_default: true },
    { id: 2, identifier: 'topic_2', name: 'Offers', description: '', subscribed_by_default: false },
  ];
  state.channels = [
    { id: 1, type: 'email', name: 'Email', description: 'Messages to your inbox', subscribed_by_default: true },
    { id: 2, type: 'twilio', name: 'Text messages', description: '', subscribed_by_default: false },
  ];
  state.subscription_header = { title: 'Your email preferences', subtitle: 'Choose what you hear about.' };

  state.sender_identities = [
    { id: 1, name: 'Acme Support', email: 'support@acme.example', address: 'Acme Support <support@acme.example>', template_type: 'email', auto_generated: false, hidden: false, created: CREATED },
    { id: 2, name: 'Acme Security', email: 'security@acme.example', address: 'Acme Security <security@acme.example>', template_type: 'email', auto_generated: false, hidden: false, created: CREATED + 86_400 },
    { id: 3, name: 'Acme News', email: 'news@acme.example', address: 'Acme News <news@acme.example>', template_type: 'email', auto_generated: false, hidden: false, created: CREATED + 172_800 },
  ];

  const email = (id: number, name: string, language: string, subject: string, body: string, fromId = 1) => ({
    id, name, language, type: 'email', subject, body, body_amp: null, preheader_text: null,
    from: fromId === 1 ? 'Acme Support <support@acme.example>' : 'Acme Security <security@acme.example>', from_id: fromId,
    reply_to: null, reply_to_id: null, recipient: '{{customer.email}}', bcc: null, fake_bcc: false,
    preprocessor: 'premailer', headers: '[]', created: CREATED, updated: CREATED,
  });
  const other = (id: number, name: string, type: string, fields: Record<string, unknown>) => ({ id, name, language: '', type, created: CREATED, updated: CREATED, ...fields });
  const template = (id: number, name: string, trigger: string, description: string, contents: State['transactional'][number]['contents']) => ({
    id, name, trigger_name: trigger, description, send_to_unsubscribed: true, link_tracking: true, open_tracking: true,
    hide_message_body: false, queue_drafts: false, created_at: CREATED, updated_at: CREATED, contents,
  });
  state.transactional = [
    template(3, 'Password reset', 'password_reset', 'Sends a reset link', [
      email(139, 'Password reset', '', 'Reset your password', '<p>Hi {{customer.first_name}}, <a href="{{trigger.link}}">reset it here</a>.</p>'),
      email(140, 'Password reset', 'fr', 'Réinitialisez votre mot de passe', '<p>Bonjour {{customer.first_name}}, <a href="{{trigger.link}}">cliquez ici</a>.</p>'),
      email(148, 'Password reset', 'pt-BR', 'Redefina sua senha', '<p>Olá {{customer.first_name}}, <a href="{{trigger.link}}">redefina aqui</a>.</p>'),
    ]),
    template(4, 'Order receipt', 'order_receipt', '', [
      email(141, 'Order receipt', '', 'Your order {{trigger.order_id}}', '<p>Thanks {{customer.first_name}}! Total: {{trigger.total}}</p>'),
    ]),
    template(5, 'Order shipped (push)', 'order_shipped_push', '', [
      other(142, 'Order shipped (push)', 'push', { title: 'Order shipped', body: 'Order {{trigger.order_id}} is on its way' }),
    ]),
    template(6, 'Login alert', 'login_alert', 'Push when someone signs in', [
      other(143, 'Login alert', 'push', { title: 'New sign-in', body: 'Was this you?' }),
    ]),
    template(7, 'Login code', 'login_code', 'One-time code by SMS', [
      other(144, 'Login code', 'sms', { body: 'Your Acme code is {{trigger.code}}' }),
    ]),
    template(9, 'Order update (WhatsApp)', 'order_update_whatsapp', '', [
      other(145, 'Order update (WhatsApp)', 'whatsapp', { body: 'Order {{trigger.order_id}} has an update' }),
    ]),
    template(10, 'Order banner', 'order_banner', 'In-app banner about an order', [
      other(146, 'Order banner', 'in_app', { body: 'Order {{trigger.order_id}} shipped' }),
    ]),
    template(11, 'Order shipped (inbox)', 'order_shipped', 'Inbox message about a shipment', [
      other(147, 'Order shipped (inbox)', 'inbox', { body: 'Track order {{trigger.order_id}}: {{trigger.tracking_url}}' }),
    ]),
  ];

  state.broadcasts = [
    {
      id: 12, name: 'Spring sale', type: 'triggered_broadcast', state: 'running', active: true, created: CREATED, updated: CREATED,
      first_started: CREATED + 100_000, created_by: 'owner@acme.example', tags: ['promo'],
      recipients: { attribute: { field: 'email', operator: 'exists' } },
      actions: [
        action({
          id: 31, broadcast_id: 12, name: 'Sale email', type: 'email', sending_state: 'automatic', subject: 'Spring sale starts now',
          body: '<p>Hi {{customer.first_name}}, {{trigger.headline}}</p>', preheader_text: '20% off everything', from: 'Acme Support <support@acme.example>',
          from_id: 1, reply_to: null, reply_to_id: null, recipient: '{{customer.email}}', bcc: null, fake_bcc: false, layout: 'Default', preprocessor: 'premailer',
        }, {
        fr: { subject: 'Les soldes de printemps commencent', body: '<p>Bonjour {{customer.first_name}}</p>' },
        'pt-BR': { subject: 'A liquidação de primavera começou', body: '<p>Olá {{customer.first_name}}</p>' },
      }),
        action({ id: 32, broadcast_id: 12, name: 'Sale push', type: 'push', sending_state: 'draft', body: '{"title": "Spring sale", "message": "20% off today"}' }),
      ],
    },
    {
      id: 14, name: 'Outage notice', type: 'triggered_broadcast', state: 'draft', active: false, created: CREATED, updated: CREATED,
      first_started: null, created_by: 'ops@acme.example', tags: null, recipients: null,
      actions: [action({ id: 41, broadcast_id: 14, name: 'Outage email', type: 'email', sending_state: 'draft', subject: 'We are looking into an outage', body: '<p>Sorry</p>', from_id: 1 })],
    },
  ];

  state.campaigns = [
    {
      id: 5, name: 'Trial onboarding', description: 'Welcome series for new trials', type: 'segment', created: CREATED, updated: CREATED,
      active: true, state: 'running', first_started: CREATED + 86_400, tags: ['onboarding'], trigger_segment_ids: [7], filter_segment_ids: [],
      actions: [
        action({
          id: 11, campaign_id: 5, parent_action_id: null, name: 'Welcome email', type: 'email', layout: 'Basic', sending_state: 'automatic',
          body: '<p>Welcome, {{customer.first_name}}!</p>', subject: 'Welcome to Acme', from: 'Acme Support <support@acme.example>', from_id: 1,
          reply_to: null, reply_to_id: null, recipient: '{{customer.email}}', preheader_text: 'Three tips to start',
        }, {
        fr: { subject: 'Bienvenue chez Acme', body: '<p>Bienvenue, {{customer.first_name}} !</p>' },
        'pt-BR': { subject: 'Boas-vindas à Acme', body: '<p>Boas-vindas, {{customer.first_name}}!</p>' },
      }),
        action({ id: 12, campaign_id: 5, parent_action_id: null, name: 'Wait a day', type: 'delay', sending_state: 'automatic' }),
        action({
          id: 13, campaign_id: 5, parent_action_id: null, name: 'Notify CRM', type: 'webhook', sending_state: 'automatic',
          body: '{"id": "{{customer.id}}"}', url: 'https://crm.acme.example/hooks/trial', method: 'post',
        }),
      ],
    },
    {
      id: 6, name: 'Cart reminder', description: null, type: 'event', created: CREATED, updated: CREATED, active: false, state: 'draft',
      first_started: null, tags: null, event_name: 'cart_abandoned',
      actions: [action({ id: 21, campaign_id: 6, parent_action_id: null, name: 'Reminder email', type: 'email', sending_state: 'draft', subject: 'You left something behind', body: '<p>Come back</p>', from_id: 2 })],
    },
  ];

  const newsletterEmail = (id: number, language: string, subject: string, body: string) => ({
    id, newsletter_id: 12, name: null, type: 'email', language, subject, preheader_text: null, body,
    from: 'Acme Support <support@acme.example>', from_id: 1, reply_to: null, reply_to_id: null, recipient: '{{customer.email}}', layout: null, updated: CREATED,
  });
  state.newsletters = [{
    id: 12, name: 'Spring product update', type: 'email', tags: ['product'], sent_at: null, created: CREATED, updated: CREATED, subscription_topic_id: 1,
    recipients: { and: [{ segment: { id: 7 } }, { attribute: { field: 'email', operator: 'exists' } }] },
    contents: [
      newsletterEmail(45, '', 'What is new this spring', '<p>Hi {{customer.first_name}}</p>'),
      newsletterEmail(47, 'fr', 'Les nouveautés du printemps', '<p>Bonjour {{customer.first_name}}</p>'),
    ],
  }];

  state.snippets = [{ name: 'support_link', value: '<a href="https://acme.example/help">Help</a>', updated_at: CREATED }];
  // Documentation addresses (RFC 5737): the sandbox sends nothing anywhere.
  state.ip_addresses = ['203.0.113.10', '203.0.113.11', '198.51.100.25'];
  return state;
}
