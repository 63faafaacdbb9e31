// The page's forms as a new user meets them (issue 15): each check drives the page and asserts
// what went over the wire (the dry run's request as the debug panel shows it), what the sandbox
// holds, or what a person sees. Called by host.browser.ts, which owns the page, the counters
// and the helpers handed in here.
import type { Page } from 'playwright-core';
import type { LocalHost } from '../host/start.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any shape the page shows
export type PageJson = any;

export interface Shown {
  ok: boolean;
  status: string;
  requestLine: string;
  output: PageJson;
  error: PageJson;
  request: PageJson;
}

export interface Harness {
  page: Page;
  host: LocalHost;
  check(name: string, ok: boolean, detail?: string): boolean;
  selectOperation(op: string): Promise<void>;
  runAndRead(button?: 'run' | 'dry-run'): Promise<Shown>;
  /** How many calls the debug panel has listed so far (the next one gets this number plus one). */
  calls(): number;
  /** A click made a call after all (a check failing): count it, so later reads find theirs. */
  callMade(): void;
  setStep(name: string): void;
}

const json = (value: unknown) => JSON.stringify(value);

/** The text of an element if it is on the page now (no waiting for one that never comes). */
async function textIfAny(page: Page, selector: string): Promise<string | null> {
  const element = await page.$(selector);
  return element ? element.textContent() : null;
}

/** The body a dry run would send for the form as it stands. */
async function dryRunBody(h: Harness): Promise<PageJson> {
  const shown = await h.runAndRead('dry-run');
  return shown.ok ? (shown.request?.body ?? {}) : { __failed: shown.status };
}

/** Clicking Run or Dry run on a form with problems: nothing is sent, the Run area counts them. */
async function runExpectingProblems(h: Harness, button: 'run' | 'dry-run' = 'run'): Promise<{ count: string; items: string[]; sent: boolean }> {
  const { page } = h;
  const before = h.calls();
  await page.click(`[data-testid=${button}]`);
  await page.waitForSelector('[data-testid=input-form] [data-testid=error-count]', { timeout: 5_000 }).catch(() => undefined);
  const count = (await textIfAny(page, '[data-testid=input-form] [data-testid=error-count]')) ?? '';
  const items = await page.$$eval('[data-testid=input-form] [data-testid=error-summary] li', (lis) => lis.map((li) => li.textContent ?? ''));
  const sent = (await page.$$(`.debug-panel[data-call-id="${before + 1}"]`)).length > 0;
  if (sent) h.callMade();
  return { count, items, sent };
}

/** The names in a map's rows, in order. */
async function rowNames(page: Page, map: string): Promise<string[]> {
  const keys = page.locator(`[data-map=${map}] [data-testid=kv-row] input.kv-key`);
  return Promise.all(Array.from({ length: await keys.count() }, (_, i) => keys.nth(i).inputValue()));
}

/**
 * 1. "+" under a map adds an empty row, and a row without a name is not sent. The form may hold
 * what an earlier step typed: the request with two new rows must be the request without them.
 * Answers the index of the first new row.
 */
async function placeholderRows(h: Harness): Promise<number> {
  const { page } = h;
  h.setStep('forms: new attribute rows');
  await h.selectOperation('customer-io/create_or_update_customer');
  await page.fill('#input_identifier', 'grace');
  const before = await dryRunBody(h);
  const first = (await rowNames(page, 'custom_attributes')).length;
  await page.click('#input_custom_attributes__add');
  await page.click('#input_custom_attributes__add');
  const added = (await rowNames(page, 'custom_attributes')).slice(first);
  const after = await dryRunBody(h);
  h.check(
    'two new attribute rows start empty, and a dry run with them sends no attribute more than without them',
    json(added) === json(['', '']) && json(after) === json(before) && !('__failed' in (after ?? {})),
    `new rows ${json(added)}, body before ${json(before)}, after ${json(after)}`,
  );
  return first;
}

