// The debug panel: one call's envelope taken apart (request as sent, status, attempts, timing,
// output or error), the whole envelope below, and the calls made so far; a request that reached
// a trigger's webhook is shown the same way, and listed among the calls.
import type { Envelope, ExecuteAnswer, ShownRequest, Target } from './api.js';
import { TriggerRequestDebug } from './TriggerRequestDebug.js';
import type { TriggerRequestRecord } from './useTriggers.js';
import { answeredBy } from './wording.js';

export interface CallRecord {
  id: number;
  connector: string;
  operation: string;
  title: string;
  target: Target;
  dryRun: boolean;
  /** What the page sent to the host, secrets redacted. */
  sent: { auth: Record<string, unknown>; input: Record<string, unknown>; [more: string]: unknown };
  startedAt: Date;
  pending: boolean;
  answer?: ExecuteAnswer;
  /** The host itself failed (unreachable, bad request). */
  hostError?: string;
}

function Json(props: { value: unknown; testId?: string }) {
  return (
    <pre className="json" data-testid={props.testId}>
      {JSON.stringify(props.value, null, 2)}
    </pre>
  );
}

function shownRequest(envelope: Envelope): ShownRequest | undefined {
  if ('request' in envelope) return envelope.request;
  return envelope.meta?.request;
}

function Summary(props: { call: CallRecord }) {
  const { call } = props;
  if (call.pending) return <p className="status pending" data-testid="debug-status">Running…</p>;
  if (call.hostError) return <p className="status failed" data-testid="debug-status">host error: {call.hostError}</p>;
  const envelope = call.answer!.envelope;
  const meta = 'meta' in envelope ? envelope.meta : undefined;
  return (
    <div className={`status ${envelope.ok ? 'ok' : 'failed'}`} data-testid="debug-status" data-ok={String(envelope.ok)}>
      <strong>{envelope.ok ? (call.dryRun ? 'ok: dry run, nothing sent' : 'ok') : `error: ${envelope.error.code}`}</strong>
      <dl>
        {meta?.status_code !== undefined && (
          <>
            <dt>status</dt>
            <dd data-testid="debug-http-status">{meta.status_code}</dd>
          </>
        )}
        {meta?.attempts !== undefined && (
          <>
            <dt>attempts</dt>
            <dd>{meta.attempts}</dd>
          </>
        )}
        {meta?.duration_ms !== undefined && (
          <>
            <dt>runtime</dt>
            <dd>{meta.duration_ms} ms</dd>
          </>
        )}
        <dt>round trip</dt>
        <dd>{call.answer!.host_ms} ms</dd>
      </dl>
      {!envelope.ok && (
        <p className="error-message" data-testid="debug-error-message">
          {answeredBy(envelope.error.message, call.target)}
        </p>
      )}
    </div>
  );
}

export type DebugSelection = { kind: 'call'; id: number } | { kind: 'request'; key: string };

function targetName(target: Target): string {
  return target === 'sandbox' ? 'sandbox' : `${target.toUpperCase()} production`;
}

function targetBadge(target: Target) {
  return <span className={`target-badge target-${target}`}>{targetName(target)}</span>;
}

/** Said above anything in the panel that came from another target than the one chosen now. */
function OtherTarget(props: { was: Target; now: Target }) {
  return (
    <p className="other-target" data-testid="debug-other-target">
      From the {targetName(props.was)}, before you chose {targetName(props.now)}: it says nothing about {targetName(props.now)}.
    </p>
  );
}

function requestLabel(record: TriggerRequestRecord): string {
  const { entry } = record;
  const names = entry.events.map((e) => e.name);
  const what = !entry.verification.verified
    ? `refused (${entry.verification.reason ?? entry.status})`
    : names.length > 0
      ? names.join(', ')
      : entry.left_out.length > 0
        ? 'left out'
        : String(entry.status);
  return `⇠ ${record.title}: ${what}`;
}

function callLabel(call: CallRecord, now: Target): string {
  const outcome = call.pending ? '…' : call.hostError ? 'host error' : call.answer!.envelope.ok ? 'ok' : call.answer!.envelope.error.code;
  return `${call.title}${call.dryRun ? ' (dry run)' : ''}: ${outcome}${call.target === now ? '' : ` · ${targetName(call.target)}`}`;
}

/** Calls and trigger requests, newest first. */
function history(calls: CallRecord[], requests: TriggerRequestRecord[], now: Target) {
  const items = [
    ...calls.map((call) => ({ at: call.startedAt.getTime(), selection: { kind: 'call', id: call.id } as DebugSelection, label: callLabel(call, now), key: `call:${call.id}`, stale: call.target !== now })),
    ...requests.map((record) => ({ at: Date.parse(record.entry.received_at), selection: { kind: 'request', key: record.key } as DebugSelection, label: requestLabel(record), key: `request:${record.key}`, stale: record.target !== now })),
  ];
  return items.sort((a, b) => b.at - a.at);
}

function same(a: DebugSelection | undefined, b: DebugSelection): boolean {
  return !!a && a.kind === b.kind && (a.kind === 'call' ? a.id === (b as { id: number }).id : a.key === (b as { key: string }).key);
}

