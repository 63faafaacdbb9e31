// The reference host page: target picker, operation list, properties panel, debug panel.
// Credentials live in this component's state only: never stored, never sent anywhere but the
// host server that serves this page.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as api from './api.js';
import type { ConnectorInfo, ExecuteAnswer, HostConfig, Target } from './api.js';
import { DebugPanel, type CallRecord, type DebugSelection } from './DebugPanel.js';
import type { Choice, FormContext } from './fields.js';
import { OperationList, type Selection } from './OperationList.js';
import { CredentialsForm, InputForm } from './OperationPanel.js';
import { credentialsComplete, pruneEmpty, redactSecrets } from '../../forms/index.js';
import { newTriggerDraft, TriggerPanel, type ActionCall, type TriggerDraft } from './TriggerPanel.js';
import { useTriggers } from './useTriggers.js';
import { answeredBy } from './wording.js';

type Values = Record<string, unknown>;

function regionOf(target: Target): 'us' | 'eu' {
  return target === 'eu' ? 'eu' : 'us';
}

/**
 * Where the connector's requests go for this target: its base URL for the region, or, for the
 * sandbox, the sandbox's origin with the same base path (the host sends with `origin` set).
 */
function baseUrlOf(connector: ConnectorInfo, target: Target, config: HostConfig): string | undefined {
  const regional = connector.base_urls[regionOf(target)];
  if (!regional || target !== 'sandbox' || !config.sandbox) return regional;
  return `${config.sandbox.origin.replace(/\/+$/, '')}${new URL(regional).pathname.replace(/\/+$/, '')}`;
}

/** The sandbox's credentials for a connector, so a first run needs no typing. */
function sandboxAuth(config: HostConfig, connector: string): Values {
  return (config.sandbox_auth?.[connector] ?? {}) as Values;
}

function ProductionWarning(props: { target: Target; connector?: ConnectorInfo }) {
  const host = props.connector?.base_urls[props.target];
  return (
    <div className="production-warning" role="alert" data-testid="production-warning">
      <strong>Production.</strong> Calls now go to Customer.io's live {props.target.toUpperCase()} API
      {host ? ` (${host})` : ''} with the credentials you type: people can get real messages, and changes cannot be undone.
      Use the sandbox to try things out.
    </div>
  );
}

