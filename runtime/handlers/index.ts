// Operations that cannot be pure data name one of these in their definition's `handler`.
import type { OperationHandler } from '../call-plan.js';
import { bulkIdentifyCustomers, bulkTrackEvents } from './bulk.js';
import { rawHttpRequest } from './raw-http-request.js';

export const handlers: Record<string, OperationHandler> = {
  raw_http_request: rawHttpRequest,
  bulk_identify_customers: bulkIdentifyCustomers,
  bulk_track_events: bulkTrackEvents,
};
