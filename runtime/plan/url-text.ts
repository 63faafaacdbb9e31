// The rules every piece of URL text a person writes must keep, as pure predicates: the runtime
// refuses with them (request-url.ts), and a host's page can warn with the very same rules while
// the person types (endpoint-url.ts, re-exported by forms/). No imports, so a page bundles only this.
//
// What WHATWG URL parsing would silently rewrite is refused, so that the URL shown is what the
// person meant: whitespace and control characters (stripped or encoded), backslashes (read as
// `/`), dot segments (`..` and `%2e%2e` fold away a path segment), fragments (never sent), and
// text that is not valid Unicode (lone surrogates become U+FFFD).

/** Longest URL sent: servers refuse longer ones (often by resetting the connection). */
export const MAX_URL_LENGTH = 8000;

/** A rule a piece of URL text broke: its name, and what to do, as the end of a sentence. */
export interface UrlTextProblem {
  rule: string;
  what: string;
}

/** A segment that is `.` or `..`, written plainly or percent-encoded (`%2e`, `.%2E`…). */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** The first rule `text` breaks, if any. */
export function urlTextProblem(text: string): UrlTextProblem | undefined {
  // With the u flag a surrogate pair is one code point, so this matches only a lone surrogate
  // (String#isWellFormed, which older browsers lack).
  if (/[\uD800-\uDFFF]/u.test(text)) return { rule: 'unicode', what: 'must be valid Unicode text (it holds an unpaired surrogate)' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) return { rule: 'no_control_characters', what: 'must not hold control characters such as tabs or line breaks' };
  if (/\s/u.test(text)) return { rule: 'no_whitespace', what: 'must not hold spaces or other whitespace; write a space inside the path or query as %20' };
  if (text.includes('\\')) return { rule: 'no_backslash', what: 'must not hold a backslash (URL parsers read it as "/"); write it as %5C if it is part of a value' };
  if (text.includes('#')) return { rule: 'no_fragment', what: 'must not hold "#": a fragment is never sent to the server; write it as %23 if it is part of a value' };
  return undefined;
}

/** A path with a `.` or `..` segment: every URL parser would fold it into another path. */
export function dotSegmentProblem(path: string): UrlTextProblem | undefined {
  if (!path.split('/').some((segment) => DOT_SEGMENT.test(segment))) return undefined;
  return { rule: 'no_dot_segments', what: 'must not have a "." or ".." path segment (plain or percent-encoded): URL parsers fold it into another path' };
}
