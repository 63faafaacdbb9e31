// ESP suppressions (/v1/esp): the provider's lists of blocked, bounced, spam-reporting and
// invalid addresses, listed by type (offset pages) or per sending domain (cursor pages),
// searched by address, and changed one address at a time. Sends to a listed address are
// dropped (model/esp.ts). The sandbox has one ESP account for every sending domain, so a
// domain filter or path lists the same entries whatever domain it names.
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { EspSuppression } from '../state.js';
import { cursorPage } from '../paging.js';
import { looksLikeEmail } from '../model/people.js';
import { SUPPRESSION_TYPES } from '../model/esp.js';
import { recordsUnder, removeRecords } from '../model/indexes.js';

function typeOf(ctx: Context): EspSuppression['type'] {
  const type = ctx.params.suppression_type;
  if (!(SUPPRESSION_TYPES as readonly string[]).includes(type)) throw appError(400, `the suppression type must be one of ${SUPPRESSION_TYPES.join(', ')} (got ${type})`);
  return type;
}

function addressOf(ctx: Context): string {
  const address = ctx.params.email_address.trim();
  if (!looksLikeEmail(address)) throw appError(400, `${address} is not an email address`);
  return address;
}

function domainOf(ctx: Context, value: string | null): void {
  if (value !== null && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(value)) throw appError(400, `${value} is not a domain name`);
}

function view(entry: EspSuppression) {
  return { email: entry.email, created: entry.created, reason: entry.reason, status: entry.status };
}

function ofType(ctx: Context, type: string): EspSuppression[] {
  const email = ctx.query.get('email')?.toLowerCase();
  const entries = email ? recordsUnder(ctx.state, 'esp_suppressions', `e:${email}`) : ctx.state.esp_suppressions;
  return entries.filter((s) => s.type === type).sort((a, b) => a.created - b.created || a.email.localeCompare(b.email));
}

function list(ctx: Context) {
  const type = typeOf(ctx);
  domainOf(ctx, ctx.query.get('domain'));
  const limit = Number(ctx.query.get('limit') ?? 100);
  const offset = Number(ctx.query.get('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw appError(400, 'limit must be between 1 and 1000');
  if (!Number.isInteger(offset) || offset < 0) throw appError(400, 'offset must be 0 or more');
  return ok({ category: type, suppressions: ofType(ctx, type).slice(offset, offset + limit).map(view) });
}

function listForDomain(ctx: Context) {
  const type = typeOf(ctx);
  domainOf(ctx, ctx.params.domain_name);
  const page = cursorPage(ofType(ctx, type), ctx.query, { defaultLimit: 100, maxLimit: 1000 });
  return ok({ category: type, suppressions: page.items.map(view), next: page.next });
}

/** Every list the address is on; `category` names the first. */
function search(ctx: Context) {
  const address = addressOf(ctx).toLowerCase();
  const listed = recordsUnder(ctx.state, 'esp_suppressions', `e:${address}`);
  const found = SUPPRESSION_TYPES.flatMap((type) => listed.filter((s) => s.type === type));
  return ok({ ...(found.length ? { category: found[0].type } : {}), suppressions: found.map((s) => ({ ...view(s), category: s.type })) });
}

function add(ctx: Context) {
  const type = typeOf(ctx);
  const email = addressOf(ctx);
  if (!recordsUnder(ctx.state, 'esp_suppressions', `e:${email.toLowerCase()}`).some((s) => s.type === type)) {
    ctx.state.esp_suppressions.push({ type, email, created: ctx.now, reason: 'Added through the API', status: '' });
  }
  return ok({});
}

function remove(ctx: Context) {
  const type = typeOf(ctx);
  const email = addressOf(ctx).toLowerCase();
  const listed = recordsUnder(ctx.state, 'esp_suppressions', `e:${email}`).filter((s) => s.type === type);
  if (removeRecords(ctx.state, 'esp_suppressions', listed) === 0) throw appError(404, `${ctx.params.email_address} is not on the ${type} list`);
  return noContent();
}

export const appEspRoutes: Route[] = [
  { method: 'GET', path: '/esp/suppression/{suppression_type}', operations: ['list_esp_suppressions'], handle: list },
  { method: 'GET', path: '/esp/domains/{domain_name}/suppression/{suppression_type}', operations: ['list_domain_esp_suppressions'], handle: listForDomain },
  { method: 'GET', path: '/esp/search_suppression/{email_address}', operations: ['search_esp_suppressions'], handle: search },
  { method: 'POST', path: '/esp/suppression/{suppression_type}/{email_address}', operations: ['add_esp_suppression'], handle: add },
  { method: 'DELETE', path: '/esp/suppression/{suppression_type}/{email_address}', operations: ['remove_esp_suppression'], handle: remove },
];
