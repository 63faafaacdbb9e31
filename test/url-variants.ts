// Generators of Full URLs that try to talk a raw request into another host, for the
// URL-confusion suite: variants of the connector's own origin (encodings, userinfo, backslashes,
// IP spellings, whitespace, dot segments…) and of foreign hosts. Each variant keeps the name of
// the family it comes from, so the suite can count what was refused and what was sent per family.
import fc from 'fast-check';

export interface Variant {
  family: string;
  url: string;
}

export interface Target {
  /** `https://track.customer.io` or `http://127.0.0.1:4010`: where credentials may go. */
  origin: string;
  /** Hosts (with a port where it matters) that must never receive anything. */
  foreign: string[];
  /** Other spellings of the own host that a WHATWG parser reads as the own host (IP forms). */
  ownAliases?: string[];
}

const PATHS = ['/api/v1/customers/1', '/v1/segments', '/x', '', '/', '/v1/customers/42?x=1'];

/** `%6f`-style escapes for some letters of `host` (upper or lower hex). */
function percentEncoded(host: string, picks: boolean[], upper: boolean): string {
  return [...host]
    .map((c, i) => (picks[i % picks.length] && /[a-z]/i.test(c) ? `%${c.charCodeAt(0).toString(16)[upper ? 'toUpperCase' : 'toLowerCase']()}` : c))
    .join('');
}

function randomCase(text: string, picks: boolean[]): string {
  return [...text].map((c, i) => (picks[i % picks.length] ? c.toUpperCase() : c)).join('');
}

function insertAt(text: string, at: number, what: string): string {
  const i = at % (text.length + 1);
  return `${text.slice(0, i)}${what}${text.slice(i)}`;
}

