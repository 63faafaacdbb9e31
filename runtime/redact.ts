// Credentials never leave the runtime in anything a person or a log can see.
import type { ShownRequest } from './envelope.js';

export const REDACTED = '[REDACTED]';
const SENSITIVE_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

export type Redactor = (text: string) => string;

export function makeRedactor(secrets: string[]): Redactor {
  // Longest first, so a secret that contains another is replaced whole.
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text) => values.reduce((out, secret) => out.split(secret).join(REDACTED), text);
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
  request: { method: string; url: string; headers: Record<string, string>; body?: unknown },
  redact: Redactor,
): ShownRequest {
  const shown: ShownRequest = { method: request.method, url: redact(request.url), headers: redactHeaders(request.headers, redact) };
  if (request.body !== undefined) {
    shown.body = request.body instanceof FormData ? redactValue(Object.fromEntries(request.body.entries()), redact) : redactValue(request.body, redact);
  }
  return shown;
}
