// The properties panel of one operation: credentials form, input form, Run and Dry run.
import { useCallback, useMemo, useRef, useState } from 'react';
import Form, { getDefaultRegistry } from '@rjsf/core';
import type { ErrorTransformer, ObjectFieldTemplateProps, RJSFSchema } from '@rjsf/utils';
import { getUiOptions } from '@rjsf/utils';
import type { ConnectorInfo, ExecuteAnswer, OperationInfo, Target } from './api.js';
import { customFields, customWidgets, type FormContext } from './fields.js';
import { pathSegments, prepareForm, problemsAsErrorSchema } from '../../forms/index.js';
import { bringIntoView, ErrorSummary, fieldElement, firstInForm } from './ErrorSummary.js';
import { transformErrors, validator } from './validator.js';
import { answeredBy } from './wording.js';

/** Defaults only where the schema gives one: an optional object or list left alone stays absent. */
const DEFAULTS_BEHAVIOUR = { emptyObjectFields: 'skipEmptyDefaults', arrayMinItems: { populate: 'never' } } as const;

const DefaultObjectFieldTemplate = getDefaultRegistry().templates.ObjectFieldTemplate;

/** An object chosen in a picker (a oneOf branch) has the picker above it as its heading: no second one. */
function ObjectFieldTemplate(props: ObjectFieldTemplateProps) {
  const { titleFromChoice } = getUiOptions(props.uiSchema);
  return <DefaultObjectFieldTemplate {...props} title={titleFromChoice ? '' : props.title} />;
}

const TEMPLATES = { ErrorListTemplate: ErrorSummary, ObjectFieldTemplate };

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
                    : { ok: false, message: answeredBy(envelope.error.message, target) },
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
  const section = useRef<HTMLElement>(null);
  const fieldCount = Object.keys((operation.input_schema.properties as object | undefined) ?? {}).length;
  // What fields could not make a value of (JSON that does not parse, a row without a name), by
  // data path: shown as those fields' errors, and a run waits until they are fixed.
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const reportProblem = useCallback((path: string, found: string[] | undefined) => {
    setProblems((all) => {
      if (JSON.stringify(all[path]) === JSON.stringify(found)) return all;
      const next = { ...all };
      if (found) next[path] = found;
      else delete next[path];
      return next;
    });
  }, []);
  // Any extraErrors object stops a submit, even an empty one: none at all when nothing is wrong.
  const extraErrors = useMemo(() => (Object.keys(problems).length > 0 ? problemsAsErrorSchema(problems) : undefined), [problems]);
  const formContext: FormContext = useMemo(() => ({ ...context, formData: input, reportProblem }), [context, input, reportProblem]);
  // A field that reported its problem has no value: "is required" would only repeat it.
  const transform: ErrorTransformer = useCallback(
    (errors, uiSchema) => transformErrors(errors, uiSchema).filter((error) => !(error.name === 'required' && problems[pathSegments(error.property).join('.')])),
    [problems],
  );
  /** Run found problems: take the person to the first of them, whatever is scrolled where. */
  const showFirstProblem = useCallback((errors: { property?: string }[]) => {
    const form = section.current?.querySelector('form');
    if (!form) return;
    const fields = errors.map((error) => fieldElement(form, 'input', error.property ?? '')).filter((e): e is HTMLElement => !!e);
    const first = firstInForm(fields);
    // After rjsf has drawn the errors beside the fields, so the field is shown with its message.
    requestAnimationFrame(() => {
      if (first) bringIntoView(first);
      else section.current?.querySelector<HTMLElement>('[data-testid=error-summary]')?.scrollIntoView({ block: 'center' });
    });
  }, []);
  return (
    <section ref={section} className="input" aria-label="Input" data-testid="input-form" data-operation={`${connector.name}/${operation.name}`}>
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
        formContext={formContext}
        validator={validator}
        transformErrors={transform}
        extraErrors={extraErrors}
        extraErrorsBlockSubmit
        fields={customFields}
        widgets={customWidgets}
        templates={TEMPLATES}
        onChange={(event) => onChange((event.formData ?? {}) as Record<string, unknown>)}
        onSubmit={(event) => onRun((event.formData ?? {}) as Record<string, unknown>, dryRun.current)}
        // The fields show their errors, the Run area counts them, and the first field is brought into view.
        onError={showFirstProblem}
        showErrorList="bottom"
        noHtml5Validate
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
