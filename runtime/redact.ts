// Credentials never leave the runtime in anything a person or a log can see.
import type { ShownRequest } from './envelope.js';
import { isFormData } from './form-data.js';

export const REDACTED = '[REDACTED]';
const SENSITIVE_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

export interface Redactor {
  (text: string): string;
  /** Whether `text` holds a secret at all (so a clean value can be shown without copying it). */
  finds(text: string): boolean;
}

export function makeRedactor(secrets: string[]): Redactor {
  // Longest first, so a secret that contains another is replaced whole.
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  // Every header, URL and answer of a call is looked at: text shorter than the shortest secret
  // (a content type, a status, a length) cannot hold one, and is not searched.
  const shortest = values.at(-1)?.length ?? Infinity;
  const redact = ((text: string) => (text.length < shortest ? text : values.reduce((out, secret) => (out.includes(secret) ? out.split(secret).join(REDACTED) : out), text))) as Redactor;
  redact.finds = (text) => text.length >= shortest && values.some((secret) => text.includes(secret));
  return redact;
}

export function redactValue<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redact)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[redact(key)] = redactValue(item, redact);
    return copy as T;
  }
  return value;
}

export function redactHeaders(headers: Record<string, string>, redact: Redactor): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    shown[name] = SENSITIVE_HEADERS.has(name.toLowerCase()) ? REDACTED : redact(value);
  }
  return shown;
}

export function showRequest(
  request: { method: string; url: URL; headers: Record<string, string>; body?: unknown; json?: string; bytes?: Buffer },
  redact: Redactor,
): ShownRequest {
  const shown: ShownRequest = { method: request.method, url: redact(request.url.href), headers: redactHeaders(request.headers, redact) };
  if (request.body === undefined) return shown;
  if (request.bytes !== undefined) {
    // A bulk batch (up to 500 KB, hundreds of them per import): what it shows is read from its
    // bytes, and scanned for secrets, when someone reads it, rather than for every batch sent.
    const bytes = request.bytes;
    let made: { body: unknown } | undefined;
    Object.defineProperty(shown, 'body', {
      enumerable: true,
      configurable: true,
      get() {
        if (!made) {
          const json = bytes.toString('utf8');
          const body = JSON.parse(json) as unknown;
          made = { body: redact.finds(json) ? redactValue(body, redact) : body };
        }
        return made.body;
      },
    });
  } else if (request.json !== undefined && !redact.finds(request.json)) {
    shown.body = request.body; // the JSON as sent holds no secret: show it as is, uncopied
  } else {
    shown.body = isFormData(request.body) ? redactValue(Object.fromEntries(request.body.entries()), redact) : redactValue(request.body, redact);
  }
  return shown;
}
