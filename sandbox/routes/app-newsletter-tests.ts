// A newsletter's schedule and its A/B test groups. The first test group added makes two:
// A, the newsletter's own contents, and B, a copy of them; each later one copies A again.
// Sending shares the recipients out between the groups in turn (app-newsletters.ts). A group's
// variants are its contents, one per language.
import { nextNumber } from '../ids.js';
import type { NewsletterTestGroup } from '../records.js';
import { appError, noContent, ok } from '../reply.js';
import type { Context, Route } from '../router.js';
import type { Newsletter, NewsletterContent } from '../state.js';
import { recordsUnder } from '../model/indexes.js';
import { appFail, objectBody, requireString } from './common.js';
import { baseContents, contentChanges, contentView, newsletterFromPath, newsletterView, scheduleFrom } from './app-newsletters.js';

function groupsOf(ctx: Context, newsletter: Newsletter): readonly NewsletterTestGroup[] {
  return recordsUnder(ctx.state, 'newsletter_test_groups', `n:${newsletter.id}`);
}

function contentsOf(ctx: Context, newsletter: Newsletter, group: NewsletterTestGroup): NewsletterContent[] {
  return groupsOf(ctx, newsletter)[0] === group ? baseContents(newsletter) : newsletter.contents.filter((c) => c.test_group_id === group.id);
}

function groupFromPath(ctx: Context): { newsletter: Newsletter; group: NewsletterTestGroup } {
  const newsletter = newsletterFromPath(ctx);
  const raw = ctx.params.test_group_id;
  const group = /^\d+$/.test(raw) ? groupsOf(ctx, newsletter).find((g) => g.id === Number(raw)) : undefined;
  if (!group) throw appError(404, `newsletter ${newsletter.id} has no test group ${raw}`);
  return { newsletter, group };
}

function draft(newsletter: Newsletter): void {
  if (newsletter.sent_at !== null) throw appError(400, `newsletter ${newsletter.id} was already sent; its test groups cannot change`);
}

function translationOf(ctx: Context) {
  const { newsletter, group } = groupFromPath(ctx);
  const content = contentsOf(ctx, newsletter, group).find((c) => c.language === ctx.params.language);
  if (!content) throw appError(404, `test group ${group.name} of newsletter ${newsletter.id} has no ${ctx.params.language} variant`);
  return { newsletter, group, content };
}

/** A copy of the given variants for another group. */
function copies(ctx: Context, newsletter: Newsletter, contents: NewsletterContent[], group: NewsletterTestGroup): NewsletterContent[] {
  return contents.map((c) => ({ ...structuredClone(c), id: nextNumber(ctx.state, 'newsletter_content'), test_group_id: group.id, updated: ctx.now }));
}

function addGroup(ctx: Context) {
  const newsletter = newsletterFromPath(ctx);
  draft(newsletter);
  const groups = groupsOf(ctx, newsletter);
  const make = (index: number): NewsletterTestGroup => {
    const group = { id: nextNumber(ctx.state, 'newsletter_test_group'), newsletter_id: newsletter.id, name: String.fromCharCode(65 + (index % 26)), label: null, winner: false };
    ctx.state.newsletter_test_groups.push(group);
    return group;
  };
  if (groups.length === 0) make(0);
  const group = make(Math.max(groups.length, 1));
  newsletter.contents.push(...copies(ctx, newsletter, baseContents(newsletter), group));
  newsletter.updated = ctx.now;
  return ok({ newsletter: newsletterView(newsletter) });
}

function addVariant(ctx: Context) {
  const { newsletter, group } = groupFromPath(ctx);
  draft(newsletter);
  const { language, ...fields } = objectBody(ctx, appFail);
  const code = requireString(language, 'language', appFail);
  const contents = contentsOf(ctx, newsletter, group);
  if (contents.some((c) => c.language === code)) throw appError(400, `test group ${group.name} already has a ${code} variant`);
  const base = contents.find((c) => c.language === '') ?? contents[0];
  const variant: NewsletterContent = { ...structuredClone(base), ...contentChanges(ctx.state, fields), id: nextNumber(ctx.state, 'newsletter_content'), language: code, updated: ctx.now };
  if (groupsOf(ctx, newsletter)[0] === group) delete variant.test_group_id;
  else variant.test_group_id = group.id;
  newsletter.contents.push(variant);
  newsletter.updated = ctx.now;
  return ok({ newsletter: newsletterView(newsletter) });
}

export const appNewsletterTestRoutes: Route[] = [
  {
    method: 'POST', path: '/newsletters/{newsletter_id}/schedule', operations: ['schedule_newsletter'],
    handle: (ctx) => {
      const newsletter = newsletterFromPath(ctx);
      const body = objectBody(ctx, appFail);
      if (body.scheduled_at === 0) {
        delete newsletter.schedule;
      } else {
        if (newsletter.sent_at !== null) throw appError(400, `newsletter ${newsletter.id} was already sent`);
        newsletter.schedule = scheduleFrom(ctx, newsletter, body, true);
      }
      newsletter.updated = ctx.now;
      return ok({ newsletter: newsletterView(newsletter) });
    },
  },
  {
    method: 'GET', path: '/newsletters/{newsletter_id}/test_groups', operations: ['list_newsletter_test_groups'],
    handle: (ctx) => {
      const newsletter = newsletterFromPath(ctx);
      return ok({ test_groups: groupsOf(ctx, newsletter).map((g) => ({ id: g.id, name: g.name, label: g.label, winner: g.winner, content_ids: contentsOf(ctx, newsletter, g).map((c) => c.id) })) });
    },
  },
  { method: 'POST', path: '/newsletters/{newsletter_id}/test_groups', operations: ['create_newsletter_test_group'], handle: addGroup },
  { method: 'POST', path: '/newsletters/{newsletter_id}/test_group/{test_group_id}/language', operations: ['add_newsletter_test_group_translation'], handle: addVariant },
  {
    method: 'GET', path: '/newsletters/{newsletter_id}/test_group/{test_group_id}/language/{language}', operations: ['get_newsletter_test_group_translation'],
    handle: (ctx) => ok({ content: contentView(translationOf(ctx).content) }),
  },
  {
    method: 'PUT', path: '/newsletters/{newsletter_id}/test_group/{test_group_id}/language/{language}', operations: ['update_newsletter_test_group_translation'],
    handle: (ctx) => {
      const { newsletter, content } = translationOf(ctx);
      draft(newsletter);
      Object.assign(content, contentChanges(ctx.state, objectBody(ctx, appFail)), { updated: ctx.now });
      return ok({ content: contentView(content) });
    },
  },
  {
    method: 'DELETE', path: '/newsletters/{newsletter_id}/test_group/{test_group_id}/language/{language}', operations: ['delete_newsletter_test_group_translation'],
    handle: (ctx) => {
      const { newsletter, content } = translationOf(ctx);
      draft(newsletter);
      if (content.language === '') throw appError(400, 'a test group keeps its default-language variant');
      newsletter.contents = newsletter.contents.filter((c) => c !== content);
      newsletter.updated = ctx.now;
      return noContent();
    },
  },
];
