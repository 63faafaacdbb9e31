// Inbox previews of Design Studio emails: a job per request, one credit per client (the same
// content and clients asked again replay the earlier job at no cost), finished at once, with a
// screenshot per client served as a PNG. The sandbox has no mail clients to render in, so the
// screenshots are plain images of one colour per client.
import { createHash } from 'node:crypto';
import { nextNumber } from '../ids.js';
import type { InboxPreviewJob } from '../records.js';
import { appError, ok, type Reply } from '../reply.js';
import type { Context, Route } from '../router.js';
import { emailNode, renderedHtml } from '../model/design-studio.js';
import { recordsUnder } from '../model/indexes.js';
import { solidPng } from '../model/png.js';
import { appFail, intParam, objectBody } from './common.js';

/** The mail clients previews can be made in: a catalogue, the same in every workspace. */
export const INBOX_CLIENTS = [
  { id: 'android12_gmailapp_pixel6_dm', client: 'Gmail App Pixel 6', category: 'Mobile', os: 'Android 12', browser: '' },
  { id: 'android12_gmailapp_pixel6_dm_dark', client: 'Gmail App Pixel 6', category: 'Mobile', os: 'Android 12 (Dark Mode)', browser: '' },
  { id: 'iphone15_ios17_applemail', client: 'Apple Mail iPhone 15', category: 'Mobile', os: 'iOS 17', browser: '' },
  { id: 'gmail_chrome', client: 'Gmail', category: 'Web', os: 'Windows 11', browser: 'Chrome' },
  { id: 'outlookcom_chrome', client: 'Outlook.com', category: 'Web', os: 'Windows 11', browser: 'Chrome' },
  { id: 'outlook2021_win11', client: 'Outlook 2021', category: 'Desktop', os: 'Windows 11', browser: '' },
  { id: 'applemail16_macos13', client: 'Apple Mail 16', category: 'Desktop', os: 'macOS 13', browser: '' },
];

const SIZES: Record<string, [number, number]> = { screenshot: [320, 480], thumbnail: [80, 120], full_thumbnail: [80, 240] };

function jobView(job: InboxPreviewJob) {
  const count = job.client_ids.length;
  return {
    run_id: job.run_id, name: job.name, node_id: job.node_id, node_count: 1, is_processed: true, created_at: job.created_at, updated_at: job.updated_at,
    total_previews_requested: count, total_previews_ready: count, total_previews_succeeded: count, total_previews_cached: 0, total_previews_bounced: 0,
  };
}

function jobOf(ctx: Context): InboxPreviewJob {
  const node = emailNode(ctx.state, ctx.params.email_id);
  const runId = intParam(ctx, 'run_id');
  const job = recordsUnder(ctx.state, 'inbox_previews', `i:${runId}`).find((j) => j.node_id === node.id);
  if (!job) throw appError(404, `email ${node.id} has no inbox preview job ${runId}`);
  return job;
}

function createJob(ctx: Context) {
  const node = emailNode(ctx.state, ctx.params.email_id);
  const body = objectBody(ctx, appFail);
  const clients = body.client_ids;
  if (!Array.isArray(clients) || clients.length < 1 || clients.length > 150 || new Set(clients).size !== clients.length) throw appError(400, 'client_ids must list 1 to 150 different client IDs');
  const unknown = clients.filter((id) => !INBOX_CLIENTS.some((c) => c.id === id));
  if (unknown.length) throw appError(400, `unknown client IDs: ${unknown.join(', ')} (List inbox preview clients has them)`);
  const fingerprint = createHash('sha256').update(JSON.stringify([node.id, renderedHtml(ctx.state, node), [...clients].sort(), body.sample_data ?? null, body.lax_mode === true])).digest('hex');
  const earlier = recordsUnder(ctx.state, 'inbox_previews', `f:${fingerprint}`)[0];
  if (earlier) return ok({ run_id: earlier.run_id, replayed: true });

  // One credit per client, from the tiers that still have some, in order.
  const { credits } = ctx.state.design_studio;
  const available = credits.reduce((sum, tier) => sum + (tier.expires_at === null || tier.expires_at > ctx.now ? tier.credits_remaining : 0), 0);
  if (available < clients.length) throw appError(402, `inbox previews need ${clients.length} credits and ${available} are left`);
  let owed = clients.length;
  for (const tier of credits) {
    if (tier.expires_at !== null && tier.expires_at <= ctx.now) continue;
    const taken = Math.min(owed, tier.credits_remaining);
    tier.credits_remaining -= taken;
    owed -= taken;
  }
  const job: InboxPreviewJob = {
    run_id: nextNumber(ctx.state, 'inbox_preview', 9), name: typeof body.name === 'string' ? body.name : '', node_id: node.id,
    client_ids: clients as string[], fingerprint, created_at: ctx.now, updated_at: ctx.now,
  };
  ctx.state.design_studio.inbox_previews.push(job);
  return ok({ run_id: job.run_id, replayed: false });
}

