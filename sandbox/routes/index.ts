// Every route the sandbox serves, by API, and the connector operations they serve: the one
// place to look for what is (and, by omission, what is not) served.
import type { Route } from '../router.js';
import { appBroadcastRoutes } from './app-broadcasts.js';
import { appCampaignRoutes } from './app-campaigns.js';
import { appMessageRoutes } from './app-messages.js';
import { appNewsletterRoutes } from './app-newsletters.js';
import { appObjectRoutes } from './app-objects.js';
import { appPeopleRoutes } from './app-people.js';
import { appSegmentRoutes } from './app-segments.js';
import { appSendRoutes } from './app-sends.js';
import { appTransactionalRoutes } from './app-transactional.js';
import { appLibraryRoutes } from './app-library.js';
import { appSettingsRoutes } from './app-settings.js';
import { trackOriginRoutes, trackV1Routes } from './track-v1.js';
import { trackV2Routes } from './track-v2.js';
import { appExportRoutes } from './app-exports.js';
import { appImportRoutes } from './app-imports.js';
import { appAssetRoutes } from './app-assets.js';
import { appDesignRoutes } from './app-design.js';
import { appDesignPublishingRoutes } from './app-design-publishing.js';
import { appInboxPreviewRoutes } from './app-inbox-previews.js';
import { appEspRoutes } from './app-esp.js';
import { appNewsletterTestRoutes } from './app-newsletter-tests.js';
import { appLiveNotificationRoutes } from './app-live-notifications.js';
import { appJourneyMetricRoutes } from './app-journey-metrics.js';
import { appSubscriptionCenterRoutes, subscriptionCenterPageRoutes } from './app-subscription-center.js';
import { sandboxFileRoutes } from './sandbox-files.js';

export const routes = {
  /** Under /api. */
  track: [...trackV1Routes, ...trackV2Routes],
  /** At the host root (Track's unauthenticated unsubscribe). */
  origin: trackOriginRoutes,
  /** Under /v1; the routes marked `beta` also under /v1/api. */
  app: [
    ...appSendRoutes, ...appBroadcastRoutes, ...appPeopleRoutes, ...appObjectRoutes, ...appSegmentRoutes,
    ...appCampaignRoutes, ...appNewsletterRoutes, ...appMessageRoutes, ...appTransactionalRoutes, ...appLibraryRoutes, ...appSettingsRoutes,
    ...appExportRoutes, ...appImportRoutes, ...appAssetRoutes, ...appDesignRoutes, ...appDesignPublishingRoutes, ...appInboxPreviewRoutes,
    ...appEspRoutes, ...appNewsletterTestRoutes, ...appLiveNotificationRoutes, ...appJourneyMetricRoutes, ...appSubscriptionCenterRoutes,
  ],
  /** Under /sandbox, no credentials: the files the sandbox hosts and the subscription-center page (index.ts adds its debug routes). */
  sandbox: [...sandboxFileRoutes, ...subscriptionCenterPageRoutes],
} satisfies Record<string, Route[]>;

export type ConnectorName = 'customer-io' | 'customer-io-app' | 'customer-io-beta' | 'customer-io-trigger';

/** The trigger connector's actions: the App's reporting-webhook routes and dropdowns, under the same names. */
const TRIGGER_ACTIONS = [
  'list_reporting_webhooks', 'create_reporting_webhook', 'get_reporting_webhook', 'delete_reporting_webhook',
  'list_reporting_webhooks_ddl', 'list_campaigns_ddl', 'list_broadcasts_ddl', 'list_newsletters_ddl', 'list_transactional_messages_ddl',
  // what the transactional-message dropdown reads to list only the messages of one channel
  'list_transactional_message_contents',
];

function namesOf(list: Route[]): string[] {
  // raw_http_request reaches whatever path it is given, so it is served wherever its path is.
  return [...new Set([...list.flatMap((r) => r.operations), 'raw_http_request'])];
}

/** The operations of each connector whose every route this sandbox serves. */
export function servedOperations(): Record<ConnectorName, string[]> {
  return {
    'customer-io': namesOf([...routes.track, ...routes.origin]),
    'customer-io-app': namesOf(routes.app),
    'customer-io-beta': namesOf(routes.app.filter((r) => r.beta)),
    // Its triggers are enabled, not run (they register a reporting webhook through these actions' routes).
    'customer-io-trigger': TRIGGER_ACTIONS.filter((name) => routes.app.some((r) => r.operations.includes(name))),
  };
}
