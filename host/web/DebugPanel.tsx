// The debug panel: one call's envelope taken apart (request as sent, status, attempts, timing,
// output or error), the whole envelope below, and the calls made so far.
import type { Envelope, ExecuteAnswer, ShownRequest, Target } from './api.js';

export interface CallRecord {
  id: number;
  connector: string;
  operation: string;
  title: string;
  target: Target;
  dryRun: boolean;
  /** What the page sent to the host, secrets redacted. */
  sent: { auth: Record<string, unknown>; input: Record<string, unknown> };
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
      {!envelope.ok && <p className="error-message">{envelope.error.message}</p>}
    </div>
  );
}

export function DebugPanel(props: { calls: CallRecord[]; shown: CallRecord | undefined; onShow(id: number): void }) {
  const { calls, shown, onShow } = props;
  if (!shown) {
    return (
      <aside className="debug-panel" aria-label="Debug">
        <h2>Debug</h2>
        <p className="hint">Run or dry-run an operation: its envelope shows here, with the request as sent (credentials redacted).</p>
      </aside>
    );
  }
  const envelope = shown.answer?.envelope;
  const request = envelope ? shownRequest(envelope) : undefined;
  const attempts = shown.answer?.events ?? [];
  return (
    <aside className="debug-panel" aria-label="Debug" data-call={`${shown.connector}/${shown.operation}`} data-call-id={shown.id}>
      <h2>
        Debug <span className="call-title">{shown.title}</span>
        <span className={`target-badge target-${shown.target}`}>{shown.target === 'sandbox' ? 'sandbox' : `${shown.target.toUpperCase()} production`}</span>
      </h2>
      <Summary call={shown} />
      {request && (
        <section>
          <h3>Request as sent</h3>
          <p className="request-line" data-testid="debug-request-line">
            <code>
              {request.method} {request.url}
            </code>
          </p>
          <Json value={request} testId="debug-request" />
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
      {calls.length > 1 && (
        <section>
          <h3>Calls</h3>
          <ol className="history" reversed>
            {calls.map((call) => (
              <li key={call.id}>
                <button type="button" className={call.id === shown.id ? 'link active' : 'link'} onClick={() => onShow(call.id)}>
                  {call.title}
                  {call.dryRun ? ' (dry run)' : ''}: {call.pending ? '…' : call.hostError ? 'host error' : call.answer!.envelope.ok ? 'ok' : call.answer!.envelope.error.code}
                </button>
              </li>
            ))}
          </ol>
        </section>
      )}
    </aside>
  );
}