/** 9. A value stays text unless its kind is chosen. */
async function valueKinds(h: Harness, row: number): Promise<void> {
  const { page } = h;
  h.setStep('forms: value kinds');
  const id = (part: string, index: number) => `#input_custom_attributes__${part}_${index}`;
  await page.fill(id('key', row), 'seats');
  await page.fill(id('value', row), '42');
  const asText = await dryRunBody(h);
  await page.selectOption(id('kind', row), 'number');
  const asNumber = await dryRunBody(h);
  h.check('typing 42 as an attribute value sends "42"; choosing number sends 42', asText?.seats === '42' && asNumber?.seats === 42, `${json(asText)} then ${json(asNumber)}`);
  // A value with no name is said beside its row and stops the run instead of vanishing.
  await page.fill(id('value', row + 1), 'orphan');
  const refused = await runExpectingProblems(h, 'dry-run');
  const rowProblem = (await textIfAny(page, `${id('row', row + 1)}__error`)) ?? '';
  h.check('a value without a name is marked on its row and nothing is sent', !refused.sent && /name/.test(rowProblem) && /^1 problem/.test(refused.count), `${refused.count} | ${rowProblem} | sent ${refused.sent}`);
  // Leave the form as it was found.
  await page.click(id('remove', row + 1));
  await page.click(id('remove', row));
}

/** 2. Optional yes/no fields: Not set, Yes, No; a default is shown as the default. */
async function booleans(h: Harness): Promise<void> {
  const { page } = h;
  h.setStep('forms: yes/no');
  await page.click('#input_unsubscribed label[data-value=yes]');
  const yes = await dryRunBody(h);
  await page.click('#input_unsubscribed label[data-value=not_set]');
  const reset = await dryRunBody(h);
  const states = await page.$$eval('#input_unsubscribed label', (labels) => labels.map((l) => l.textContent));
  h.check(
    'Unsubscribed offers Not set / Yes / No: Yes sends true, back to Not set sends nothing',
    json(states) === json(['Not set', 'Yes', 'No']) && yes?.unsubscribed === true && !('unsubscribed' in (reset ?? {})) && !('__failed' in (reset ?? {})),
    `${json(states)} | ${json(yes)} | ${json(reset)}`,
  );

  await h.selectOperation('customer-io/unsubscribe_delivery');
  const choices = page.locator('#input_unsubscribe label');
  const labels = await Promise.all(
    Array.from({ length: await choices.count() }, async (_, i) => `${await choices.nth(i).textContent()}${(await choices.nth(i).locator('input').isChecked()) ? ' [chosen]' : ''}`),
  );
  h.check('a yes/no field with a default shows it as chosen and marked the default ("Yes (default)")', json(labels) === json(['Yes (default) [chosen]', 'No']), json(labels));
}

/** 4 and 10. Run on an invalid form: the first invalid field is brought into view and focused; the Run area counts the problems under field titles. */
async function offScreenErrors(h: Harness): Promise<void> {
  const { page } = h;
  h.setStep('forms: errors in view');
  // A form no earlier step filled in.
  await h.selectOperation('customer-io-app/send_transactional_push');
  await page.check('[data-testid=show-advanced]');
  // As a person who scrolled down to Run would: the top of the form is far above.
  await page.$eval('.properties-panel', (panel) => panel.scrollTo(0, panel.scrollHeight));
  // Whether an element is inside the visible part of its panel and of the window.
  const inView = (element: string) => `(() => {
    const panel = document.querySelector('.properties-panel').getBoundingClientRect();
    const box = ${element} ? ${element}.getBoundingClientRect() : null;
    return !!box && box.height > 0 && box.top >= panel.top && box.bottom <= panel.bottom && box.bottom <= window.innerHeight;
  })()`;
  const firstFieldShownBefore = (await page.evaluate(inView(`document.querySelector('#input_identifiers_id')`))) as boolean;
  const problems = await runExpectingProblems(h);
  const focus = { id: (await page.evaluate('document.activeElement ? document.activeElement.id : ""')) as string, inView: (await page.evaluate(inView('document.activeElement'))) as boolean };
  const n = Number(/^(\d+) problems?: see the marked fields?$/.exec(problems.count)?.[1] ?? NaN);
  h.check(
    'Run on an empty form (advanced shown, scrolled to the bottom) focuses the first invalid field in view and says how many problems',
    !firstFieldShownBefore && !problems.sent && focus.id === 'input_identifiers_id' && focus.inView && n === problems.items.length && n >= 2,
    `out of view before: ${!firstFieldShownBefore} | focus ${json(focus)} | "${problems.count}" | ${problems.items.length} items | sent ${problems.sent}`,
  );
  const titles = await page.$$eval('[data-testid=error-summary] li', (lis) => lis.map((li) => [li.querySelector('.error-field')?.textContent ?? '', li.querySelector('.error-path')?.textContent ?? '']));
  h.check(
    'the error summary names fields by title (Recipient, Transactional message), the data path only beside it',
    titles.some(([title, path]) => title === 'Recipient' && path === 'identifiers') &&
      titles.some(([title, path]) => title === 'Transactional message' && path === 'transactional_message_id') &&
      titles.every(([title]) => !title.startsWith('.')),
    json(titles),
  );
  const beside = await page.$$eval('[data-testid=input-form] .rjsf-field-error, [data-testid=input-form] .has-error', (fields) => fields.length);
  h.check('the problems are also marked beside their fields', beside > 0, `${beside} fields marked`);
  await page.uncheck('[data-testid=show-advanced]');
}

