// Turns a Customer.io answer that is not a success into what went wrong, reading every error
// shape the three APIs use: meta.error, meta.errors[], errors[].detail and the v2
// errors[{reason, field, message}]. Whether to try again is the retry policy's to say (retry.ts).
import { REGIONS, type RegionTable } from '../../auth/regions.js';
import type { HttpAnswer } from '../contracts.js';
import type { LoadedConnector } from '../definitions.js';
import type { Problem } from '../envelope.js';
import { parseJson } from '../parse-json.js';

export type { HttpAnswer } from '../contracts.js';

function describeErrorItem(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  if (item === null || typeof item !== 'object') return undefined;
  const e = item as Record<string, unknown>;
  const text = [e.detail, e.message, e.reason].find((v) => typeof v === 'string' && v.length > 0) as string | undefined;
  if (!text) return undefined;
  const where = typeof e.field === 'string' && e.field ? `${e.field}: ` : '';
  const index = typeof e.batch_index === 'number' ? `item ${e.batch_index}: ` : '';
  return `${index}${where}${text}`;
}

/** The human-readable reason Customer.io gave, if its body says one. */
export function customerIoMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() ? body.trim().slice(0, 500) : undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const meta = b.meta as Record<string, unknown> | undefined;
  if (meta && typeof meta.error === 'string') return meta.error;
  if (meta && Array.isArray(meta.errors)) return meta.errors.map(describeErrorItem).filter(Boolean).join('; ');
  if (Array.isArray(b.errors)) return b.errors.map(describeErrorItem).filter(Boolean).join('; ');
  if (typeof b.error === 'string') return b.error;
  if (typeof b.message === 'string') return b.message;
  return undefined;
}

function header(headers: HttpAnswer['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as seconds (it may be a number of seconds or an HTTP date). */
export function retryAfterSeconds(headers: HttpAnswer['headers'], now = Date.now()): number | undefined {
  const value = header(headers, 'retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export function errorFromAnswer(answer: HttpAnswer, connector: Pick<LoadedConnector, 'api' | 'auth'>, region: string, regions: RegionTable): Problem {
  const { api } = connector;
  const parsed = parseJson(answer.text);
  const body = parsed.ok ? parsed.value : answer.text;
  const reason = customerIoMessage(body);
  const said = reason ? `: ${reason}` : '';
  const status = answer.status;
  const base = { status_code: status, ...(body === undefined ? {} : { body }) };

  if (status === 401 || status === 403) {
    return {
      code: 'auth_error',
      message: `Customer.io rejected the credentials (${status})${said}. Check that you used ${connector.auth.described_as} and that Region (${region.toUpperCase()}) is your workspace's region.`,
      ...base,
    };
  }
  if (status === 429) {
    const after = retryAfterSeconds(answer.headers);
    return {
      code: 'rate_limited',
      message: `Customer.io is rate limiting these requests (429)${said}${after !== undefined ? `; retry after ${after} s` : ''}.`,
      ...(after !== undefined ? { retry_after_s: after } : {}),
      ...base,
    };
  }
  if (status >= 300 && status < 400) {
    const location = header(answer.headers, 'location');
    const other = REGIONS.find((r) => r !== region)!;
    // The 301 "wrong datacenter" of App and Beta points at the workspace's own region.
    const belongsTo = (location ? regions.regionOfHost(api, location) : undefined) ?? (/wrong datacenter/i.test(reason ?? '') ? other : undefined);
    if (belongsTo && belongsTo !== region) {
      return {
        code: 'api_error',
        message: `This workspace is in the ${belongsTo.toUpperCase()} region: choose Region ${belongsTo.toUpperCase()} in the credentials (Customer.io answered ${status}${said}).`,
        details: { region: belongsTo },
        ...base,
      };
    }
    return {
      code: 'api_error',
      message: `Customer.io answered with a redirect (${status})${location ? ` to ${location}` : ''}${said}; redirects are not followed so credentials stay on Customer.io's hosts.`,
      ...base,
    };
  }
  if (status >= 500) {
    return { code: 'api_error', message: `Customer.io had a server error (${status})${said}.`, ...base };
  }
  if (status === 404) {
    return { code: 'api_error', message: `Customer.io could not find it (404)${said}.`, ...base };
  }
  return { code: 'api_error', message: `Customer.io refused the request (${status})${said}.`, ...base };
}
