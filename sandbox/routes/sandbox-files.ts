// The files the sandbox hosts (model/files.ts), at /sandbox/files/{id}/{name}: no credentials,
// like the signed links and public asset addresses Customer.io hands out; an export's link
// must carry a valid, unexpired signature.
import { appError, type Reply } from '../reply.js';
import type { Context, Route } from '../router.js';
import { fileForLink } from '../model/files.js';

function download(ctx: Context): Reply {
  const found = fileForLink(ctx.state, ctx.params.file_id, ctx.query, ctx.now);
  if ('problem' in found) throw appError(found.status, found.problem);
  const { file } = found;
  return {
    status: 200,
    headers: {
      'content-type': file.content_type,
      'content-disposition': `attachment; filename="${file.name.replace(/["\\\r\n]/g, '_')}"`,
    },
    raw: Buffer.from(file.content_base64, 'base64'),
  };
}

export const sandboxFileRoutes: Route[] = [
  { method: 'GET', path: '/files/{file_id}/{name}', operations: [], auth: false, handle: download },
];
