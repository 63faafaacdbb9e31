// A raw request's Endpoint → the URL it goes to, or why it cannot go. The one place that decides:
// the planner (raw-http-request.ts) refuses what this refuses, and a host's page (through
// forms/) shows the same final URL or the same problem, with its fix, as the person types.
// Pure and free of imports beyond url-text.ts, so a page bundles nothing else of the runtime.
//
// An Endpoint is written after the connector's base URL (https://api.customer.io/v1 + /segments).
// Customer.io's documentation writes paths with the base path in them (App's
// /v1/customers/ID/attributes), so an Endpoint copied from it repeats that path and would go to
// /v1/v1/… and 404. It is refused, never cut silently: nothing a person sends is changed behind
// their back (workflows run unattended, where a guess would go unseen), and the refusal says
// what to remove and what to write instead.
//
// Repeated means the Endpoint's first path segments are the base path, or, for a base path of
// several segments, its first or last ones (Beta's /v1/api: /v1/api, /v1 or /api). Segments are
// compared, not text (/v10 and /api2 are other segments), after decoding percent-encoded
// letters, digits and -._~ (a server reads %76%31 as v1) and ignoring case. No endpoint of the
// three APIs starts like that (reference customerio-api.md §§2–4): Track's paths start with
// /v1 or /v2 under /api (App's v1 is not Track's base path), App's legacy /api/… paths (the old
// /v1/api prefix that customerio-node ≤ 4.4 used) start with api, not v1, and Beta's are App's
// paths without their /v1 (App /v1/customers/{id} ↔ Beta /v1/api/customers/{id}).
import { dotSegmentProblem, MAX_URL_LENGTH, urlTextProblem } from './url-text.js';

/** Where a raw request's Endpoint is in its input, and so in every refusal. */
export const ENDPOINT_FIELD = 'input.url.endpoint';

export interface EndpointProblem {
  field: string;
  rule: string;
  /** The whole sentence, field first: `"input.url.endpoint": …`. */
  message: string;
  /** The sentence without the field, for a page that shows it beside the field. */
  what: string;
  /** The Endpoint to write instead, when one is certain (a repeated base path): a page offers it as a one-click fix. */
  fix?: string;
}

export type ResolvedEndpoint =
  /** `url` is the full URL as it is sent; `pathname` and `search` are its parts after the origin. */
  | { ok: true; url: string; pathname: string; search: string }
  | { ok: false; problem: EndpointProblem };

const FULL_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** A segment as a server reads it: unreserved characters decoded, case ignored. */
function comparable(segment: string): string {
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : escape;
  }).toLowerCase();
}

/** The runs of base-path segments an Endpoint must not start with, longest first. */
function repeatableRuns(prefix: string): string[][] {
  const base = prefix.split('/').filter(Boolean).map(comparable);
  const runs: string[][] = [];
  for (let length = base.length; length > 0; length--) {
    for (const run of [base.slice(0, length), base.slice(base.length - length)]) {
      if (!runs.some((known) => known.join('/') === run.join('/'))) runs.push(run);
    }
  }
  return runs;
}

/**
 * The part of `path` (starting with `/`) that repeats the base path `prefix` (`/v1`), as written,
 * and the path without it; undefined when nothing is repeated. Repeats of repeats (`/v1/v1/x`)
 * are all taken off, so the path offered instead is right the first time.
 */
export function repeatedBasePath(prefix: string, path: string): { repeated: string; rest: string } | undefined {
  const runs = repeatableRuns(prefix);
  if (runs.length === 0) return undefined;
  const segments = path.split('/').slice(1);
  let at = 0;
  for (;;) {
    // `//v1` is read as `/v1` by many servers: empty segments before a repeat belong to it.
    let start = at;
    while (segments[start] === '') start++;
    const run = runs.find((r) => r.every((segment, i) => segments[start + i] !== undefined && comparable(segments[start + i]!) === segment));
    if (!run) break;
    at = start + run.length;
  }
  if (at === 0) return undefined;
  return { repeated: `/${segments.slice(0, at).join('/')}`, rest: `/${segments.slice(at).join('/')}` };
}

/**
 * Where a raw request with this Endpoint goes, on `baseUrl` (the connector's base URL for the
 * region, or the host-set origin with the base path: `https://api.customer.io/v1`), or the
 * first rule it breaks. The Endpoint may carry a query (`/segments?limit=1`); a leading `/` is
 * added when missing, and an empty Endpoint is the base URL itself.
 */
export function resolveEndpoint(baseUrl: string, endpoint: string, field: string = ENDPOINT_FIELD): ResolvedEndpoint {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  const shownBase = `${base.origin}${prefix}`;
  const refuse = (rule: string, what: string, fix?: string): ResolvedEndpoint => ({
    ok: false,
    problem: { field, rule, message: `"${field}": ${what}`, what, ...(fix !== undefined ? { fix } : {}) },
  });

  if (FULL_URL.test(endpoint)) {
    return refuse('path', `is a full URL; choose the Full URL option for it, or give only the path after the base URL ${shownBase}`);
  }
  const textProblem = urlTextProblem(endpoint);
  if (textProblem) return refuse(textProblem.rule, textProblem.what);
  const queryAt = endpoint.indexOf('?');
  const written = queryAt === -1 ? endpoint : endpoint.slice(0, queryAt);
  const search = queryAt === -1 ? '' : endpoint.slice(queryAt);
  const path = written === '' || written.startsWith('/') ? written : `/${written}`;
  const dotProblem = dotSegmentProblem(path);
  if (dotProblem) return refuse(dotProblem.rule, dotProblem.what);
  const repeat = repeatedBasePath(prefix, path);
  if (repeat) {
    const fix = `${repeat.rest}${search}`;
    return refuse('repeated_base_path', `the base URL ${shownBase} already ends in ${prefix}; remove ${repeat.repeated} and write ${fix}`, fix);
  }

  const url = new URL(base.origin);
  url.pathname = `${prefix}${path}`;
  if (search) url.search = search;
  if (url.href.length > MAX_URL_LENGTH) {
    return refuse('max_url_length', `the request URL would be ${url.href.length} characters; at most ${MAX_URL_LENGTH} are sent (shorten the identifiers or filters)`);
  }
  return { ok: true, url: url.href, pathname: url.pathname, search: url.search };
}