/** 5. The email template dropdown lists only the templates with email content, as the sandbox holds them. */
async function emailTemplates(h: Harness, get: <T>(path: string) => Promise<T>): Promise<void> {
  const { page } = h;
  h.setStep('forms: template dropdown');
  const listed = await get<{ messages: { id: number; name: string }[] }>('/transactional');
  const channels: { name: string; types: string[] }[] = [];
  for (const message of listed.messages) {
    const { contents } = await get<{ contents: { type: string }[] }>(`/transactional/${message.id}/contents`);
    channels.push({ name: message.name, types: contents.map((c) => c.type) });
  }
  const expected = channels.filter((c) => c.types.includes('email')).map((c) => c.name);
  await h.selectOperation('customer-io-app/send_transactional_email');
  await page.selectOption('#input_content__oneof_select', { label: 'From a template' });
  await page.waitForSelector('[data-lookup=list_transactional_messages_ddl] .lookup-status.lookup-ready', { timeout: 15_000 }).catch(() => undefined);
  const offered = await page.$$eval('select#input_content_transactional_message_id option:not([value=""])', (options) => options.map((o) => o.textContent));
  h.check(
    `the email template dropdown lists only the sandbox's email templates (${expected.length} of ${listed.messages.length})`,
    expected.length > 0 && expected.length < listed.messages.length && json(offered) === json(expected),
    `offered ${json(offered)}, email ones ${json(expected)}`,
  );
}

/** 7. The trigger's action input is a JSON editor too: broken JSON names its line and column, and nothing is enabled. */
async function actionJson(h: Harness): Promise<void> {
  const { page } = h;
  h.setStep('forms: action JSON');
  await h.selectOperation('customer-io-trigger/watch_email_events');
  await page.selectOption('#input_events', [{ label: 'Email sent' }]);
  await page.check('[data-testid=action-toggle]');
  await page.selectOption('[data-testid=action-connector]', 'customer-io');
  await page.selectOption('[data-testid=action-operation]', 'track_custom_event');
  await page.fill('[data-testid=action-input]', '{ "identifier": "{{event.data.identifiers.id}}",\n  "name": email_sent }');
  const before = h.calls();
  await page.click('[data-testid=enable-trigger]');
  await page.waitForSelector('[data-testid=enable-error]', { timeout: 5_000 }).catch(() => undefined);
  const said = (await textIfAny(page, '[data-testid=enable-error]')) ?? '';
  const enabled = (await page.$$(`.debug-panel[data-call-id="${before + 1}"]`)).length > 0;
  if (enabled) h.callMade();
  h.check('broken JSON in a trigger\'s action input names its line and column, and nothing is enabled', /line 2, column 11/.test(said) && !enabled, `${said} | enabled ${enabled}`);
  await page.uncheck('[data-testid=action-toggle]');
}

