// Browser test of the reference host (npm run test:browser): headless Chromium from the system
// drives the page as a person would. It renders the form of every operation of every connector
// with no console error, runs a short workflow against the embedded sandbox through the forms,
// then a trigger (enabled, its events arriving live, an action per event, disabled), and saves
// the README's screenshots (to test-browser/output/, or over the tracked ones in docs/screenshots/
// with --update-screenshots). Ends with one line: `N passed, N failed`.
//
// Chromium: $CHROMIUM_PATH, else /usr/bin/chromium (Debian's `apt-get install chromium`). Without
// one the test says it skipped and exits 0, except in CI (CI=true), where that is a failure.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConnectors } from '../runtime/index.js';
import { packageRoot } from '../runtime/package-root.js';
import { startLocalHost, type LocalHost } from '../host/start.js';
import { checkReport } from '../test/check-report.js';
import { formBehaviour, sandboxReader, type Shown } from './form-behaviour.js';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
// The README's pictures are tracked: a run rewrites them only when asked (`npm run test:browser
// -- --update-screenshots`, or UPDATE_SCREENSHOTS=1), so that a newcomer's run leaves the
// working tree as it was. Otherwise they go to test-browser/output/ (ignored by git) to look at.
const UPDATE_SCREENSHOTS = process.argv.includes('--update-screenshots') || ['1', 'true'].includes(process.env.UPDATE_SCREENSHOTS ?? '');
const SCREENSHOTS = UPDATE_SCREENSHOTS ? join(packageRoot(), 'docs', 'screenshots') : join(packageRoot(), 'test-browser', 'output');
const started = performance.now();

const report = checkReport();
const { check } = report;
function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  return candidates.find((path) => existsSync(path));
}

/** Console errors and page errors, each with the operation on screen when it happened. */
class ConsoleWatch {
  readonly problems: string[] = [];
  warnings = 0;
  current = 'page load';
  attach(page: Page): void {
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`${this.current}: console error: ${message.text()}`);
      if (message.type() === 'warning') this.warnings += 1;
    });
    page.on('pageerror', (error) => this.problems.push(`${this.current}: page error: ${error.message}`));
  }
  since(count: number): string[] {
    return this.problems.slice(count);
  }
}

async function selectOperation(page: Page, op: string): Promise<void> {
  await page.click(`[data-op="${op}"]`);
  await page.waitForSelector(`[data-testid=input-form][data-operation="${op}"] form`, { timeout: 10_000 });
}

let callCount = 0;
/** JSON read back from the page, explored freely by the checks below. */
/** Clicks Run (or Dry run) and reads what the debug panel then shows for that call. */
async function runAndRead(page: Page, button: 'run' | 'dry-run' = 'run'): Promise<Shown> {
  callCount += 1;
  await page.click(`[data-testid=${button}]`);
  const panel = `.debug-panel[data-call-id="${callCount}"]`;
  await page.waitForSelector(`${panel} [data-testid=debug-status][data-ok]`, { timeout: 20_000 });
  const text = (selector: string) => page.$eval(`${panel} ${selector}`, (e) => e.textContent ?? '').catch(() => '');
  const json = async (selector: string) => {
    const t = await text(selector);
    return t ? JSON.parse(t) : undefined;
  };
  return {
    ok: (await page.getAttribute(`${panel} [data-testid=debug-status]`, 'data-ok')) === 'true',
    status: await text('[data-testid=debug-status]'),
    requestLine: await text('[data-testid=debug-request-line]'),
    output: await json('[data-testid=debug-output]'),
    error: await json('[data-testid=debug-error]'),
    request: await json('[data-testid=debug-request]'),
  };
}

/** Picks a dropdown choice by its text once the lookup has loaded it. */
async function chooseLookup(page: Page, id: string, text: string): Promise<boolean> {
  const select = `select#${id}`;
  const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  try {
    await page.locator(`${select} option`).filter({ hasText: exact }).first().waitFor({ state: 'attached', timeout: 10_000 });
  } catch {
    return false;
  }
  await page.selectOption(select, { label: text });
  return true;
}