function getJob(ctx: Context) {
  const job = jobOf(ctx);
  const base = `${ctx.origin}/v1/design_studio/emails/${job.node_id}/inbox_previews/${job.run_id}/captures`;
  return ok({
    ...jobView(job),
    client_ids: job.client_ids,
    previews: job.client_ids.map((id) => {
      const client = INBOX_CLIENTS.find((c) => c.id === id)!;
      return {
        client_id: id, display_name: client.client, category: client.category, os: client.os, browser: client.browser, status: 'Complete', cached: false,
        screenshots: { default: `${base}/${id}` }, thumbnail: `${base}/${id}?variant=thumbnail`, full_thumbnail: `${base}/${id}?variant=full_thumbnail`,
      };
    }),
  });
}

function capture(ctx: Context): Reply {
  const job = jobOf(ctx);
  if (!job.client_ids.includes(ctx.params.client_id)) throw appError(404, `job ${job.run_id} has no capture for ${ctx.params.client_id}`);
  const variant = ctx.query.get('variant') ?? 'screenshot';
  const size = SIZES[variant];
  if (!size) throw appError(400, 'variant must be screenshot, thumbnail or full_thumbnail');
  const key = ctx.query.get('key');
  if (key !== null && key !== 'default') throw appError(404, `the capture has no screenshot named ${key} (it has default)`);
  const hash = createHash('sha256').update(ctx.params.client_id).digest();
  return { status: 200, headers: { 'content-type': 'image/png' }, raw: solidPng(size[0], size[1], [hash[0], hash[1], hash[2]]) };
}

/** The cursor is Customer.io's: base64 of {"run_id": N}, the last job of the page; the next page holds older jobs. */
function olderThan(cursor: string | null): number {
  if (!cursor) return Infinity;
  let runId: unknown;
  try {
    runId = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { run_id?: unknown }).run_id;
  } catch {
    runId = undefined;
  }
  if (!Number.isInteger(runId)) throw appError(400, `cursor is not one this API handed out (got ${cursor})`);
  return runId as number;
}

function listJobs(ctx: Context) {
  const nodeId = ctx.query.get('node_id');
  const limit = Number(ctx.query.get('limit') ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw appError(400, 'limit must be between 1 and 200');
  const before = olderThan(ctx.query.get('cursor'));
  const jobs = ctx.state.design_studio.inbox_previews.filter((j) => (!nodeId || j.node_id === nodeId) && j.run_id < before).sort((a, b) => b.run_id - a.run_id);
  const page = jobs.slice(0, limit);
  const more = jobs.length > limit;
  return ok({
    preview_jobs: page.map(jobView),
    meta: { pagination: { limit, ...(more ? { next_cursor: Buffer.from(JSON.stringify({ run_id: page.at(-1)!.run_id })).toString('base64url') } : {}) } },
  });
}

export const appInboxPreviewRoutes: Route[] = [
  { method: 'POST', path: '/design_studio/emails/{email_id}/inbox_previews', operations: ['create_design_email_inbox_preview'], handle: createJob },
  { method: 'GET', path: '/design_studio/emails/{email_id}/inbox_previews/{run_id}', operations: ['get_design_email_inbox_preview'], handle: getJob },
  { method: 'GET', path: '/design_studio/emails/{email_id}/inbox_previews/{run_id}/captures/{client_id}', operations: ['get_design_email_inbox_preview_capture'], handle: capture },
  { method: 'GET', path: '/design_studio/inbox_previews/jobs', operations: ['list_inbox_preview_jobs'], handle: listJobs },
  { method: 'GET', path: '/design_studio/inbox_previews/clients', operations: ['list_inbox_preview_clients'], handle: () => ok({ clients: INBOX_CLIENTS }) },
  { method: 'GET', path: '/design_studio/inbox_previews/credits', operations: ['get_inbox_preview_credits'], handle: (ctx) => ok({ credits: ctx.state.design_studio.credits }) },
];