/** 5. A dropdown that follows another field ({{{campaign_id}}}): the actions of the campaign chosen above it. */
async function dependentDropdown(h: Harness, get: <T>(path: string) => Promise<T>): Promise<void> {
  const { page } = h;
  h.setStep('forms: dependent dropdown');
  await h.selectOperation('customer-io-app/get_campaign_action');
  const waiting = (await textIfAny(page, '[data-lookup=list_campaign_actions_ddl] .lookup-status')) ?? '';
  const { campaigns } = await get<{ campaigns: { id: number; name: string }[] }>('/campaigns');
  const campaign = campaigns[0]!;
  const { actions } = await get<{ actions: { id: number; name: string | null }[] }>(`/campaigns/${campaign.id}/actions`);
  await page.locator('select#input_campaign_id option').filter({ hasText: campaign.name }).first().waitFor({ state: 'attached', timeout: 15_000 });
  await page.selectOption('select#input_campaign_id', { label: campaign.name });
  await page.waitForSelector(`[data-lookup=list_campaign_actions_ddl][data-lookup-input='{"campaign_id":${campaign.id}}'] .lookup-status.lookup-ready`, { timeout: 15_000 }).catch(() => undefined);
  const offered = await page.$$eval('select#input_action_id option:not([value=""])', (options) => options.map((o) => o.getAttribute('value')));
  h.check(
    `the Action dropdown waits for a campaign, then lists the actions of "${campaign.name}" only`,
    /Fill in campaign_id first/.test(waiting) && actions.length > 0 && json(offered) === json(actions.map((a) => String(a.id))),
    `${waiting} | offered ${json(offered)}, the campaign's ${json(actions.map((a) => a.id))}`,
  );
}

/** 7. A JSON field that does not parse says where, and stops the run. */
async function jsonProblems(h: Harness): Promise<void> {
  const { page } = h;
  h.setStep('forms: JSON field');
  await page.fill('#input_identifiers_id', 'grace');
  await page.selectOption('#input_content_transactional_message_id', { label: 'Order receipt' });
  await page.fill('#input_message_data', '{ "order_id": "A-1"\n  "total": 9 }');
  // Said under the field as soon as it is typed, before any Run.
  const errorUnder = `(() => { const group = document.querySelector('#input_message_data')?.closest('.form-group'); return group?.querySelector('.error-detail')?.textContent ?? ''; })()`;
  await page.waitForFunction(`/line \\d+/.test(${errorUnder})`, undefined, { timeout: 5_000 }).catch(() => undefined);
  const said = (await page.evaluate(errorUnder)) as string;
  const problems = await runExpectingProblems(h);
  h.check(
    'invalid JSON in Message data shows the parser\'s line and column, and nothing is sent',
    /line 2, column 3/.test(said ?? '') && !problems.sent && problems.items.some((item) => item.startsWith('Message data') && /line 2, column 3/.test(item)),
    `${said} | ${json(problems.items)}`,
  );
  await page.fill('#input_message_data', '{ "order_id": "A-1", "total": 9 }');
  const fixed = await dryRunBody(h);
  h.check('once fixed, the JSON is sent as typed', json(fixed?.message_data) === json({ order_id: 'A-1', total: 9 }), json(fixed));
}

/** 8 and 10. Switching Target leaves nothing of the old target's answers looking current; the sandbox's refusals are the sandbox's. */
async function targetSwitch(h: Harness): Promise<void> {
  const { page, host } = h;
  h.setStep('forms: target switch');
  await h.selectOperation('customer-io-beta/list_segments');
  const key = '[data-testid=auth-form] input[type=password]';
  await page.fill(key, 'key-test');
  await page.click('[data-testid=auth-form] button:has-text("Test credentials")');
  await page.waitForSelector('[data-testid=auth-test-result]');
  const tested = (await page.textContent('[data-testid=auth-test-result]')) ?? '';
  const refused = await h.runAndRead();
  const panelMessage = (await textIfAny(page, '[data-testid=debug-error-message]')) ?? '';
  h.check(
    'the sandbox\'s refusal is worded as the sandbox\'s ("The sandbox rejected the credentials (401)…")',
    /^The sandbox rejected the credentials \(401\)/.test(tested) && !refused.ok && /^The sandbox rejected the credentials \(401\)/.test(panelMessage),
    `${tested} | ${panelMessage}`,
  );

  await page.selectOption('[data-testid=target]', 'us');
  const testResult = await page.$('[data-testid=auth-test-result]');
  const panel = {
    empty: await textIfAny(page, '[data-testid=debug-empty]'),
    status: await textIfAny(page, '.debug-panel [data-testid=debug-status]'),
    history: await page.$$eval('.debug-panel .history li', (items) => items.map((li) => li.textContent)),
  };
  h.check(
    'after choosing US production, the sandbox\'s 401 and its last result no longer show as current (the call stays listed, marked sandbox)',
    testResult === null && panel.status === null && /No call to the US production yet/.test(panel.empty ?? '') && panel.history.some((item) => /· sandbox$/.test(item ?? '')),
    json(panel),
  );
  // Picked from the list, the old call says where it went.
  await page.click('.debug-panel .history li:first-child button');
  const marked = (await textIfAny(page, '[data-testid=debug-other-target]')) ?? '';
  h.check('an earlier call picked from the list is marked as the sandbox\'s', /From the sandbox, before you chose US production/.test(marked), marked);
  await page.selectOption('[data-testid=target]', 'sandbox');
  await page.fill(key, host.sandbox!.credentials.app_api_key);
}