function describeFailure(shown: Shown): string {
  return `${shown.status} ${shown.error ? JSON.stringify(shown.error).slice(0, 400) : ''}`;
}

async function renderEveryForm(page: Page, watch: ConsoleWatch, expected: string[]): Promise<void> {
  const sweepStart = performance.now();
  const listed = await page.$$eval('[data-op]', (buttons) => buttons.map((b) => b.getAttribute('data-op')!));
  check(`the list offers every visible operation (${expected.length}) and no DDL helper`, JSON.stringify([...listed].sort()) === JSON.stringify([...expected].sort()), `listed ${listed.length}`);

  let rendered = 0;
  let fields = 0;
  let advancedOn = false;
  for (const op of listed) {
    watch.current = op;
    const before = watch.problems.length;
    try {
      await selectOperation(page, op);
      // Show advanced fields too, so that every field of every form is drawn (the toggle stays on).
      if (!advancedOn) {
        const toggle = await page.$('[data-testid=show-advanced]');
        if (toggle) {
          await toggle.check();
          advancedOn = true;
        }
      }
      const form = `[data-testid=input-form][data-operation="${op}"]`;
      const unsupported = await page.$$eval(`${form} .unsupported-field`, (e) => e.map((x) => x.textContent));
      const count = await page.$$eval(`${form} .form-group`, (e) => e.length);
      fields += count;
      const problems = watch.since(before);
      // Each form is one check; only the ones that fail are printed.
      if (unsupported.length === 0 && problems.length === 0) {
        rendered += 1;
        report.passQuietly();
      } else check(`form of ${op} renders`, false, [...unsupported.map((u) => `unsupported field: ${u}`), ...problems].join('\n'));
    } catch (error) {
      check(`form of ${op} renders`, false, (error as Error).message.split('\n')[0]);
    }
  }
  // Dropdowns load after the form shows: give the last ones time to answer before the workflow.
  await page.waitForTimeout(500);
  process.stdout.write(`# forms: ${rendered} of ${listed.length} rendered with no console error and no unsupported field (${fields} fields, advanced shown) in ${seconds(sweepStart)}\n`);
}
/** The workflow through the forms; answers the person it identified (the trigger step mails them again). */
async function workflow(page: Page, watch: ConsoleWatch): Promise<string> {
  const stamp = Date.now().toString(36);
  const person = `ada-${stamp}`;
  const email = `ada.${stamp}@example.com`;
  const segmentName = `Host test ${stamp}`;

  // Credentials: the sandbox's are filled in; the connector's own check accepts them.
  watch.current = 'workflow: test credentials';
  await selectOperation(page, 'customer-io/create_or_update_customer');
  // The sweep left advanced fields shown; a person filling in a form starts without them.
  await page.uncheck('[data-testid=show-advanced]');
  await page.click('[data-testid=auth-form] button:has-text("Test credentials")');
  await page.waitForSelector('[data-testid=auth-test-result]');
  const authResult = await page.textContent('[data-testid=auth-test-result]');
  check('Test credentials accepts the sandbox credentials', /accepted/i.test(authResult ?? ''), authResult ?? '');

  // 1. Identify a person (Track), first as a dry run.
  watch.current = 'workflow: identify';
  await page.fill('#input_identifier', person);
  await page.fill('#input_email', email);
  await page.fill('#input_created_at', '2025-01-01T00:00:00Z');
  await page.click('#input_custom_attributes__add');
  await page.fill('#input_custom_attributes__key_0', 'plan');
  await page.fill('#input_custom_attributes__value_0', 'trial');
  const dry = await runAndRead(page, 'dry-run');
  check(
    'dry run shows the request with credentials redacted and the date converted, nothing sent',
    dry.ok && /dry run/.test(dry.status) && dry.request?.headers?.authorization === '[REDACTED]' && dry.request?.body?.created_at === 1_735_689_600 && dry.request?.body?.plan === 'trial',
    JSON.stringify(dry.request),
  );
  const identify = await runAndRead(page);
  check(`identify a person: PUT …/api/v1/customers/${person} answered 200`, identify.ok && /status\s*200/.test(identify.status) && identify.requestLine.includes(`PUT http://127.0.0.1`) && identify.requestLine.includes(`/api/v1/customers/${person}`), describeFailure(identify));

  // 2. Track an event with JSON data.
  watch.current = 'workflow: track event';
  await selectOperation(page, 'customer-io/track_custom_event');
  await page.fill('#input_identifier', person);
  await page.fill('#input_name', 'purchase');
  await page.fill('#input_data', '{ "total": 9.5, "currency": "EUR" }');
  const event = await runAndRead(page);
  check('track an event: answered 200', event.ok && event.request?.body?.data?.total === 9.5, describeFailure(event));

  // 3. A manual segment (App), the person added to it (Track), and its members read back through the segment dropdown.
  watch.current = 'workflow: segment';
  await selectOperation(page, 'customer-io-app/create_manual_segment');
  await page.fill('#input_name', segmentName);
  const segment = await runAndRead(page);
  const segmentId = segment.output?.segment?.id ?? segment.output?.id;
  check('create a manual segment (App)', segment.ok && Number.isInteger(segmentId), describeFailure(segment));

  await selectOperation(page, 'customer-io/add_customers_to_segment');
  await page.fill('#input_segment_id', String(segmentId));
  await page.click('#input_ids__add');
  await page.fill('#input_ids_0', person);
  const added = await runAndRead(page);
  check('add the person to the segment (Track)', added.ok && added.requestLine.includes(`/api/v1/segments/${segmentId}/add_customers`), describeFailure(added));

  await selectOperation(page, 'customer-io-app/list_segment_members');
  const picked = await chooseLookup(page, 'input_segment_id', segmentName);
  check(`the Segment dropdown (list_segments_ddl) offers "${segmentName}" and picks it`, picked && (await page.inputValue('#input_segment_id__typed')) === String(segmentId));
  const members = await runAndRead(page);
  check('list the segment members: the person is there', members.ok && JSON.stringify(members.output).includes(person), describeFailure(members) + JSON.stringify(members.output)?.slice(0, 300));

  // 4. Their attributes and activities (App), chosen by ID in the person picker.
  watch.current = 'workflow: attributes';
  await selectOperation(page, 'customer-io-app/get_customer_attributes');
  await page.selectOption('#input_customer__oneof_select', { label: 'By ID' });
  await page.fill('#input_customer_id', person);
  const attributes = await runAndRead(page);
  const attributeText = JSON.stringify(attributes.output ?? {});
  check('read their attributes: email and plan as identified', attributes.ok && attributeText.includes(email) && attributeText.includes('"plan":"trial"'), describeFailure(attributes) + attributeText.slice(0, 300));

  watch.current = 'workflow: activities';
  await selectOperation(page, 'customer-io-app/list_customer_activities');
  await page.fill('#input_customer_id', person);
  const activities = await runAndRead(page);
  check('read their activities: the purchase event is there', activities.ok && JSON.stringify(activities.output).includes('purchase'), describeFailure(activities) + JSON.stringify(activities.output)?.slice(0, 300));

  // 5. A transactional email from a template picked in its dropdown, then found among the messages.
  watch.current = 'workflow: transactional email';
  await selectOperation(page, 'customer-io-app/send_transactional_email');
  await page.fill('#input_identifiers_id', person);
  await page.selectOption('#input_content__oneof_select', { label: 'From a template' });
  const template = await chooseLookup(page, 'input_content_transactional_message_id', 'Order receipt');
  check('the Transactional message dropdown offers "Order receipt" and picks it', template);
  await page.fill('#input_message_data', '{ "order_id": "A-1001", "total": "9.50" }');
  const sent = await runAndRead(page);
  const deliveryId = sent.output?.delivery_id;
  check('send a transactional email: accepted with a delivery ID', sent.ok && typeof deliveryId === 'string' && deliveryId.length > 0, describeFailure(sent));
  await page.$eval('.properties-panel', (panel) => panel.scrollTo(0, 0));
  await page.waitForTimeout(150);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'filled-form.png') });

  watch.current = 'workflow: messages';
  await selectOperation(page, 'customer-io-app/list_messages');
  const messages = await runAndRead(page);
  check('find the email in the messages list', messages.ok && deliveryId !== undefined && JSON.stringify(messages.output).includes(String(deliveryId)), describeFailure(messages) + JSON.stringify(messages.output)?.slice(0, 300));

  // The form refuses what the schema refuses, before anything is sent.
  watch.current = 'workflow: validation';
  await selectOperation(page, 'customer-io/track_custom_event');
  await page.fill('#input_name', '');
  await page.click('[data-testid=run]');
  await page.waitForSelector('[data-testid=input-form] [data-testid=error-summary]', { timeout: 5_000 }).catch(() => undefined);
  const errors = await page.$$eval('[data-testid=input-form] [data-testid=error-summary] li', (items) => items.map((i) => i.textContent ?? ''));
  const noNewCall = (await page.$$(`.debug-panel[data-call-id="${callCount + 1}"]`)).length === 0;
  check('an empty required field is reported in the form and nothing is sent', errors.length > 0 && noNewCall, errors.join('; '));

  // Production targets: a clear warning, a red Run button, and no sandbox credentials carried over.
  watch.current = 'workflow: production target';
  await page.selectOption('[data-testid=target]', 'eu');
  const warning = await page.textContent('[data-testid=production-warning]').catch(() => null);
  const runLabel = await page.textContent('[data-testid=run]');
  const apiKey = await page.inputValue('[data-testid=auth-form] input[type=password]');
  check('choosing EU production shows the production warning, and no sandbox key is carried over', !!warning && /live EU API/.test(warning) && /EU production/.test(runLabel ?? '') && apiKey === '', `${warning} | ${runLabel} | key "${apiKey}"`);
  await page.selectOption('[data-testid=target]', 'sandbox');
  check('back on the sandbox the warning is gone', (await page.$('[data-testid=production-warning]')) === null);
  return person;
}

