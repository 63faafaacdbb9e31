// Files the sandbox hosts, as Customer.io hosts them elsewhere: export CSVs behind signed links
// that expire after 15 minutes (Customer.io's download links are signed S3 URLs), and uploaded
// assets at public addresses. Both are served at <origin>/sandbox/files/{id}/{name}, so a
// client downloads them over HTTP; the same addresses (and data: URLs) are what an import may
// read its CSV from.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from '../ids.js';
import type { HostedFile } from '../records.js';
import type { State } from '../state.js';
import { recordById, recordsUnder, removeRecords } from './indexes.js';

/** Export links stop working after this long (Customer.io: 15 minutes). */
export const LINK_LIFETIME_SECONDS = 15 * 60;
// Fake, like the sandbox's API keys: it only keeps one sandbox's links from being guessed.
const LINK_KEY = 'sandbox-file-links';

export function storeFile(state: State, file: { name: string; content_type: string; bytes: Buffer; signed: boolean }, now: number): HostedFile {
  const hosted: HostedFile = {
    // From ids.ts, so a journal replay hands out the same name (persistence/).
    id: randomToken(12),
    name: file.name,
    content_type: file.content_type,
    content_base64: file.bytes.toString('base64'),
    signed: file.signed,
    created: now,
  };
  state.files.push(hosted);
  return hosted;
}

export function removeFile(state: State, id: string): void {
  removeRecords(state, 'files', [...recordsUnder(state, 'files', `i:${id}`)]);
}

function signature(fileId: string, expires: number): string {
  return createHmac('sha256', LINK_KEY).update(`${fileId}:${expires}`).digest('hex');
}

function pathOf(file: HostedFile): string {
  return `/sandbox/files/${file.id}/${encodeURIComponent(file.name)}`;
}

/** The file's address: public, or signed and valid for LINK_LIFETIME_SECONDS from `now`. */
export function fileUrl(origin: string, file: HostedFile, now: number): string {
  if (!file.signed) return `${origin}${pathOf(file)}`;
  const expires = now + LINK_LIFETIME_SECONDS;
  return `${origin}${pathOf(file)}?expires=${expires}&signature=${signature(file.id, expires)}`;
}

export type FileLookup = { file: HostedFile } | { status: 403 | 404; problem: string };

/** The file a request for /sandbox/files/{id}/… names, if its link is still good. */
export function fileForLink(state: State, id: string, query: URLSearchParams, now: number): FileLookup {
  const file = recordById(state, 'files', id);
  if (!file) return { status: 404, problem: 'no such file (it was deleted, or the link is wrong)' };
  if (!file.signed) return { file };
  const expires = Number(query.get('expires'));
  const given = Buffer.from(query.get('signature') ?? '', 'utf8');
  const expected = Buffer.from(signature(file.id, expires), 'utf8');
  if (!Number.isInteger(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 403, problem: 'the link’s signature is not valid' };
  if (expires < now) return { status: 403, problem: 'the link has expired: ask for a new one with Download export' };
  return { file };
}

/**
 * The bytes behind a URL an import names, without fetching anything: a `data:` URL, or a link
 * to a file this sandbox hosts. Anything else is refused with the reason.
 */
export function readUrl(state: State, url: string, origin: string, now: number): { bytes: Buffer } | { problem: string } {
  if (url.startsWith('data:')) {
    const match = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(url);
    if (!match) return { problem: 'the data: URL is malformed (data:[<type>][;base64],<data>)' };
    try {
      return { bytes: match[2] ? Buffer.from(match[3], 'base64') : Buffer.from(decodeURIComponent(match[3]), 'utf8') };
    } catch {
      return { problem: 'the data: URL is not validly percent-encoded' };
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: `${url} is not a URL` };
  }
  const match = /^\/sandbox\/files\/([^/]+)\/[^/]*$/.exec(parsed.pathname);
  if (parsed.origin !== origin || !match) {
    return { problem: `the sandbox fetches nothing from other places: give a data: URL, or a link to a file this sandbox hosts (${origin}/sandbox/files/…, such as an export's download link or an uploaded asset)` };
  }
  const found = fileForLink(state, match[1], parsed.searchParams, now);
  if ('problem' in found) return { problem: `${url}: ${found.problem}` };
  return { bytes: Buffer.from(found.file.content_base64, 'base64') };
}