function History(props: { calls: CallRecord[]; requests: TriggerRequestRecord[]; shown: DebugSelection | undefined; onSelect(selection: DebugSelection): void; target: Target }) {
  const items = history(props.calls, props.requests, props.target);
  if (items.length === 0 || (items.length === 1 && same(props.shown, items[0]!.selection))) return null;
  return (
    <section>
      <h3>{props.requests.length > 0 ? 'Calls and trigger requests' : 'Calls'}</h3>
      <ol className="history" reversed>
        {items.map((item) => (
          <li key={item.key} className={[item.selection.kind === 'request' ? 'history-request' : '', item.stale ? 'other-target-item' : ''].filter(Boolean).join(' ') || undefined}>
            <button type="button" className={same(props.shown, item.selection) ? 'link active' : 'link'} onClick={() => props.onSelect(item.selection)}>
              {item.label}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function DebugPanel(props: { calls: CallRecord[]; requests: TriggerRequestRecord[]; selection: DebugSelection | null; onSelect(selection: DebugSelection): void; target: Target }) {
  const { calls, requests, selection, onSelect, target } = props;
  const request = selection?.kind === 'request' ? requests.find((record) => record.key === selection.key) : undefined;
  if (request) {
    return (
      <aside className="debug-panel" aria-label="Debug" data-request-key={request.key}>
        <h2>
          Debug <span className="call-title">trigger request to {request.title}</span>
          {targetBadge(request.target)}
        </h2>
        {request.target !== target && <OtherTarget was={request.target} now={target} />}
        <TriggerRequestDebug record={request} />
        <History calls={calls} requests={requests} shown={{ kind: 'request', key: request.key }} onSelect={onSelect} target={target} />
      </aside>
    );
  }
  // Unless one is picked from the list, the latest call to the target chosen now.
  const shown = selection?.kind === 'call' ? calls.find((call) => call.id === selection.id) : calls.find((call) => call.target === target);
  if (!shown) {
    return (
      <aside className="debug-panel" aria-label="Debug" data-target={target}>
        <h2>Debug {targetBadge(target)}</h2>
        <p className="hint" data-testid="debug-empty">
          {calls.length > 0 ? `No call to the ${targetName(target)} yet. ` : ''}Run or dry-run an operation: its envelope shows here, with the request as sent (credentials redacted). Requests that reach an enabled trigger are listed here too.
        </p>
        <History calls={calls} requests={requests} shown={undefined} onSelect={onSelect} target={target} />
      </aside>
    );
  }
  const envelope = shown.answer?.envelope;
  const shownRequestOf = envelope ? shownRequest(envelope) : undefined;
  const attempts = shown.answer?.events ?? [];
  return (
    <aside className={shown.target === target ? 'debug-panel' : 'debug-panel from-other-target'} aria-label="Debug" data-call={`${shown.connector}/${shown.operation}`} data-call-id={shown.id} data-target={shown.target}>
      <h2>
        Debug <span className="call-title">{shown.title}</span>
        {targetBadge(shown.target)}
      </h2>
      {shown.target !== target && <OtherTarget was={shown.target} now={target} />}
      <Summary call={shown} />
      {shownRequestOf && (
        <section>
          <h3>Request as sent</h3>
          <p className="request-line" data-testid="debug-request-line">
            <code>
              {shownRequestOf.method} {shownRequestOf.url}
            </code>
          </p>
          <Json value={shownRequestOf} testId="debug-request" />
        </section>
      )}
      {envelope && envelope.ok && 'output' in envelope && (
        <section>
          <h3>Output</h3>
          <Json value={envelope.output} testId="debug-output" />
        </section>
      )}
      {envelope && !envelope.ok && (
        <section>
          <h3>Error</h3>
          <Json value={envelope.error} testId="debug-error" />
        </section>
      )}
      {attempts.length > 0 && (
        <section>
          <h3>Attempts</h3>
          <ol className="events">
            {attempts.map((event, index) => (
              <li key={index}>
                {event.type === 'attempt' && `attempt ${event.attempt}: ${event.request?.method} ${event.request?.url}`}
                {event.type === 'answer' && `answer ${event.status_code} (attempt ${event.attempt})`}
                {event.type === 'failure' && `failure ${event.code}: ${event.message}`}
                {event.type === 'retry' && `retry in ${event.delay_ms} ms`}
                {event.type === 'rate_limit_wait' && `waited ${event.waited_ms} ms for the rate limit`}
              </li>
            ))}
          </ol>
        </section>
      )}
      <details>
        <summary>Call sent to the host (credentials redacted)</summary>
        <Json value={{ connector: shown.connector, operation: shown.operation, target: shown.target, dryRun: shown.dryRun, ...shown.sent }} testId="debug-call" />
      </details>
      {envelope && (
        <details>
          <summary>Envelope</summary>
          <Json value={envelope} testId="debug-envelope" />
        </details>
      )}
      <History calls={calls} requests={requests} shown={{ kind: 'call', id: shown.id }} onSelect={onSelect} target={target} />
    </aside>
  );
}