/**
 * A raw request on App with the path as Customer.io's documentation writes it
 * (/v1/customers/…): the form shows the base URL, says the path repeats its /v1 and offers the
 * path to write instead; Run before the fix sends nothing, and after it the request goes once to
 * /v1/customers/…, never /v1/v1/….
 */
async function rawRequestWorkflow(page: Page, watch: ConsoleWatch, host: LocalHost, person: string): Promise<void> {
  watch.current = 'raw request: repeated base path';
  await selectOperation(page, 'customer-io-app/raw_http_request');
  const base = `${host.sandbox!.origin}/v1`;
  const shownBase = await page.textContent('[data-testid=endpoint-base]');
  check(`the raw request's Endpoint shows the base URL it goes after (${base})`, shownBase === base, String(shownBase));
  await page.fill('#input_url_endpoint', `/v1/customers/${person}/attributes`);
  const problem = (await page.textContent('[data-testid=endpoint-problem]').catch(() => null)) ?? '';
  const fix = (await page.textContent('[data-testid=endpoint-fix]').catch(() => null)) ?? '';
  check(
    'typing /v1/customers/… on App says the base URL already ends in /v1 and offers the path without it',
    problem.includes(`The base URL ${base} already ends in /v1; remove /v1 and write /customers/${person}/attributes`) && fix === `Use /customers/${person}/attributes`,
    `${problem} | ${fix}`,
  );
  const refused = await runAndRead(page);
  check(
    'Run with the repeated path is refused before anything is sent',
    !refused.ok && refused.error?.code === 'user_input_error' && refused.error?.details?.[0]?.rule === 'repeated_base_path' && refused.requestLine === '',
    describeFailure(refused),
  );

  await page.click('[data-testid=endpoint-fix]');
  const endpoint = await page.inputValue('#input_url_endpoint');
  const final = (await page.textContent('[data-testid=endpoint-final]').catch(() => null)) ?? '';
  const expected = `${base}/customers/${person}/attributes`;
  check('the fix writes /customers/… and the form shows the URL it will go to', endpoint === `/customers/${person}/attributes` && final === `Sends to ${expected}` && (await page.$('[data-testid=endpoint-problem]')) === null, `${endpoint} | ${final}`);
  const sent = await runAndRead(page);
  const attempts = await page.$$eval(`.debug-panel[data-call-id="${callCount}"] .events li`, (items) => items.map((i) => i.textContent ?? '').filter((t) => t.startsWith('attempt')));
  check(
    'Run sends GET …/v1/customers/…/attributes exactly once, and the sandbox answers with the person',
    sent.ok && sent.requestLine === `GET ${expected}` && attempts.length === 1 && attempts[0] === `attempt 1: GET ${expected}` && sent.output?.response?.status_code === 200 && JSON.stringify(sent.output).includes(person),
    `${describeFailure(sent)} ${sent.requestLine} | ${attempts.join(' | ')}`,
  );
}

