// Turns the user's credentials into request headers, following the connector's declared scheme,
// and lists the values that must never be shown (for redaction).
import type { AuthScheme } from '../runtime/definitions.js';

export type AuthValues = Record<string, unknown>;

/** The values of the fields a scheme builds its header from, in a fixed order. */
export function credentialValues(scheme: AuthScheme, auth: AuthValues): unknown[] {
  return scheme.scheme === 'basic' ? [auth[scheme.username], auth[scheme.password]] : [auth[scheme.token]];
}

export function authorizationHeader(scheme: AuthScheme, auth: AuthValues): string {
  if (scheme.scheme === 'basic') {
    const user = String(auth[scheme.username] ?? '');
    const pass = String(auth[scheme.password] ?? '');
    return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  return `Bearer ${String(auth[scheme.token] ?? '')}`;
}

/**
 * Every string that would reveal a credential: the secret itself, as written in a URL or in JSON
 * text too, and `header`, the header made from it, with and without its scheme word (a server
 * that echoes the header, encoded or decoded, must not put the key into an output).
 */
export function secretValues(scheme: AuthScheme, auth: AuthValues, header: string): string[] {
  const secretFields = scheme.scheme === 'basic' ? [scheme.password] : [scheme.token];
  const values = secretFields.map((field) => auth[field]).filter((v): v is string => typeof v === 'string' && v.length > 0);
  const forms = values.flatMap((value) => [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  const token = header.replace(/^\w+ /, '');
  const decoded = scheme.scheme === 'basic' ? [Buffer.from(token, 'base64').toString('utf8')] : [];
  return [...new Set([...forms, header, token, ...decoded])];
}
