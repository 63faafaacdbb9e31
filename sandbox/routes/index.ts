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

export const routes = {
  /** Under /api. */
  track: [...trackV1Routes, ...trackV2Routes],
  /** At the host root (Track's unauthenticated unsubscribe). */
  origin: trackOriginRoutes,
  /** Under /v1; the routes marked `beta` also under /v1/api. */
  app: [
    ...appSendRoutes, ...appBroadcastRoutes, ...appPeopleRoutes, ...appObjectRoutes, ...appSegmentRoutes,
    ...appCampaignRoutes, ...appNewsletterRoutes, ...appMessageRoutes, ...appTransactionalRoutes, ...appLibraryRoutes, ...appSettingsRoutes,
  ],
} satisfies Record<string, Route[]>;

export type ConnectorName = 'customer-io' | 'customer-io-app' | 'customer-io-beta';

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
  };
}