/**
 * A recipient ID over Customer.io's 150 bytes: the page reports that rule, at the ID, and not the
 * other branches' "required property 'Email'" nor "must match exactly one schema in oneOf".
 */
async function oneOfErrors(page: Page, watch: ConsoleWatch): Promise<void> {
  watch.current = 'oneOf errors: long recipient ID';
  await selectOperation(page, 'customer-io-app/send_transactional_email');
  await page.selectOption('#input_identifiers__oneof_select', { label: 'By ID' });
  await page.fill('#input_identifiers_id', 'x'.repeat(160));
  await page.click('[data-testid=run]');
  await page.waitForSelector('[data-testid=input-form] .error-detail, [data-testid=input-form] .errors', { timeout: 5_000 }).catch(() => undefined);
  const formText = (await page.textContent('[data-testid=input-form]')) ?? '';
  const atField = await page.$$eval('#input_identifiers_id', (inputs) => inputs.map((input) => input.closest('.form-group')?.querySelector('.error-detail')?.textContent ?? ''));
  const noNewCall = (await page.$$(`.debug-panel[data-call-id="${callCount + 1}"]`)).length === 0;
  check(
    'a 160-character recipient ID shows the 150-byte rule beside the ID, without the other branches\' errors or the oneOf noise',
    /at most 150 bytes/.test(atField.join(' ')) && !/required property/i.test(formText) && !/exactly one schema/i.test(formText) && !/must match exactly one/i.test(formText) && noNewCall,
    `at the field: ${atField.join(' ')} | form: ${formText.replace(/\s+/g, ' ').slice(0, 400)}`,
  );
}

