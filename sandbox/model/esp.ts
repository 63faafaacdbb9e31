// The email service provider's suppression lists (blocks, bounces, spam reports, invalid
// addresses), which the sandbox keeps as the provider it plays: an email sent to an address on
// any of them is handed over and dropped, as Customer.io reports a message its ESP would not
// deliver (the delivery's `dropped` metric, with the list as its failure message).
import type { EspSuppression, State } from '../state.js';
import { recordsUnder } from './indexes.js';

export const SUPPRESSION_TYPES = ['blocks', 'bounces', 'spam_reports', 'invalid_emails'] as const;

/** The first list (in SUPPRESSION_TYPES order) that holds this address, case-insensitively. */
export function espSuppressionOf(state: State, address: string | null): EspSuppression | undefined {
  if (!address) return undefined;
  const wanted = address.trim().toLowerCase();
  const found = recordsUnder(state, 'esp_suppressions', `e:${wanted}`);
  return SUPPRESSION_TYPES.map((type) => found.find((s) => s.type === type)).find((s) => !!s);
}

export function dropReason(entry: EspSuppression): string {
  return `the address is on the ESP's ${entry.type.replace('_', ' ')} suppression list${entry.reason ? ` (${entry.reason})` : ''}`;
}
