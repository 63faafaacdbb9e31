// The properties panel of a trigger (`kind: "trigger"`): it is enabled, not run. Its input form
// (the events to watch, the filters), an optional action per event, the webhook URL the events
// will be posted to, Enable; then each enabled trigger with its live requests and Disable.
import { useState } from 'react';
import type { ConnectorInfo, ExecuteAnswer, HostConfig, OperationInfo, Target, TriggerView } from './api.js';
import { ActionEditor, actionOperations, inputSkeleton, parsedActionInput, type ActionDraft } from './ActionEditor.js';
import type { FormContext } from './fields.js';
import { CredentialsForm, InputForm } from './OperationPanel.js';
import { TriggerCard } from './TriggerCard.js';

type Values = Record<string, unknown>;

/** The trigger's input form is submitted by the Enable button below the action (a form of its own). */
const FORM_ID = 'trigger-input';

export interface TriggerDraft {
  action: ActionDraft;
  /** Where Customer.io is to post, when not this host's own URL (a tunnel); empty: this host. */
  webhookBase: string;
}

export interface ActionCall {
  connector: string;
  operation: string;
  input: Values;
}

/** A fresh draft: no action yet, its pickers on the first connector that has actions. */
export function newTriggerDraft(connectors: ConnectorInfo[]): TriggerDraft {
  const connector = connectors.find((c) => actionOperations(c).length > 0);
  const operation = actionOperations(connector)[0];
  return { action: { on: false, connector: connector?.name ?? '', operation: operation?.name ?? '', inputText: inputSkeleton(operation) }, webhookBase: '' };
}

function WebhookUrl(props: { config: HostConfig; production: boolean; base: string; onChange(base: string): void }) {
  const { config, production, base, onChange } = props;
  const shownBase = (base.trim() || config.webhook_base_url).replace(/\/+$/, '');
  const port = /:(\d+)$/.exec(config.webhook_base_url)?.[1] ?? '4000';
  return (
    <section className="trigger-webhook" aria-label="Webhook URL">
      <h3>Webhook URL</h3>
      <p className="webhook-preview">
        <code data-testid="webhook-preview">{shownBase}/host-api/triggers/&lt;id&gt;/webhook</code>{' '}
        <span className="hint">the id is made when you enable</span>
      </p>
      <label htmlFor="webhook_base">Webhook base URL</label>
      <input
        id="webhook_base"
        className="form-control"
        placeholder={config.webhook_base_url}
        value={base}
        onChange={(event) => onChange(event.target.value)}
        autoComplete="off"
        data-testid="webhook-base"
      />
      {production ? (
        <p className="reach-warning" data-testid="reach-warning">
          Customer.io must be able to reach this URL, and <code>{config.webhook_base_url}</code> is this machine only. Expose the host through a
          tunnel (for example <code>cloudflared tunnel --url {config.webhook_base_url}</code> or <code>ngrok http {port}</code>) and enter the
          tunnel's https address here.
        </p>
      ) : (
        <p className="hint">The sandbox posts to this host directly (it calls addresses on this machine only). Left empty, the base is this host.</p>
      )}
    </section>
  );
}

export function TriggerPanel(props: {
  connector: ConnectorInfo;
  operation: OperationInfo;
  connectors: ConnectorInfo[];
  config: HostConfig;
  target: Target;
  production: boolean;
  input: Values;
  onInputChange(input: Values): void;
  showAdvanced: boolean;
  onToggleAdvanced(show: boolean): void;
  context: FormContext;
  draft: TriggerDraft;
  onDraftChange(draft: TriggerDraft): void;
  actionAuth: Values;
  onActionAuthChange(auth: Values): void;
  onTestActionAuth(): Promise<ExecuteAnswer>;
  enabled: TriggerView[];
  enabling: boolean;
  enableError: string | null;
  disabling: readonly string[];
  onEnable(input: Values, action: ActionCall | undefined, webhookBase: string | undefined): void;
  onDisable(id: string): void;
  onShowRequest(key: string): void;
}) {
  const { connector, operation, connectors, config, target, production, draft, onDraftChange, enabled, enabling, enableError } = props;
  const [actionProblem, setActionProblem] = useState<string | null>(null);
  const actionConnector = draft.action.on ? connectors.find((c) => c.name === draft.action.connector) : undefined;

  const enable = (input: Values) => {
    let action: ActionCall | undefined;
    if (draft.action.on) {
      const parsed = parsedActionInput(draft.action);
      if ('problem' in parsed) {
        setActionProblem(parsed.problem);
        return;
      }
      action = { connector: draft.action.connector, operation: draft.action.operation, input: parsed.input };
    }
    setActionProblem(null);
    props.onEnable(input, action, draft.webhookBase.trim() || undefined);
  };

  return (
    <>
      <p className="trigger-note" data-testid="trigger-note">
        A trigger is enabled, not run: <strong>Enable</strong> registers a reporting webhook for the events you pick, posting to this host, which checks
        each request's signature and lists it below as it arrives. Enabled triggers stay registered until you <strong>Disable</strong> them: closing
        this page or stopping the host removes nothing.
      </p>
      <InputForm
        connector={connector}
        operation={operation}
        target={target}
        production={production}
        input={props.input}
        onChange={props.onInputChange}
        showAdvanced={props.showAdvanced}
        onToggleAdvanced={props.onToggleAdvanced}
        context={props.context}
        running={enabling}
        onRun={(input) => enable(input)}
        formId={FORM_ID}
      />
      <ActionEditor trigger={operation} connectors={connectors} draft={draft.action} onChange={(action) => onDraftChange({ ...draft, action })} />
      {actionConnector && (
        <CredentialsForm
          connector={actionConnector}
          target={target}
          auth={props.actionAuth}
          onChange={props.onActionAuthChange}
          onTest={props.onTestActionAuth}
          title={`Action credentials · ${actionConnector.title}`}
          idPrefix="action_auth"
        />
      )}
      <WebhookUrl config={config} production={production} base={draft.webhookBase} onChange={(webhookBase) => onDraftChange({ ...draft, webhookBase })} />
      <div className="form-actions run-actions enable-actions">
        <button type="submit" form={FORM_ID} className={production ? 'btn btn-run production' : 'btn btn-run'} disabled={enabling} data-testid="enable-trigger">
          {enabling ? 'Enabling…' : production ? `Enable on ${target.toUpperCase()} production` : 'Enable'}
        </button>
        {(actionProblem ?? enableError) && (
          <span className="error-message" data-testid="enable-error">
            {actionProblem ?? enableError}
          </span>
        )}
      </div>
      {enabled.map((trigger) => (
        <TriggerCard
          key={trigger.id}
          trigger={trigger}
          disabling={props.disabling.includes(trigger.id)}
          onDisable={() => props.onDisable(trigger.id)}
          onShowRequest={props.onShowRequest}
        />
      ))}
    </>
  );
}
