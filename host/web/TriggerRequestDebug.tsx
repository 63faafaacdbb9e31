// A trigger request taken apart in the debug panel, as a call is: what arrived (the headers that
// matter, the size), the verdict and the answer the host gave, each event handed over with the
// action's input and envelope, and the events left out.
import type { Envelope } from './api.js';
import type { TriggerRequestRecord } from './useTriggers.js';

function Json(props: { value: unknown; testId?: string }) {
  return (
    <pre className="json" data-testid={props.testId}>
      {JSON.stringify(props.value, null, 2)}
    </pre>
  );
}

function actionLine(envelope: Envelope | undefined): string {
  if (!envelope) return 'running…';
  if (!envelope.ok) return `error: ${envelope.error.code}`;
  return 'meta' in envelope && envelope.meta ? `ok (${envelope.meta.status_code})` : 'ok';
}

export function TriggerRequestDebug(props: { record: TriggerRequestRecord }) {
  const { entry } = props.record;
  const { verified, reason } = entry.verification;
  return (
    <>
      <div className={`status ${entry.status < 300 ? 'ok' : 'failed'}`} data-testid="debug-status" data-ok={String(entry.status < 300)}>
        <strong>{verified ? 'verified' : `refused: ${reason ?? 'not verified'}`}</strong>
        <dl>
          <dt>answered</dt>
          <dd data-testid="debug-http-status">{entry.status}</dd>
          <dt>received</dt>
          <dd>{new Date(entry.received_at).toLocaleTimeString('en-GB', { hour12: false })}</dd>
          <dt>body</dt>
          <dd>{entry.body_bytes} bytes</dd>
        </dl>
      </div>
      <section>
        <h3>Request as received</h3>
        <p className="request-line">
          <code>POST …/host-api/triggers/{props.record.triggerId}/webhook</code>
        </p>
        <Json value={entry.headers} testId="debug-request" />
      </section>
      <section>
        <h3>Answer to the sender</h3>
        <Json value={{ status: entry.status, body: entry.response }} />
      </section>
      {entry.events.map((handed) => (
        <section key={handed.event_id} data-testid="debug-trigger-event" data-event-name={handed.name}>
          <h3>Event {handed.name}</h3>
          <Json value={handed.event} />
          {handed.action && (
            <>
              <h3>Action: {actionLine(handed.action.envelope)}</h3>
              {handed.action.envelope && !handed.action.envelope.ok && <p className="error-message">{handed.action.envelope.error.message}</p>}
              {handed.action.input && (
                <details open>
                  <summary>Input, placeholders filled in</summary>
                  <Json value={handed.action.input} />
                </details>
              )}
              {handed.action.envelope && (
                <details>
                  <summary>Envelope</summary>
                  <Json value={handed.action.envelope} />
                </details>
              )}
            </>
          )}
        </section>
      ))}
      {entry.left_out.length > 0 && (
        <section>
          <h3>Left out</h3>
          <ul className="events">
            {entry.left_out.map((left) => (
              <li key={left.event_id}>
                <code>{left.event_id}</code>: {left.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
