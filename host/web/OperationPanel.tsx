// The properties panel of one operation: credentials form, input form, Run and Dry run.
import { useMemo, useRef, useState } from 'react';
import Form from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import type { ConnectorInfo, ExecuteAnswer, OperationInfo, Target } from './api.js';
import { customFields, customWidgets, type FormContext } from './fields.js';
import { prepareForm } from '../../forms/index.js';
import { transformErrors, validator } from './validator.js';

/** Defaults only where the schema gives one: an optional object or list left alone stays absent. */
const DEFAULTS_BEHAVIOUR = { emptyObjectFields: 'skipEmptyDefaults', arrayMinItems: { populate: 'never' } } as const;

export function CredentialsForm(props: {
  connector: ConnectorInfo;
  target: Target;
  auth: Record<string, unknown>;
  onChange(auth: Record<string, unknown>): void;
  onTest(): Promise<ExecuteAnswer>;
  /** Heading and id prefix when a second credentials form shares the page (a trigger's action). */
  title?: string;
  idPrefix?: string;
}) {
  const { connector, target, auth, onChange, onTest, title = 'Credentials', idPrefix = `auth_${connector.name.replace(/-/g, '_')}` } = props;
  // The target decides the region (the sandbox answers as US), so the region field is not shown.
  const uiSchema = useMemo(() => prepareForm(connector.auth_schema, { hiddenKeys: ['region'] }).uiSchema, [connector]);
  const [testing, setTesting] = useState<'idle' | 'running' | { ok: boolean; message: string }>('idle');
  return (
    <section className="credentials" aria-label={title} data-testid={props.idPrefix ? `${props.idPrefix}-form` : 'auth-form'}>
      <h3>
        {title}{' '}
        <span className="hint">
          {target === 'sandbox' ? 'sandbox credentials filled in' : `region ${target.toUpperCase()}; kept in this page only`}
        </span>
      </h3>
      <Form
        key={`${connector.name}:${target}`}
        idPrefix={idPrefix}
        schema={connector.auth_schema as RJSFSchema}
        uiSchema={{ ...uiSchema, 'ui:submitButtonOptions': { norender: true } }}
        formData={auth}
        validator={validator}
        transformErrors={transformErrors}
        onChange={(event) => onChange((event.formData ?? {}) as Record<string, unknown>)}
        noHtml5Validate
        autoComplete="off"
        experimental_defaultFormStateBehavior={DEFAULTS_BEHAVIOUR}
      >
        <div className="form-actions">
          <button
            type="button"
            className="btn"
            disabled={testing === 'running'}
            onClick={async () => {
              setTesting('running');
              try {
                const { envelope } = await onTest();
                setTesting(
                  envelope.ok
                    ? { ok: true, message: 'output' in envelope ? String((envelope.output as { message?: string })?.message ?? 'Credentials accepted.') : 'ok' }
                    : { ok: false, message: envelope.error.message },
                );
              } catch (error) {
                setTesting({ ok: false, message: (error as Error).message });
              }
            }}
          >
            Test credentials
          </button>
          {typeof testing === 'object' && (
            <span className={testing.ok ? 'test-result ok' : 'test-result failed'} data-testid="auth-test-result">
              {testing.message}
            </span>
          )}
          {testing === 'running' && <span className="test-result">Checking…</span>}
        </div>
      </Form>
    </section>
  );
}

export function InputForm(props: {
  connector: ConnectorInfo;
  operation: OperationInfo;
  target: Target;
  production: boolean;
  input: Record<string, unknown>;
  onChange(input: Record<string, unknown>): void;
  showAdvanced: boolean;
  onToggleAdvanced(show: boolean): void;
  context: FormContext;
  running: boolean;
  onRun(input: Record<string, unknown>, dryRun: boolean): void;
  /**
   * A trigger's form: no buttons of its own; the panel's Enable button, further down (after the
   * action, which has a form of its own), submits it through `formId`.
   */
  formId?: string;
}) {
  const { connector, operation, target, production, input, onChange, showAdvanced, onToggleAdvanced, context, running, onRun, formId } = props;
  const prepared = useMemo(() => prepareForm(operation.input_schema, { showAdvanced }), [operation, showAdvanced]);
  const dryRun = useRef(false);
  const fieldCount = Object.keys((operation.input_schema.properties as object | undefined) ?? {}).length;
  return (
    <section className="input" aria-label="Input" data-testid="input-form" data-operation={`${connector.name}/${operation.name}`}>
      <h3>
        Input
        {prepared.advancedCount > 0 && (
          <label className="advanced-toggle">
            <input type="checkbox" checked={showAdvanced} onChange={(event) => onToggleAdvanced(event.target.checked)} data-testid="show-advanced" />
            Show advanced ({prepared.advancedCount})
          </label>
        )}
      </h3>
      {fieldCount === 0 && <p className="hint">This operation takes no input.</p>}
      <Form
        key={`${connector.name}/${operation.name}`}
        {...(formId ? { id: formId } : {})}
        idPrefix="input"
        schema={operation.input_schema as RJSFSchema}
        uiSchema={{ ...prepared.uiSchema, 'ui:submitButtonOptions': { norender: true } }}
        formData={input}
        formContext={context}
        validator={validator}
        transformErrors={transformErrors}
        fields={customFields}
        widgets={customWidgets}
        onChange={(event) => onChange((event.formData ?? {}) as Record<string, unknown>)}
        onSubmit={(event) => onRun((event.formData ?? {}) as Record<string, unknown>, dryRun.current)}
        // The error list above the form says what to fix; without a handler rjsf would also log it as an error.
        onError={() => undefined}
        showErrorList="top"
        noHtml5Validate
        focusOnFirstError
        autoComplete="off"
        experimental_defaultFormStateBehavior={DEFAULTS_BEHAVIOUR}
      >
        {formId ? null : (
          <div className="form-actions run-actions">
            <button type="submit" className={production ? 'btn btn-run production' : 'btn btn-run'} disabled={running} onClick={() => (dryRun.current = false)} data-testid="run">
              {running ? 'Running…' : production ? `Run on ${target.toUpperCase()} production` : 'Run'}
            </button>
            <button type="submit" className="btn" disabled={running} onClick={() => (dryRun.current = true)} data-testid="dry-run">
              Dry run
            </button>
          </div>
        )}
      </Form>
    </section>
  );
}