export function App() {
  const [config, setConfig] = useState<HostConfig | null>(null);
  const [connectors, setConnectors] = useState<ConnectorInfo[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [target, setTarget] = useState<Target>('sandbox');
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<Selection | null>(null);
  const [auths, setAuths] = useState<Record<string, Values>>({});
  const [inputs, setInputs] = useState<Record<string, Values>>({});
  const [showAdvanced, setShowAdvanced] = useState(false);
  const [calls, setCalls] = useState<CallRecord[]>([]);
  const [shown, setShown] = useState<DebugSelection | null>(null);
  const [triggerDrafts, setTriggerDrafts] = useState<Record<string, TriggerDraft>>({});
  const [enabling, setEnabling] = useState<string | null>(null);
  const [enableErrors, setEnableErrors] = useState<Record<string, string | null>>({});
  const [disabling, setDisabling] = useState<string[]>([]);
  const nextId = useRef(1);
  const choiceCache = useRef(new Map<string, Promise<Choice[]>>());
  const { triggers: enabledTriggers, requests: triggerRequests, added: triggerAdded, removed: triggerRemoved } = useTriggers();

  useEffect(() => {
    Promise.all([api.fetchConfig(), api.fetchConnectors()]).then(
      ([hostConfig, list]) => {
        setConfig(hostConfig);
        setConnectors(list);
        if (!hostConfig.sandbox) setTarget('us');
      },
      (error: Error) => setLoadError(error.message),
    );
  }, []);

  const connector = connectors?.find((c) => c.name === selected?.connector);
  const operation = connector?.operations.find((o) => o.name === selected?.operation);
  const production = target !== 'sandbox';

  const authFor = useCallback(
    (name: string): Values => {
      const key = `${target}:${name}`;
      const base = auths[key] ?? (target === 'sandbox' && config ? sandboxAuth(config, name) : {});
      return { ...base, region: regionOf(target) };
    },
    [auths, config, target],
  );
  const auth = useMemo(() => (connector ? authFor(connector.name) : {}), [authFor, connector]);
  const setAuthOf = useCallback(
    (name: string, values: Values) => setAuths((all) => ({ ...all, [`${target}:${name}`]: { ...values, region: regionOf(target) } })),
    [target],
  );
  const authReady = connector ? credentialsComplete(connector.auth_schema, auth) : false;
  const authKey = JSON.stringify([target, connector?.name, auth]);

  const loadChoices = useCallback(
    (operationName: string, input: Record<string, unknown>, reload: boolean): Promise<Choice[]> => {
      if (!connector) return Promise.resolve([]);
      const key = JSON.stringify([authKey, operationName, input]);
      if (reload) choiceCache.current.delete(key);
      let pending = choiceCache.current.get(key);
      if (!pending) {
        pending = api.execute({ connector: connector.name, operation: operationName, auth, input, target, dryRun: false }).then(({ envelope }) => {
          if (!envelope.ok) throw new Error(envelope.error.message);
          const output = 'output' in envelope ? (envelope.output as { result?: Choice[] }) : undefined;
          return output?.result ?? [];
        });
        pending.catch(() => choiceCache.current.delete(key));
        choiceCache.current.set(key, pending);
      }
      return pending;
    },
    // auth is derived from authKey
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [authKey, connector, target],
  );

  const word = useCallback((message: string) => answeredBy(message, target), [target]);
  const baseUrl = connector && config ? baseUrlOf(connector, target, config) : undefined;
  const context: FormContext = useMemo(
    () => ({ connector: connector?.name ?? '', authReady, authKey, loadChoices, word, ...(baseUrl ? { baseUrl } : {}) }),
    [connector, authReady, authKey, loadChoices, word, baseUrl],
  );

  /**
   * Another target: what the debug panel shows and what the forms said came from the old one,
   * so the panel starts over (earlier calls stay in its list, each marked with its target).
   */
  const chooseTarget = useCallback((next: Target) => {
    setTarget(next);
    setShown(null);
  }, []);

  /** Adds a call to the debug panel, shows it, and fills in its answer when it comes. */
  const record = useCallback(async (call: Omit<CallRecord, 'id' | 'startedAt' | 'pending'>, send: () => Promise<ExecuteAnswer>): Promise<ExecuteAnswer | undefined> => {
    const id = nextId.current++;
    setCalls((list) => [{ ...call, id, startedAt: new Date(), pending: true }, ...list].slice(0, 50));
    setShown({ kind: 'call', id });
    const update = (patch: Partial<CallRecord>) => setCalls((list) => list.map((c) => (c.id === id ? { ...c, ...patch, pending: false } : c)));
    try {
      const answer = await send();
      update({ answer });
      return answer;
    } catch (error) {
      update({ hostError: (error as Error).message });
      return undefined;
    }
  }, []);

  const run = useCallback(
    async (formData: Values, dryRun: boolean) => {
      if (!connector || !operation) return;
      const input = pruneEmpty(operation.input_schema, formData) as Values;
      await record(
        { connector: connector.name, operation: operation.name, title: operation.title, target, dryRun, sent: { auth: redactSecrets(connector.auth_schema, auth), input } },
        () => api.execute({ connector: connector.name, operation: operation.name, auth, input, target, dryRun }),
      );
      // A real call may have added or removed what the dropdowns list: fetch them afresh next time.
      if (!dryRun) choiceCache.current.clear();
    },
    [auth, connector, operation, record, target],
  );

  const enableTrigger = useCallback(
    async (formData: Values, action: ActionCall | undefined, webhookBase: string | undefined) => {
      if (!connector || !operation || !connectors) return;
      // Per target: a refusal by the sandbox says nothing about US or EU.
      const key = `${target}:${connector.name}/${operation.name}`;
      const input = pruneEmpty(operation.input_schema, formData) as Values;
      const actionConnector = connectors.find((c) => c.name === action?.connector);
      const actionAuth = action ? authFor(action.connector) : {};
      setEnabling(key);
      setEnableErrors((all) => ({ ...all, [key]: null }));
      let problem: string | null = null;
      await record(
        {
          connector: connector.name,
          operation: operation.name,
          title: `Enable ${operation.title}`,
          target,
          dryRun: false,
          sent: {
            auth: redactSecrets(connector.auth_schema, auth),
            input,
            ...(action && actionConnector ? { action: { ...action, auth: redactSecrets(actionConnector.auth_schema, actionAuth) } } : {}),
            ...(webhookBase ? { webhook_base_url: webhookBase } : {}),
          },
        },
        async () => {
          const started = performance.now();
          const answer = await api
            .enableTrigger({
              connector: connector.name,
              operation: operation.name,
              auth,
              input,
              target,
              ...(action ? { action: { ...action, auth: actionAuth } } : {}),
              ...(webhookBase ? { webhook_base_url: webhookBase } : {}),
            })
            .catch((error: Error) => {
              // The host refused the request itself (a webhook base URL that is no URL…).
              problem = error.message;
              throw error;
            });
          const host_ms = Math.round(performance.now() - started);
          if (!answer.ok) {
            problem = answeredBy(answer.error.message, target);
            return { envelope: answer, host_ms };
          }
          triggerAdded(answer.trigger);
          return { envelope: { ok: true, output: { id: answer.id, webhook_url: answer.webhook_url, state: answer.state } }, host_ms };
        },
      );
      setEnableErrors((all) => ({ ...all, [key]: problem }));
      setEnabling(null);
    },
    [auth, authFor, connector, connectors, operation, record, target, triggerAdded],
  );

  const disableTrigger = useCallback(
    async (id: string) => {
      const trigger = enabledTriggers.find((t) => t.id === id);
      if (!trigger) return;
      setDisabling((list) => [...list, id]);
      const answer = await record(
        { connector: trigger.connector, operation: trigger.operation, title: `Disable ${trigger.title}`, target: trigger.target, dryRun: false, sent: { auth: trigger.auth, input: { id } } },
        () => api.disableTrigger(id),
      );
      if (answer?.envelope.ok) triggerRemoved(id);
      setDisabling((list) => list.filter((other) => other !== id));
    },
    [enabledTriggers, record, triggerRemoved],
  );

  if (loadError) return <p className="load-error">The host could not load the connectors: {loadError}</p>;
  if (!config || !connectors) return <p className="loading">Loading the connectors…</p>;

  const running = calls.some((call) => call.pending && call.connector === selected?.connector && call.operation === selected?.operation);
  const inputKey = selected ? `${selected.connector}/${selected.operation}` : '';
  const draft = operation?.kind === 'trigger' ? (triggerDrafts[inputKey] ?? newTriggerDraft(connectors)) : undefined;

  return (
    <div className={production ? 'app production' : 'app'}>
      <header className="top-bar">
        <h1>Customer.io connectors · reference host</h1>
        <label className="target-picker">
          Target{' '}
          <select value={target} onChange={(event) => chooseTarget(event.target.value as Target)} data-testid="target">
            {config.targets.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        {target === 'sandbox' && config.sandbox && (
          <span className="sandbox-note">
            sandbox at <code>{config.sandbox.origin}</code>
          </span>
        )}
      </header>
      {production && <ProductionWarning target={target} connector={connector} />}
      <main className="columns">
        <OperationList connectors={connectors} query={query} onQuery={setQuery} selected={selected} onSelect={setSelected} />
        <div className="properties-panel">
          {connector && operation ? (
            <>
              <header className="operation-header">
                <p className="connector-name">
                  {connector.title} <span className="version">v{connector.version}</span>
                </p>
                <h2 data-testid="operation-title">{operation.title}</h2>
                <p className="http">
                  {operation.kind === 'trigger' ? (
                    <code className="kind-trigger">trigger · reporting webhook</code>
                  ) : (
                    <code>
                      {operation.http.method} {operation.http.path}
                    </code>
                  )}{' '}
                  <code className="op-name">{operation.name}</code>
                </p>
                <p className="description">{operation.description}</p>
              </header>
              <CredentialsForm
                // A test's answer belongs to the credentials and target it was made with.
                key={`${connector.name}:${target}`}
                connector={connector}
                target={target}
                auth={auth}
                onChange={(values) => setAuthOf(connector.name, values)}
                onTest={() => api.testAuth({ connector: connector.name, auth, target })}
              />
              {operation.kind === 'trigger' ? (
                <TriggerPanel
                  key={inputKey}
                  connector={connector}
                  operation={operation}
                  connectors={connectors}
                  config={config}
                  target={target}
                  production={production}
                  input={inputs[inputKey] ?? {}}
                  onInputChange={(values) => setInputs((all) => ({ ...all, [inputKey]: values }))}
                  showAdvanced={showAdvanced}
                  onToggleAdvanced={setShowAdvanced}
                  context={context}
                  draft={draft!}
                  onDraftChange={(next) => setTriggerDrafts((all) => ({ ...all, [inputKey]: next }))}
                  actionAuth={draft?.action.on ? authFor(draft.action.connector) : {}}
                  onActionAuthChange={(values) => draft && setAuthOf(draft.action.connector, values)}
                  onTestActionAuth={() => api.testAuth({ connector: draft!.action.connector, auth: authFor(draft!.action.connector), target })}
                  enabled={enabledTriggers.filter((t) => t.connector === connector.name && t.operation === operation.name)}
                  enabling={enabling === `${target}:${inputKey}`}
                  enableError={enableErrors[`${target}:${inputKey}`] ?? null}
                  disabling={disabling}
                  onEnable={enableTrigger}
                  onDisable={disableTrigger}
                  onShowRequest={(key) => setShown({ kind: 'request', key })}
                />
              ) : (
                <InputForm
                  key={inputKey}
                  connector={connector}
                  operation={operation}
                  target={target}
                  production={production}
                  input={inputs[inputKey] ?? {}}
                  onChange={(values) => setInputs((all) => ({ ...all, [inputKey]: values }))}
                  showAdvanced={showAdvanced}
                  onToggleAdvanced={setShowAdvanced}
                  context={context}
                  running={running}
                  onRun={run}
                />
              )}
            </>
          ) : (
            <div className="welcome">
              <h2>Choose an operation</h2>
              <p>
                Pick an operation on the left: its credentials and input forms are drawn from the connector's schemas. Run it against the{' '}
                {config.sandbox ? 'local sandbox (the default target)' : 'chosen region'}, or dry-run it to see the request without sending it.
              </p>
              <p>Triggers (Customer.io - Triggers) are enabled rather than run: the events Customer.io reports arrive here as they happen, and can run an action each.</p>
            </div>
          )}
        </div>
        <DebugPanel calls={calls} requests={triggerRequests} selection={shown} onSelect={setShown} target={target} />
      </main>
    </div>
  );
}