/** The reporting webhooks registered in the sandbox, read through its App API. */
async function sandboxWebhooks(host: LocalHost): Promise<string[]> {
  const body = await sandboxReader(host)<{ reporting_webhooks: { endpoint: string }[] }>('/reporting_webhooks');
  return body.reporting_webhooks.map((webhook) => webhook.endpoint);
}

/** Clicks a button that adds a call to the debug panel (Enable, Disable) and waits for its answer. */
async function clickAndRead(page: Page, selector: string): Promise<{ ok: boolean; status: string }> {
  callCount += 1;
  await page.click(selector);
  const status = `.debug-panel[data-call-id="${callCount}"] [data-testid=debug-status]`;
  await page.waitForSelector(`${status}[data-ok]`, { timeout: 20_000 });
  return { ok: (await page.getAttribute(status, 'data-ok')) === 'true', status: (await page.textContent(status)) ?? '' };
}

/**
 * A trigger through the page: watch_email_events for email_sent and email_delivered, with an
 * action per event (track an event named after it, for the person it happened to); an email sent
 * through the page; both events arrive verified and their actions run; Disable removes the webhook.
 */
async function triggerWorkflow(page: Page, watch: ConsoleWatch, host: LocalHost, person: string): Promise<void> {
  const trigger = 'customer-io-trigger/watch_email_events';
  watch.current = 'trigger: enable';
  await selectOperation(page, trigger);
  const signingKey = await page.inputValue('#auth_customer_io_trigger_signing_key');
  check('the trigger\'s credentials form has the sandbox\'s signing key filled in', signingKey === host.sandbox!.credentials.webhook_signing_key);
  await page.selectOption('#input_events', [{ label: 'Email sent' }, { label: 'Email delivered' }]);
  await page.check('[data-testid=action-toggle]');
  await page.selectOption('[data-testid=action-connector]', 'customer-io');
  await page.selectOption('[data-testid=action-operation]', 'track_custom_event');
  await page.fill('[data-testid=action-input]', '{ "identifier": "{{event.data.identifiers.id}}", "name": "{{event.object_type}}_{{event.metric}}" }');
  const placeholders = await page.$$eval('.placeholders .placeholder', (items) => items.map((i) => i.textContent ?? ''));
  check('the action\'s help lists the event\'s placeholders', placeholders.includes('{{event.data.identifiers.id}}') && placeholders.includes('{{event.data.recipient}}'), placeholders.slice(0, 8).join(' '));
  const enabled = await clickAndRead(page, '[data-testid=enable-trigger]');
  await page.waitForSelector('[data-testid=trigger-card]', { timeout: 10_000 });
  const webhookUrl = (await page.textContent('[data-testid=webhook-url]')) ?? '';
  check('Enable registers the webhook in the sandbox, pointing at this host', enabled.ok && webhookUrl.startsWith(`${host.url}/host-api/triggers/`) && (await sandboxWebhooks(host)).includes(webhookUrl), `${enabled.status} ${webhookUrl}`);

  watch.current = 'trigger: send an email';
  await selectOperation(page, 'customer-io-app/send_transactional_email');
  await page.fill('#input_identifiers_id', person);
  await page.selectOption('#input_content__oneof_select', { label: 'From a template' });
  await chooseLookup(page, 'input_content_transactional_message_id', 'Order receipt');
  const sent = await runAndRead(page);
  check('send another transactional email to the person', sent.ok, describeFailure(sent));

  watch.current = 'trigger: events arrive';
  await selectOperation(page, trigger);
  const arrived = async (name: string) =>
    page
      .waitForSelector(`[data-testid=trigger-request][data-verified=true] [data-testid=trigger-event][data-event-name=${name}][data-action=ok]`, { timeout: 15_000 })
      .then(() => true, () => false);
  const sentArrived = await arrived('email_sent');
  const deliveredArrived = await arrived('email_delivered');
  const rows = await page.$$eval('[data-testid=trigger-request]', (items) => items.map((i) => `${i.getAttribute('data-status')} ${i.getAttribute('data-verified')} ${i.textContent}`));
  check('email_sent and email_delivered arrive verified, and the action runs for each', sentArrived && deliveredArrived && rows.length === 2 && rows.every((row) => row.startsWith('200 true')), rows.join(' | '));

  await page.click('[data-testid=trigger-request] .request-details');
  const shownEvent = await page.waitForSelector('.debug-panel[data-request-key] [data-testid=debug-trigger-event]', { timeout: 5_000 }).then((e) => e.getAttribute('data-event-name'), () => null);
  check('a trigger request opens in the debug panel with its event and the action\'s envelope', shownEvent === 'email_delivered' || shownEvent === 'email_sent', String(shownEvent));
  // The README's picture: the enabled trigger with its requests, one of them in the debug panel.
  await page.$eval('[data-testid=trigger-card]', (card) => card.scrollIntoView({ block: 'end' }));
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SCREENSHOTS, 'trigger.png') });

  watch.current = 'trigger: disable';
  const disabled = await clickAndRead(page, '[data-testid=disable-trigger]');
  const cardGone = await page.waitForSelector('[data-testid=trigger-card]', { state: 'detached', timeout: 5_000 }).then(() => true, () => false);
  check('Disable removes the webhook from the sandbox and the trigger from the page', disabled.ok && cardGone && !(await sandboxWebhooks(host)).includes(webhookUrl), disabled.status);
}