const WHITESPACE = ['\t', '\n', '\r', ' ', '\r\n', '\u000b', '\u000c', '\u0000', '\u007f', '\u0085', '\u00a0', '\u2028', '\u3000', '\ufeff'];
const DOTS = ['..', '.', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%2e', '%2E'];

export function variants(target: Target): fc.Arbitrary<Variant> {
  const own = new URL(target.origin);
  const scheme = own.protocol.slice(0, -1);
  const host = own.host; // with its port, when it has one
  const hostname = own.hostname;
  const port = own.port;
  const path = fc.constantFrom(...PATHS);
  const foreign = fc.constantFrom(...target.foreign);
  const picks = fc.array(fc.boolean(), { minLength: 1, maxLength: 12 });
  const family = (name: string, url: fc.Arbitrary<string>) => url.map((u) => ({ family: name, url: u }));
  const withPort = (h: string) => (port ? `${h}:${port}` : h);

  const families: fc.Arbitrary<Variant>[] = [
    family('percent-encoded letters in the host', fc.tuple(picks, fc.boolean(), path).map(([p, upper, rest]) => `${scheme}://${withPort(percentEncoded(hostname, p, upper))}${rest}`)),
    family('%2e for the dots of the host', fc.tuple(fc.constantFrom('%2e', '%2E'), path).map(([dot, rest]) => `${scheme}://${withPort(hostname.split('.').join(dot))}${rest}`)),
    family('userinfo (@ and %40)', fc.tuple(foreign, path, fc.constantFrom('@', '%40', '%2540')).map(([f, rest, at]) => (at === '@' ? `${scheme}://${host}@${f}${rest}` : `${scheme}://${host}${at}${f}${rest}`))),
    family('userinfo on the own host', fc.tuple(fc.constantFrom('user', 'user:pass', ':', 'evil.example', `${host}`), path).map(([u, rest]) => `${scheme}://${u}@${host}${rest}`)),
    family('backslashes', fc.tuple(foreign, path, fc.integer({ min: 0, max: 3 })).map(([f, rest, form]) =>
      [`${scheme}://${host}\\@${f}${rest}`, `${scheme}://${host}\\${f}${rest}`, `${scheme}:\\\\${f}${rest}`, `${scheme}://${f}\\${host}${rest}`][form]!)),
    family('trailing dot', path.map((rest) => `${scheme}://${withPort(`${hostname}.`)}${rest}`)),
    family('upper case', fc.tuple(picks, path).map(([p, rest]) => `${randomCase(scheme, p)}://${randomCase(host, [...p].reverse())}${rest}`)),
    family('IP address spellings (decimal, octal, hex, short, IPv6, unspecified, link-local)', fc.tuple(fc.constantFrom('2130706433', '0177.0.0.1', '0x7f.0.0.1', '0x7f000001', '127.1', '127.0.0.2', '[::1]', '[::ffff:7f00:1]', '[::ffff:127.0.0.1]', '0', '0.0.0.0', '169.254.169.254'), path)
      .map(([ip, rest]) => `${scheme}://${port ? `${ip}:${port}` : ip}${rest}`)),
    family('tabs, newlines and other whitespace', fc.tuple(fc.constantFrom(...WHITESPACE), fc.nat(), path).map(([ws, at, rest]) => insertAt(`${scheme}://${host}${rest}`, at, ws))),
    family(':443@ and :port@', fc.tuple(foreign, path, fc.constantFrom(':443', ':80', `:${port || '443'}`)).map(([f, rest, p]) => `${scheme}://${hostname}${p}@${f}${rest}`)),
    family('scheme-relative and single-slash forms', fc.tuple(fc.constantFrom(host, ...target.foreign), path, fc.integer({ min: 0, max: 4 })).map(([h, rest, form]) =>
      [`//${h}${rest}`, `${scheme}:/${h}${rest}`, `${scheme}:///${h}${rest}`, `${scheme}:${h}${rest}`, `/${h}${rest}`][form]!)),
    family('dot segments in the path', fc.tuple(fc.constantFrom(...DOTS), fc.constantFrom('/api/', '/v1/customers/', '/'), fc.constantFrom('', '/x', '/v1/accounts/region', '/')).map(([dots, before, after]) => `${scheme}://${host}${before}${dots}${after}`)),
    family('foreign hosts', fc.tuple(foreign, path).map(([f, rest]) => `${scheme}://${f}${rest}`)),
    family('look-alikes and ports', fc.tuple(path, fc.integer({ min: 0, max: 6 })).map(([rest, form]) =>
      [`${scheme}://${hostname}.evil.example${rest}`, `${scheme}://evil.example/${host}${rest}`, `${scheme}://${hostname}:1${rest}`,
        `${scheme === 'https' ? 'http' : 'https'}://${host}${rest}`, `${scheme}://${hostname}:${port ? Number(port) + 1 : 8443}${rest}`,
        `${scheme}://${host}:${rest}`, `${scheme}://${host}#@evil.example${rest}`][form]!)),
    ...(target.ownAliases?.length
      ? [family('IP spellings of the own host (127.0.0.1)', fc.tuple(fc.constantFrom(...target.ownAliases), path).map(([alias, rest]) => `${scheme}://${port ? `${alias}:${port}` : alias}${rest}`))]
      : []),
  ];
  // Up to three of the tricks above, applied one after another to the own URL's text.
  const mutation = fc.constantFrom<(url: string, f: string, n: number) => string>(
    (u, f) => u.replace(host, `${host}@${f}`),
    (u) => u.replace('://', ':/'),
    (u, _f, n) => insertAt(u, n, WHITESPACE[n % WHITESPACE.length]!),
    (u) => u.replace(hostname, percentEncoded(hostname, [true, false], false)),
    (u) => u.replace(/\/[^/]*$/, '/..'),
    (u) => u.replace('//', '\\\\'),
    (u) => u.toUpperCase(),
    (u, f) => `${u}@${f}`,
    (u) => `${u}.`,
  );
  families.push(family('mixed tricks', fc.tuple(fc.array(fc.tuple(mutation, foreign, fc.nat({ max: 60 })), { minLength: 1, maxLength: 3 }), path)
    .map(([steps, rest]) => steps.reduce((u, [apply, f, n]) => apply(u, f, n), `${scheme}://${host}${rest}`))));
  return fc.oneof(...families);
}

/** Raw request Endpoints (a path under the base URL) that try to name a host of their own. */
export function endpointVariants(foreignHosts: string[]): fc.Arbitrary<Variant> {
  const f = fc.constantFrom(...foreignHosts);
  return fc.tuple(f, fc.integer({ min: 0, max: 9 })).map(([host, form]) => ({
    family: 'Endpoint naming a host',
    url: [`@${host}/x`, `//${host}/x`, `\\\\${host}/x`, `/..//${host}/x`, `http://${host}/x`, `/%2e%2e/%2e%2e/${host}`, `/v1@${host}`, `\t//${host}`, `/v1/..\\${host}`, `:@${host}`][form]!,
  }));
}
