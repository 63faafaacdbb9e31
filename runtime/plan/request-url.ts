// Where a request goes, as a URL object that the dispatcher sends unchanged: credentials can only
// reach the connector's own origin for the region (or the host-set origin).
//
// Two ways in, both safe by construction:
// - `ownUrl` starts from the own origin and sets only a path and a query on it, so no input can
//   name a scheme, host or port;
// - `checkedFullUrl` parses a person's Full URL and hands back that parsed object itself once its
//   scheme, host and port are exactly the own origin's. The object checked is the object sent;
//   the person's text is never cut up and re-joined into another URL.
//
// The rules on the text itself (whitespace, backslashes, dot segments, fragments, Unicode) are
// url-text.ts's, shared with the page; userinfo is refused here too (never sent as written).
import type { ResolvedBase } from '../../auth/regions.js';
import { userInputError } from '../envelope.js';
import { dotSegmentProblem, MAX_URL_LENGTH, urlTextProblem } from './url-text.js';

export { MAX_URL_LENGTH } from './url-text.js';

function refuse(field: string, rule: string, what: string): never {
  throw userInputError(`"${field}": ${what}`, [{ field, rule }]);
}

/** The rules every piece of URL text a person writes must keep, whatever part of the URL it is. */
export function checkUrlText(text: string, field: string): void {
  const problem = urlTextProblem(text);
  if (problem) refuse(field, problem.rule, problem.what);
}

/** Refuses a path with a `.` or `..` segment: every URL parser would fold it into another path. */
export function checkNoDotSegments(path: string, field: string): void {
  const problem = dotSegmentProblem(path);
  if (problem) refuse(field, problem.rule, problem.what);
}

function checkLength(url: URL, field: string): URL {
  if (url.href.length > MAX_URL_LENGTH) {
    refuse(field, 'max_url_length', `the request URL would be ${url.href.length} characters; at most ${MAX_URL_LENGTH} are sent (shorten the identifiers or filters)`);
  }
  return url;
}

/**
 * The own origin with `pathname` (already percent-encoded, starting with `/`) and `search`
 * (`?a=b`, or empty) set on it. `field` names the input a too-long URL is blamed on.
 */
export function ownUrl(base: ResolvedBase, pathname: string, search: string, field = 'input'): URL {
  const url = new URL(base.origin);
  url.pathname = pathname;
  if (search) url.search = search;
  return checkLength(url, field);
}

/** The parts of a Full URL as written, before a parser normalises them. */
const FULL_URL = /^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*):\/\/(?<authority>[^/?]*)(?<path>\/[^?]*)?(?<query>\?.*)?$/s;

/**
 * A person's Full URL, parsed, once it is certain to address the own origin: the returned
 * object is what the dispatcher sends. `where` names the own origin in the refusal.
 */
export function checkedFullUrl(text: string, base: ResolvedBase, field: string, where: string): URL {
  checkUrlText(text, field);
  const parts = FULL_URL.exec(text)?.groups;
  if (!parts) refuse(field, 'url', `must be a full URL written as scheme://host/path, such as ${base.origin}/…`);
  if (!/^https?$/i.test(parts.scheme!)) refuse(field, 'url', 'must start with http:// or https://');
  if (parts.authority === '') refuse(field, 'url', `must name the host right after "//", such as ${base.origin}/…`);
  if (parts.authority!.includes('@')) refuse(field, 'no_userinfo', 'must not hold a user name or password before the host ("…@"); credentials come from the connector');
  checkNoDotSegments(parts.path ?? '', field);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    refuse(field, 'url', `must be a valid URL, such as ${base.origin}/…`);
  }
  // The parsed scheme, host and port (`origin`) are compared, not the text: the parser decides
  // where a request goes, so it must be the parser's reading that is the own origin.
  if (url.origin !== base.origin || url.username !== '' || url.password !== '') {
    refuse(field, 'own_host', `must be on ${where}; this connector's credentials are never sent to another host`);
  }
  return checkLength(url, field);
}
