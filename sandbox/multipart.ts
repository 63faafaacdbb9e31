// multipart/form-data bodies (asset uploads), read into a plain object: a text field becomes
// its string, a file field `{ filename, content_type, content_base64 }`. Plain JSON values, so
// handlers read an upload as they read any other body.
import { appError } from './reply.js';

export interface UploadedFile {
  filename: string;
  content_type: string;
  content_base64: string;
}

export function isMultipart(contentType: string | undefined): boolean {
  return /^multipart\/form-data\s*(;|$)/i.test(contentType ?? '');
}

function boundaryOf(contentType: string): string {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw appError(400, 'a multipart/form-data body needs a boundary in its Content-Type');
  return boundary;
}

/** The value of one parameter of a header such as `form-data; name="file"; filename="a.png"`. */
function headerParam(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header) ?? new RegExp(`;\\s*${name}=([^;\\s]+)`, 'i').exec(header);
  return match?.[1]?.replace(/\\(.)/g, '$1');
}

export function parseMultipart(raw: Buffer, contentType: string): Record<string, string | UploadedFile> {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  const fields: Record<string, string | UploadedFile> = {};
  let position = raw.indexOf(delimiter);
  if (position < 0) throw appError(400, 'the multipart/form-data body has no part with its boundary');
  for (;;) {
    const afterDelimiter = position + delimiter.length;
    // `--` after the delimiter closes the body.
    if (raw.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const headersStart = afterDelimiter + 2; // CRLF
    const headersEnd = raw.indexOf('\r\n\r\n', headersStart);
    const next = raw.indexOf(delimiter, headersStart);
    if (headersEnd < 0 || next < 0 || headersEnd > next) throw appError(400, 'the multipart/form-data body is cut off or malformed');
    const headers = raw.subarray(headersStart, headersEnd).toString('utf8').split('\r\n');
    const content = raw.subarray(headersEnd + 4, next - 2); // the CRLF before the next delimiter belongs to it
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const name = headerParam(disposition, 'name');
    if (!name) throw appError(400, 'each multipart/form-data part needs a Content-Disposition with a name');
    const filename = headerParam(disposition, 'filename');
    if (filename === undefined) {
      fields[name] = content.toString('utf8');
    } else {
      const type = headers.find((h) => /^content-type:/i.test(h))?.replace(/^content-type:\s*/i, '').trim();
      fields[name] = { filename, content_type: type || 'application/octet-stream', content_base64: content.toString('base64') };
    }
    position = next;
  }
  return fields;
}
