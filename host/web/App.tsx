// The reference host page: target picker, operation list, properties panel, debug panel.
// Credentials live in this component's state only: never stored, never sent anywhere but the
// host server that serves this page.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as api from './api.js';
import type { ConnectorInfo, HostConfig, Target } from './api.js';
import { DebugPanel, type CallRecord } from './DebugPanel.js';
import type { Choice, FormContext } from './fields.js';
import { OperationList, type Selection } from './OperationList.js';
import { CredentialsForm, InputForm } from './OperationPanel.js';
import { credentialsComplete, pruneEmpty, redactSecrets, type LookupHint } from './schema-form.js';

type Values = Record<string, unknown>;

function regionOf(target: Target): 'us' | 'eu' {
  return target === 'eu' ? 'eu' : 'us';
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
  const [shownCall, setShownCall] = useState<number | null>(null);
  const nextId = useRef(1);
  const choiceCache = useRef(new Map<string, Promise<Choice[]>>());

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
  const authReady = connector ? credentialsComplete(connector.auth_schema, auth) : false;
  const authKey = JSON.stringify([target, connector?.name, auth]);

  const loadChoices = useCallback(
    (lookup: LookupHint, reload: boolean): Promise<Choice[]> => {
      if (!connector) return Promise.resolve([]);
      const key = JSON.stringify([authKey, lookup.operation, lookup.input ?? {}]);
      if (reload) choiceCache.current.delete(key);
      let pending = choiceCache.current.get(key);
      if (!pending) {
        pending = api.execute({ connector: connector.name, operation: lookup.operation, auth, input: lookup.input ?? {}, target, dryRun: false }).then(({ envelope }) => {
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

  const context: FormContext = useMemo(
    () => ({ connector: connector?.name ?? '', authReady, authKey, loadChoices }),
    [connector, authReady, authKey, loadChoices],
  );

  const run = useCallback(
    async (formData: Values, dryRun: boolean) => {
      if (!connector || !operation) return;
      const id = nextId.current++;
      const input = pruneEmpty(operation.input_schema, formData) as Values;
      const record: CallRecord = {
        id,
        connector: connector.name,
        operation: operation.name,
        title: operation.title,
        target,
        dryRun,
        sent: { auth: redactSecrets(connector.auth_schema, auth), input },
        startedAt: new Date(),
        pending: true,
      };
      setCalls((list) => [record, ...list].slice(0, 50));
      setShownCall(id);
      const update = (patch: Partial<CallRecord>) => setCalls((list) => list.map((call) => (call.id === id ? { ...call, ...patch, pending: false } : call)));
      try {
        update({ answer: await api.execute({ connector: connector.name, operation: operation.name, auth, input, target, dryRun }) });
        // A real call may have added or removed what the dropdowns list: fetch them afresh next time.
        if (!dryRun) choiceCache.current.clear();
      } catch (error) {
        update({ hostError: (error as Error).message });
      }
    },
    [auth, connector, operation, target],
  );

  if (loadError) return <p className="load-error">The host could not load the connectors: {loadError}</p>;
  if (!config || !connectors) return <p className="loading">Loading the connectors…</p>;

  const shown = calls.find((call) => call.id === shownCall) ?? calls[0];
  const running = calls.some((call) => call.pending && call.connector === selected?.connector && call.operation === selected?.operation);
  const inputKey = selected ? `${selected.connector}/${selected.operation}` : '';

  return (
    <div className={production ? 'app production' : 'app'}>
      <header className="top-bar">
        <h1>Customer.io connectors · reference host</h1>
        <label className="target-picker">
          Target{' '}
          <select value={target} onChange={(event) => setTarget(event.target.value as Target)} data-testid="target">
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
                  <code>
                    {operation.http.method} {operation.http.path}
                  </code>{' '}
                  <code className="op-name">{operation.name}</code>
                </p>
                <p className="description">{operation.description}</p>
              </header>
              <CredentialsForm
                connector={connector}
                target={target}
                auth={auth}
                onChange={(values) => setAuths((all) => ({ ...all, [`${target}:${connector.name}`]: { ...values, region: regionOf(target) } }))}
                onTest={() => api.testAuth({ connector: connector.name, auth, target })}
              />
              <InputForm
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
            </>
          ) : (
            <div className="welcome">
              <h2>Choose an operation</h2>
              <p>
                Pick an operation on the left: its credentials and input forms are drawn from the connector's schemas. Run it against the{' '}
                {config.sandbox ? 'local sandbox (the default target)' : 'chosen region'}, or dry-run it to see the request without sending it.
              </p>
            </div>
          )}
        </div>
        <DebugPanel calls={calls} shown={shown} onShow={setShownCall} />
      </main>
    </div>
  );
}