async function main(): Promise<number> {
  const executablePath = findChromium();
  if (!executablePath) {
    const message = 'no Chromium found (install Debian\'s chromium or set CHROMIUM_PATH)';
    if (IN_CI) {
      process.stdout.write(`not ok - ${message}\n0 passed, 1 failed\n`);
      return 1;
    }
    process.stdout.write(`browser test skipped: ${message}\n0 passed, 0 failed, 1 skipped\n`);
    return 0;
  }

  const registry = await loadConnectors();
  const expected = registry.list().flatMap(({ name }) => registry.describe(name).operations.filter((o) => !o.hidden).map((o) => `${name}/${o.name}`));
  const webOutDir = mkdtempSync(join(tmpdir(), 'cio-host-web-'));
  let host: LocalHost | undefined;
  let browser: Browser | undefined;
  try {
    // React's development build: it reports more mistakes on the console than the production one.
    host = await startLocalHost({ port: 0, sandboxPort: 0, build: 'development', webOutDir });
    process.stdout.write(`# ${host.banner}\n# chromium: ${executablePath}\n`);
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const watch = new ConsoleWatch();
    watch.attach(page);

    await page.goto(host.url);
    await page.waitForSelector('[data-op]', { timeout: 15_000 });
    check('the page loads with the sandbox as target', (await page.inputValue('[data-testid=target]')) === 'sandbox');
    const groups = await page.$$eval('.op-group h3', (h) => h.map((x) => x.textContent));
    check('operations are grouped (People, Events, Segments, Transactional messages…)', ['People', 'Events', 'Segments', 'Transactional messages'].every((g) => groups.includes(g)), groups.join(', '));

    await page.fill('input[type=search]', 'segment members');
    const found = await page.$$eval('[data-op]', (b) => b.map((x) => x.getAttribute('data-op')));
    check('search narrows the list ("segment members" → App and Beta list_segment_members)', found.includes('customer-io-app/list_segment_members') && found.includes('customer-io-beta/list_segment_members') && found.length < 10, found.join(', '));

    // The list searched for "segment", one operation open with its dropdown filled from the sandbox.
    await page.fill('input[type=search]', 'segment');
    await selectOperation(page, 'customer-io-app/list_segment_members');
    await page.waitForSelector('.lookup-status.lookup-ready', { timeout: 10_000 }).catch(() => undefined);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'operation-list.png') });
    await page.fill('input[type=search]', '');

    await renderEveryForm(page, watch, expected);
    const beforeWorkflow = watch.problems.length;
    try {
      const person = await workflow(page, watch);
      await rawRequestWorkflow(page, watch, host, person);
      await oneOfErrors(page, watch);
      await formBehaviour({
        page,
        host,
        check,
        selectOperation: (op) => selectOperation(page, op),
        runAndRead: (button) => runAndRead(page, button),
        calls: () => callCount,
        callMade: () => (callCount += 1),
        setStep: (name) => (watch.current = name),
      });
      await triggerWorkflow(page, watch, host, person);
    } catch (error) {
      check(`workflow step "${watch.current}"`, false, (error as Error).message.split('\n').slice(0, 3).join(' '));
      await page.screenshot({ path: join(tmpdir(), 'cio-host-failure.png') }).catch(() => undefined);
      process.stdout.write(`    screenshot of the failure: ${join(tmpdir(), 'cio-host-failure.png')}\n`);
    }
    const late = watch.since(beforeWorkflow);
    check('no console error during the workflow', late.length === 0, late.join('\n    '));
  } catch (error) {
    check('browser test ran', false, (error as Error).stack ?? String(error));
  } finally {
    await browser?.close().catch(() => undefined);
    await host?.close().catch(() => undefined);
    rmSync(webOutDir, { recursive: true, force: true });
  }
  process.stdout.write(`# screenshots${UPDATE_SCREENSHOTS ? ' (the tracked ones, updated)' : ' (docs/screenshots/ unchanged; --update-screenshots rewrites them)'}: ${['operation-list.png', 'filled-form.png', 'trigger.png'].map((file) => join(SCREENSHOTS, file)).join(', ')}\n# took ${seconds(started)}\n`);
  process.stdout.write(`${report.summary()}\n`);
  return report.failed === 0 ? 0 : 1;
}

process.exitCode = await main();
