// One enabled trigger: its webhook URL, its action, Disable, and the requests that reach the
// webhook as they arrive (verified or refused and why, the events handed over, those left out,
// and what the action did with each).
import type { TriggerRequestEntry, TriggerView } from './api.js';

/** The requests listed per trigger (the newest; the debug panel's history has more). */
const SHOWN_REQUESTS = 30;

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
}

function ActionResult(props: { run: TriggerRequestEntry['events'][number]['action'] }) {
  const { run } = props;
  if (!run) return null;
  if (run.status === 'pending' || !run.envelope) return <span className="action-result pending">action running…</span>;
  const { envelope } = run;
  return envelope.ok ? (
    <span className="action-result ok">✓ action ok{'meta' in envelope && envelope.meta ? ` (${envelope.meta.status_code})` : ''}</span>
  ) : (
    <span className="action-result failed" title={envelope.error.message}>
      ✗ action {envelope.error.code}: {envelope.error.message}
    </span>
  );
}

function RequestRow(props: { entry: TriggerRequestEntry; onShow(): void }) {
  const { entry, onShow } = props;
  const { verified, reason } = entry.verification;
  return (
    <li className={verified ? 'trigger-request verified' : 'trigger-request refused'} data-testid="trigger-request" data-verified={String(verified)} data-status={entry.status}>
      <div className="request-head">
        <span className="request-time">{time(entry.received_at)}</span>
        <span className={entry.status < 300 ? 'status-code ok' : 'status-code failed'}>{entry.status}</span>
        <span className={verified ? 'verdict ok' : 'verdict failed'}>{verified ? '✓ verified' : `✗ refused: ${reason ?? 'not verified'}`}</span>
        <button type="button" className="link request-details" onClick={onShow}>
          details
        </button>
      </div>
      {entry.events.map((handed) => (
        <div
          key={handed.event_id}
          className="request-event"
          data-testid="trigger-event"
          data-event-name={handed.name}
          data-action={handed.action ? (handed.action.status === 'pending' ? 'pending' : handed.action.envelope?.ok ? 'ok' : 'failed') : 'none'}
        >
          <code className="event-name">{handed.name}</code> <ActionResult run={handed.action} />
        </div>
      ))}
      {entry.left_out.map((left) => (
        <div key={left.event_id} className="request-left-out" data-testid="trigger-left-out">
          left out: {left.reason}
        </div>
      ))}
      {entry.status >= 400 && entry.verification.verified && <div className="request-left-out">{String(entry.response.error ?? '')}</div>}
    </li>
  );
}

export function TriggerCard(props: { trigger: TriggerView; disabling: boolean; onDisable(): void; onShowRequest(key: string): void }) {
  const { trigger, disabling, onDisable, onShowRequest } = props;
  const shown = trigger.requests.slice(-SHOWN_REQUESTS).reverse();
  return (
    <section className="trigger-card" aria-label="Enabled trigger" data-testid="trigger-card" data-trigger-id={trigger.id}>
      <header className="trigger-card-head">
        <strong className="enabled-badge">Enabled</strong>
        <span className="trigger-events">{trigger.state.events.join(', ')}</span>
        <span className={`target-badge target-${trigger.target}`}>{trigger.target === 'sandbox' ? 'sandbox' : `${trigger.target.toUpperCase()} production`}</span>
        <button type="button" className="btn disable" disabled={disabling} onClick={onDisable} data-testid="disable-trigger">
          {disabling ? 'Disabling…' : 'Disable'}
        </button>
      </header>
      <dl className="trigger-facts">
        <dt>Webhook URL</dt>
        <dd>
          <code data-testid="webhook-url">{trigger.webhook_url}</code>
        </dd>
        <dt>Reporting webhook</dt>
        <dd>
          ID {String(trigger.state.webhook_id)}, since {time(trigger.created_at)}
        </dd>
        <dt>Action per event</dt>
        <dd>
          {trigger.action ? (
            <>
              {trigger.action.title} <code className="op-name">{trigger.action.operation}</code>
            </>
          ) : (
            'none'
          )}
        </dd>
      </dl>
      <h4>
        Requests <span className="hint">{trigger.requests_received} received{trigger.actions_pending > 0 ? `, ${trigger.actions_pending} action${trigger.actions_pending === 1 ? '' : 's'} running` : ''}</span>
      </h4>
      {shown.length === 0 ? (
        <p className="hint" data-testid="trigger-waiting">
          Waiting for the first request: make something happen that sends one of these events.
        </p>
      ) : (
        <ol className="trigger-requests">
          {shown.map((entry) => (
            <RequestRow key={entry.seq} entry={entry} onShow={() => onShowRequest(`${trigger.id}:${entry.seq}`)} />
          ))}
        </ol>
      )}
    </section>
  );
}
