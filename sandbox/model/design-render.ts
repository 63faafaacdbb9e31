// What Design Studio does with an email's HTML, in the sandbox's measure: components placed by
// their tag (<brand-footer></brand-footer>), Liquid variables filled from sample data
// ({{customer.first_name}}, {{event.plan}}, {{trigger.x}}…, undefined ones reported), links
// listed, a plain-text version, and a review that checks links, an unsubscribe link and
// preheader text.
import type { DesignComponent, DesignEmail } from '../records.js';

const MAX_NESTING = 5;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The HTML with every component's tag replaced by the component's content (components may hold components). */
export function expandComponents(html: string, components: DesignComponent[], depth = 0): string {
  if (depth >= MAX_NESTING) return html;
  let out = html;
  for (const component of components) {
    const tag = escapeRegExp(component.tag);
    out = out.replace(new RegExp(`<${tag}(\\s[^>]*)?\\s*(/>|>[\\s\\S]*?</${tag}\\s*>)`, 'gi'), () => expandComponents(component.content, components, depth + 1));
  }
  return out;
}

/** The components an email's HTML places, directly or through other components. */
export function componentsUsed(html: string, components: DesignComponent[]): DesignComponent[] {
  const used = new Map<string, DesignComponent>();
  const visit = (text: string, depth: number) => {
    if (depth >= MAX_NESTING) return;
    for (const component of components) {
      if (!used.has(component.id) && new RegExp(`<${escapeRegExp(component.tag)}[\\s/>]`, 'i').test(text)) {
        used.set(component.id, component);
        visit(component.content, depth + 1);
      }
    }
  };
  visit(html, 0);
  return [...used.values()];
}

function lookup(data: Record<string, unknown>, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), data);
}

/** Fills `{{scope.path}}` (and `{{ x | default: "y" }}`) from the sample data; undefined variables are listed. */
export function renderLiquid(text: string | undefined, data: Record<string, unknown>, errors: string[]): string | undefined {
  if (text === undefined) return undefined;
  return text.replace(/\{\{\s*([A-Za-z_][\w.]*)\s*(?:\|\s*default:\s*(?:"([^"]*)"|'([^']*)'))?\s*\}\}/g, (_all, variable: string, dq?: string, sq?: string) => {
    const value = lookup(data, variable.split('.'));
    if (value === undefined || value === null) {
      const fallback = dq ?? sq;
      if (fallback !== undefined) return fallback;
      const message = `undefined variable: ${variable}`;
      if (!errors.includes(message)) errors.push(message);
      return '';
    }
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

export function linksOf(html: string): { url: string; text: string }[] {
  const links: { url: string; text: string }[] = [];
  for (const match of html.matchAll(/<a\b[^>]*\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a\s*>/gi)) {
    links.push({ url: match[1] ?? match[2] ?? '', text: htmlToText(match[3]) });
  }
  return links;
}

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|h[1-6]|li|tr)\s*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .split('\n').map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
}

/** A whole HTML document around a fragment, as Design Studio's output always is. */
export function asDocument(html: string, language: string): string {
  if (/<html[\s>]/i.test(html)) return /^\s*<!doctype/i.test(html) ? html : `<!doctype html>\n${html}`;
  return `<!doctype html>\n<html lang="${language || 'und'}"><body>${html}</body></html>`;
}

interface Finding {
  id: string;
  check: string;
  severity: 'error' | 'warning' | 'tip';
  state: 'fail';
  title: string;
  details?: string;
}

/** The review: every link is an http(s), mailto: or Liquid address, there is an unsubscribe link, there is preheader text. */
export function review(email: DesignEmail, html: string) {
  const findings: Finding[] = [];
  const links = linksOf(html);
  const broken = links.filter((l) => !/^(https?:\/\/|mailto:|tel:|\{\{|\{%|#)/i.test(l.url.trim()));
  if (broken.length) {
    findings.push({ id: 'links', check: 'links', severity: 'error', state: 'fail', title: 'Links that go nowhere', details: broken.map((l) => l.url || '(empty)').join(', ') });
  }
  if (!/unsubscribe/i.test(html)) {
    findings.push({ id: 'unsubscribe', check: 'unsubscribe', severity: 'warning', state: 'fail', title: 'No unsubscribe link', details: 'Add an unsubscribe link ({% unsubscribe_url %}) to the footer.' });
  }
  if (!email.content.preheader_text) findings.push({ id: 'preheader', check: 'preheader', severity: 'tip', state: 'fail', title: 'No preheader text' });
  const counts = { error: 0, warning: 0, tip: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return {
    node_id: email.id,
    status: 'complete',
    score: { score: Math.max(0, 100 - 25 * counts.error - 10 * counts.warning - 4 * counts.tip), counts },
    checks: {
      links: { status: 'complete' },
      unsubscribe: { status: 'complete' },
      preheader: { status: 'complete' },
      'failed-components': { status: 'skipped' },
    },
    findings,
  };
}