/** 10. One heading per field. */
async function headings(h: Harness): Promise<void> {
  const { page } = h;
  h.setStep('forms: headings');
  const headingTexts = () =>
    page.$$eval('[data-testid=input-form] form :is(legend, label, h5, .control-label)', (nodes) =>
      nodes.filter((n) => !n.closest('.hidden') && !n.closest('.segment')).map((n) => (n.textContent ?? '').replace(/\*$/, '').trim()),
    );
  await h.selectOperation('customer-io-app/get_customer_attributes');
  await page.selectOption('#input_customer__oneof_select', { label: 'By ID' });
  const person = await headingTexts();
  await h.selectOperation('customer-io-app/raw_http_request');
  const raw = await headingTexts();
  const count = (list: string[], text: string) => list.filter((t) => t === text).length;
  h.check(
    'a field chosen in a picker has one heading ("ID", no "By ID" above it; "Endpoint" once)',
    count(person, 'By ID') === 0 && count(person, 'ID') === 1 && count(raw, 'Endpoint') === 1,
    `${json(person)} | ${json(raw)}`,
  );
}

/** 10. Search matches words by their start and ranks titles first. */
async function search(h: Harness): Promise<void> {
  const { page } = h;
  h.setStep('forms: search');
  await page.fill('input[type=search]', 'event');
  const found = await page.$$eval('[data-op]', (buttons) => buttons.map((b) => ({ op: b.getAttribute('data-op')!, title: b.querySelector('.op-title')?.textContent ?? '' })));
  const firstOfEach = new Map<string, string>();
  for (const { op, title } of found) if (!firstOfEach.has(op.split('/')[0]!)) firstOfEach.set(op.split('/')[0]!, title);
  h.check(
    'searching "event" does not list Delete design folder, and lists title matches first',
    !found.some((f) => f.op === 'customer-io-app/delete_design_folder') && found.some((f) => f.op === 'customer-io/track_custom_event') && /event/i.test(firstOfEach.get('customer-io') ?? ''),
    `${found.length} found; first per connector ${json([...firstOfEach])}`,
  );
  await page.fill('input[type=search]', '');
}

/**
 * What the sandbox holds, read from its App API. The sandbox limits App calls to 10 a second per
 * key, as Customer.io does, and the page's own calls share that key (a channel dropdown reads
 * every template): a 429 is waited out as a client would; any other failure says what it was.
 */
export function sandboxReader(host: LocalHost) {
  return async <T>(path: string): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${host.sandbox!.origin}/v1${path}`, { headers: { authorization: `Bearer ${host.sandbox!.credentials.app_api_key}` } });
      if (response.status === 429 && attempt < 10) {
        await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
        continue;
      }
      if (!response.ok) throw new Error(`the sandbox answered GET /v1${path} with ${response.status}: ${await response.text()}`);
      return (await response.json()) as T;
    }
  };
}

export async function formBehaviour(h: Harness): Promise<void> {
  const get = sandboxReader(h.host);
  const row = await placeholderRows(h);
  await valueKinds(h, row);
  await booleans(h);
  await offScreenErrors(h);
  await emailTemplates(h, get);
  await jsonProblems(h);
  await actionJson(h);
  await dependentDropdown(h, get);
  await targetSwitch(h);
  await headings(h);
  await search(h);
}
