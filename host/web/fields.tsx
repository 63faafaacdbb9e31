// The fields and widgets rjsf lacks for Tray's forms: the lookup dropdown, yes/no with a visible
// "not set", name → value rows, a value whose kind the person chooses, and a JSON editor for
// free-form objects, and a raw request's Endpoint beside its base URL (EndpointWidget.tsx). What
// they decide is in the package's form helpers (forms/); these draw it.
import { useEffect, useId, useMemo, useRef, useState, type ChangeEvent } from 'react';
import type { ErrorSchema, FieldProps, RegistryFieldsType, RegistryWidgetsType, RJSFSchema, WidgetProps } from '@rjsf/utils';
import { ADDITIONAL_PROPERTY_FLAG, toFieldPathId } from '@rjsf/utils';
import {
  booleanChoices,
  coerceChoice,
  emptyRow,
  kindOfValue,
  lookupDependencies,
  mapFromRows,
  mapValueSchema,
  readJsonField,
  readTypedValue,
  resolveLookupInput,
  rowsFromValue,
  textOfValue,
  VALUE_KIND_LABELS,
  valueKinds,
  type JsonSchema,
  type LookupHint,
  type MapRow,
  type ValueKind,
} from '../../forms/index.js';
import { EndpointWidget } from './EndpointWidget.js';

export interface Choice {
  text: string;
  value: string | number;
}

/** What the forms know about the page: lookups run with the credentials and target chosen there. */
export interface FormContext {
  connector: string;
  /** Credentials are complete enough to call a dropdown operation. */
  authReady: boolean;
  /** Changes whenever credentials or target change, so dropdowns reload. */
  authKey: string;
  loadChoices(operation: string, input: Record<string, unknown>, reload: boolean): Promise<Choice[]>;
  /** Wording for an answer of the current target (the sandbox is not Customer.io). */
  word(message: string): string;
  /** The whole form's data, for dropdowns whose input takes other fields ({{{field}}}). */
  formData?: unknown;
  /**
   * A field says what it cannot make a value of (JSON that does not parse, a row without a
   * name): the form shows it as an error of that path and will not run. undefined: no problem.
   */
  reportProblem?(path: string, problems: string[] | undefined): void;
  /** The connector's base URL for the chosen target, shown beside a raw request's Endpoint. */
  baseUrl?: string;
}

function contextOf(registry: { formContext: unknown }): FormContext {
  return registry.formContext as FormContext;
}

/** Reports this field's problems to the form while it is shown, and withdraws them when it goes. */
function useProblems(context: FormContext, path: string, problems: string[]): void {
  const key = JSON.stringify(problems);
  const report = context.reportProblem;
  useEffect(() => {
    if (!report) return;
    report(path, problems.length > 0 ? problems : undefined);
    // problems is read through key
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report, path, key]);
  useEffect(() => () => report?.(path, undefined), [report, path]);
}

function dataPath(path: readonly (string | number)[]): string {
  return path.map(String).join('.');
}

type LookupState = { status: 'waiting' } | { status: 'needs'; fields: string[] } | { status: 'loading' } | { status: 'ready'; choices: Choice[] } | { status: 'failed'; message: string };

/** A dropdown filled by running the field's DDL operation, with a text box for typing any value. */
export function LookupWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, options, schema, disabled, readonly, registry, required } = props;
  const context = contextOf(registry);
  const lookup = options.lookup as LookupHint;
  const [state, setState] = useState<LookupState>({ status: 'waiting' });
  const [reloads, setReloads] = useState(0);
  const lastAuthKey = useRef<string | undefined>(undefined);
  const lastInputKey = useRef<string | undefined>(undefined);
  // The input the DDL runs with: fixed by the field's hint, or taken from other fields of the form.
  const resolved = useMemo(() => resolveLookupInput(lookup, context.formData), [lookup, context.formData]);
  const inputKey = JSON.stringify(resolved);

  useEffect(() => {
    if (!context.authReady) {
      // The dropdown follows the credentials typed elsewhere in the form: its state is derived
      // from them each time they change, which is what an effect is for here.
      // eslint-disable-next-line react-hooks/set-state-in-effect -- see above
      setState({ status: 'waiting' });
      return;
    }
    if (!resolved.ready) {
      setState({ status: 'needs', fields: resolved.missing });
      return;
    }
    let current = true;
    setState({ status: 'loading' });
    // Load at once when the field appears; while credentials (or a field the choices depend on)
    // are being typed, wait for a pause rather than call the API with every keystroke.
    const typing = (lastAuthKey.current !== undefined && lastAuthKey.current !== context.authKey) || (lastInputKey.current !== undefined && lastInputKey.current !== inputKey);
    const delay = typing ? 400 : 0;
    lastAuthKey.current = context.authKey;
    lastInputKey.current = inputKey;
    const timer = setTimeout(() => {
      context.loadChoices(lookup.operation, resolved.input, reloads > 0).then(
        (choices) => current && setState({ status: 'ready', choices }),
        (error: Error) => current && setState({ status: 'failed', message: context.word(error.message) }),
      );
    }, delay);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // The lookup hint is constant for a field; credentials and target are in authKey, the input in inputKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [context.authKey, context.authReady, context.connector, lookup.operation, inputKey, reloads]);

  const choices = state.status === 'ready' ? state.choices : [];
  const text = value === undefined || value === null ? '' : String(value);
  const known = choices.some((choice) => String(choice.value) === text);
  const set = (raw: string) => onChange(coerceChoice(schema as JsonSchema, raw));
  const depends = lookupDependencies(lookup);
  const status =
    state.status === 'waiting'
      ? 'Fill in the credentials to load the choices.'
      : state.status === 'needs'
        ? `Fill in ${state.fields.join(', ')} first: the choices depend on it.`
        : state.status === 'loading'
          ? `Loading choices (${lookup.operation})…`
          : state.status === 'failed'
            ? `Could not load the choices: ${state.message}`
            : `${choices.length} choice${choices.length === 1 ? '' : 's'} from ${lookup.operation}${describeInput(lookup, depends)}; or type a value.`;

  return (
    <div className="lookup" data-lookup={lookup.operation} data-lookup-input={resolved.ready ? JSON.stringify(resolved.input) : undefined}>
      <div className="lookup-row">
        <select
          id={id}
          className="form-control"
          value={known ? text : ''}
          required={required}
          disabled={disabled || readonly || state.status !== 'ready'}
          onChange={(event: ChangeEvent<HTMLSelectElement>) => set(event.target.value)}
          onBlur={() => onBlur(id, value)}
          onFocus={() => onFocus(id, value)}
        >
          <option value="">{state.status === 'ready' ? (known || !text ? '— choose —' : `typed: ${text}`) : '—'}</option>
          {choices.map((choice) => (
            <option key={String(choice.value)} value={String(choice.value)}>
              {choice.text}
            </option>
          ))}
        </select>
        <input
          id={`${id}__typed`}
          className="form-control lookup-typed"
          aria-label="or type a value"
          placeholder="or type a value"
          value={text}
          disabled={disabled || readonly}
          onChange={(event) => set(event.target.value)}
        />
        <button type="button" className="btn lookup-reload" title="Reload the choices" disabled={!context.authReady} onClick={() => setReloads((n) => n + 1)}>
          ↻
        </button>
      </div>
      <p className={`lookup-status lookup-${state.status}`}>{status}</p>
    </div>
  );
}

/** " (only type: email)": what the dropdown's operation is narrowed by, said once the choices show. */
function describeInput(lookup: LookupHint, depends: string[]): string {
  const fixed = Object.entries(lookup.input ?? {}).filter(([, value]) => typeof value !== 'string' || !value.startsWith('{{{'));
  const parts = [...fixed.map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(' or ') : String(value)}`), ...depends.map((field) => `following ${field}`)];
  return parts.length > 0 ? ` (only ${parts.join(', ')})` : '';
}

/** Yes / No, and Not set where the field may be left out: what is chosen is what is sent. */
export function BooleanChoiceWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, schema, required, disabled, readonly } = props;
  const choices = booleanChoices(schema as JsonSchema, required === true);
  const current = typeof value === 'boolean' ? value : undefined;
  return (
    <div className="segmented" role="radiogroup" id={id} aria-label={props.label}>
      {choices.map((choice) => {
        const slug = choice.value === undefined ? 'not_set' : choice.value ? 'yes' : 'no';
        const checked = current === choice.value;
        return (
          <label key={slug} className={checked ? 'segment checked' : 'segment'} data-value={slug}>
            <input
              type="radio"
              id={`${id}__${slug}`}
              name={id}
              checked={checked}
              disabled={disabled || readonly}
              onChange={() => onChange(choice.value)}
              onBlur={() => onBlur(id, value)}
              onFocus={() => onFocus(id, value)}
            />
            {choice.label}
          </label>
        );
      })}
    </div>
  );
}

/** The input for one value of a chosen kind: a text box, true/false, or JSON. */
function ValueInput(props: { id: string; kind: ValueKind; text: string; onText(text: string): void; disabled?: boolean; label: string; invalid: boolean }) {
  const { id, kind, text, onText, disabled, label, invalid } = props;
  const className = invalid ? 'form-control invalid' : 'form-control';
  if (kind === 'boolean') {
    return (
      <select id={id} className={className} aria-label={label} value={text} disabled={disabled} onChange={(event) => onText(event.target.value)}>
        <option value="">— choose —</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  }
  if (kind === 'json') {
    return <textarea id={id} className={`${className} code`} aria-label={label} rows={Math.min(6, Math.max(1, text.split('\n').length))} placeholder='{"a": 1} or [1, 2]' value={text} disabled={disabled} onChange={(event) => onText(event.target.value)} />;
  }
  return (
    <input
      id={id}
      className={className}
      aria-label={label}
      inputMode={kind === 'number' ? 'decimal' : undefined}
      placeholder={kind === 'number' ? '42' : 'text'}
      value={text}
      disabled={disabled}
      onChange={(event) => onText(event.target.value)}
    />
  );
}

function KindSelect(props: { id: string; kinds: readonly ValueKind[]; kind: ValueKind; onKind(kind: ValueKind): void; disabled?: boolean }) {
  if (props.kinds.length < 2) return null;
  return (
    <select id={props.id} className="form-control kind" aria-label="Kind of value" value={props.kind} disabled={props.disabled} onChange={(event) => props.onKind(event.target.value as ValueKind)}>
      {props.kinds.map((kind) => (
        <option key={kind} value={kind}>
          {VALUE_KIND_LABELS[kind]}
        </option>
      ))}
    </select>
  );
}

/**
 * A value of several possible kinds (text, number, true/false, JSON): the person chooses the
 * kind, and text stays text ("42" is sent as "42" unless number is chosen).
 */
export function AnyValueField(props: FieldProps) {
  const { formData, onChange, fieldPathId, disabled, readonly, schema, registry, errorSchema } = props;
  const context = contextOf(registry);
  const kinds = valueKinds(schema as JsonSchema);
  const [kind, setKind] = useState<ValueKind>(() => (formData === undefined ? kinds[0]! : kindOfValue(formData, kinds)));
  const [text, setText] = useState(() => textOfValue(formData, kind));
  const read = text === '' ? undefined : readTypedValue(kind, text);
  // Follow a value set from outside (a reset, another operation) without fighting the person typing.
  const outside = read?.ok ? JSON.stringify(read.value) !== JSON.stringify(formData) : formData !== undefined;
  useEffect(() => {
    if (!outside) return;
    const next = formData === undefined ? kind : kindOfValue(formData, kinds);
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the text follows a value set from outside
    setKind(next);
    setText(textOfValue(formData, next));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [outside]);
  const problems = read && !read.ok ? [read.problem] : [];
  useProblems(context, dataPath(fieldPathId.path), problems);
  const update = (nextKind: ValueKind, nextText: string) => {
    setKind(nextKind);
    setText(nextText);
    const next = nextText === '' ? undefined : readTypedValue(nextKind, nextText);
    onChange(next?.ok ? next.value : undefined, fieldPathId.path);
  };
  const id = fieldPathId.$id;
  return (
    <div className="typed-value">
      <FieldLabel schema={schema} id={id} required={props.required} name={props.name} />
      <div className="typed-value-row">
        <KindSelect id={`${id}__kind`} kinds={kinds} kind={kind} disabled={disabled || readonly} onKind={(next) => update(next, next === 'boolean' && text !== 'true' && text !== 'false' ? '' : text)} />
        <ValueInput id={id} kind={kind} text={text} label="Value" invalid={problems.length > 0} disabled={disabled || readonly} onText={(next) => update(kind, next)} />
      </div>
      <FieldErrors errors={[...problems, ...ownErrors(errorSchema, problems)]} id={id} />
    </div>
  );
}

function FieldLabel(props: { schema: RJSFSchema; id: string; required?: boolean; name: string; legend?: boolean }) {
  const title = (props.schema.title as string | undefined) ?? props.name;
  const description = props.schema.description as string | undefined;
  const Label = props.legend ? 'legend' : 'label';
  return (
    <>
      {title && (
        <Label className="control-label" {...(props.legend ? { id: `${props.id}__title` } : { htmlFor: props.id })}>
          {title}
          {props.required && <span className="required">*</span>}
        </Label>
      )}
      {description && <div className="field-description">{description}</div>}
    </>
  );
}

function FieldErrors(props: { errors: string[]; id: string }) {
  if (props.errors.length === 0) return null;
  return (
    <ul className="error-detail" id={`${props.id}__error`}>
      {props.errors.map((error, index) => (
        <li key={index} className="text-danger">
          {error}
        </li>
      ))}
    </ul>
  );
}

/** The validator's errors for this very path, less the problems the field reported itself (already shown). */
function ownErrors(errorSchema: ErrorSchema | undefined, reported: readonly string[]): string[] {
  const errors = ((errorSchema as { __errors?: string[] } | undefined)?.__errors ?? []).filter((e) => !reported.includes(e));
  return [...new Set(errors)];
}

interface EditedRow extends MapRow {
  /** Stable React key: rows keep their identity while their names change. */
  rowId: number;
}

let lastRowId = 0;
function withIds(rows: MapRow[]): EditedRow[] {
  return rows.map((row) => ({ ...row, rowId: (lastRowId += 1) }));
}

/** "“plan”: …" or "row 2: …": which row a problem is in, for the form's list of problems. */
function rowLabel(row: MapRow, index: number): string {
  return row.key ? `“${row.key}”` : `row ${index + 1}`;
}

/**
 * Values under names of the person's choosing (custom attributes, headers, topics), after the
 * fields the object names itself: rows of name, kind and value. "Add" makes an empty row, sent
 * only once it has a name; what a row cannot mean is said beside it and stops the run.
 */
export function KeyValueField(props: FieldProps) {
  const { formData, onChange, onBlur, onFocus, fieldPathId, disabled, readonly, registry, errorSchema, uiSchema, name, required } = props;
  const context = contextOf(registry);
  const schema = useMemo(() => registry.schemaUtils.retrieveSchema(props.schema, formData) as JsonSchema, [registry.schemaUtils, props.schema, formData]);
  // The fields the object names itself (rjsf's retrieveSchema also lists the map's own keys, flagged as additional).
  const declared = useMemo(
    () => Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {}).filter(([, property]) => !(ADDITIONAL_PROPERTY_FLAG in property)).map(([key]) => key),
    [schema],
  );
  const valueSchema = mapValueSchema(schema);
  const kinds = useMemo(() => valueKinds(valueSchema), [valueSchema]);
  const [rows, setRows] = useState<EditedRow[]>(() => withIds(rowsFromValue(formData, kinds, declared)));
  const meaning = mapFromRows(rows, valueSchema);

  // Follow a value set from outside (another operation's form, a reset) without fighting the person typing.
  const extra = isPlainObject(formData) ? Object.fromEntries(Object.entries(formData).filter(([key]) => !declared.includes(key))) : {};
  const outside = JSON.stringify(Object.keys(extra).length > 0 ? extra : undefined) !== JSON.stringify(meaning.value);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the rows follow a value set from outside
    if (outside) setRows(withIds(rowsFromValue(formData, kinds, declared)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [outside]);

  const problemsByRow = new Map(meaning.problems.map((p) => [p.row, p.problem]));
  const reported = meaning.problems.map((p) => `${rowLabel(rows[p.row]!, p.row)}: ${p.problem}`);
  const path = dataPath(fieldPathId.path);
  useProblems(context, path, reported);

  const emit = (next: EditedRow[]) => {
    setRows(next);
    const own = isPlainObject(formData) ? Object.fromEntries(Object.entries(formData).filter(([key]) => declared.includes(key))) : {};
    const value = mapFromRows(next, valueSchema).value;
    const merged = { ...own, ...(value ?? {}) };
    onChange((Object.keys(merged).length > 0 ? merged : undefined) as never, fieldPathId.path);
  };
  const edit = (index: number, patch: Partial<MapRow>) => emit(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  const id = fieldPathId.$id;
  const { SchemaField } = registry.fields;
  const locked = disabled || readonly;
  const mapErrors = ownErrors(errorSchema, reported);
  return (
    <fieldset className="key-value" id={id} data-map={path}>
      <FieldLabel schema={schema as RJSFSchema} id={id} required={required} name={name} legend />
      {declared.map((key) => (
        <SchemaField
          key={key}
          name={key}
          required={Array.isArray(schema.required) && schema.required.includes(key)}
          schema={(schema.properties as Record<string, RJSFSchema>)[key]!}
          uiSchema={uiSchema?.[key]}
          errorSchema={(errorSchema as Record<string, ErrorSchema> | undefined)?.[key]}
          fieldPathId={toFieldPathId(key, registry.globalFormOptions, fieldPathId.path)}
          formData={isPlainObject(formData) ? formData[key] : undefined}
          onChange={onChange}
          onBlur={onBlur}
          onFocus={onFocus}
          registry={registry}
          disabled={disabled}
          readonly={readonly}
          hideError={false}
        />
      ))}
      {rows.length > 0 && (
        <div className="kv-rows">
          {rows.map((row, index) => {
            const problem = problemsByRow.get(index);
            const valueErrors = row.key ? ownErrors((errorSchema as Record<string, ErrorSchema> | undefined)?.[row.key], []) : [];
            return (
              <div key={row.rowId} className={problem || valueErrors.length ? 'kv-row invalid' : 'kv-row'} data-testid="kv-row">
                <div className="kv-inputs">
                  <input
                    id={`${id}__key_${index}`}
                    className="form-control kv-key"
                    aria-label="Name"
                    placeholder="name"
                    value={row.key}
                    disabled={locked}
                    onChange={(event) => edit(index, { key: event.target.value })}
                  />
                  <KindSelect id={`${id}__kind_${index}`} kinds={kinds} kind={row.kind} disabled={locked} onKind={(kind) => edit(index, { kind, text: kind === 'boolean' && row.text !== 'true' && row.text !== 'false' ? '' : row.text })} />
                  <ValueInput id={`${id}__value_${index}`} kind={row.kind} text={row.text} label={`Value of ${row.key || 'this row'}`} invalid={!!problem} disabled={locked} onText={(text) => edit(index, { text })} />
                  <button type="button" className="btn kv-remove" id={`${id}__remove_${index}`} title="Remove this row" aria-label="Remove this row" disabled={locked} onClick={() => emit(rows.filter((_, i) => i !== index))}>
                    ✕
                  </button>
                </div>
                <FieldErrors errors={[...(problem ? [problem] : []), ...valueErrors]} id={`${id}__row_${index}`} />
              </div>
            );
          })}
        </div>
      )}
      <FieldErrors errors={mapErrors} id={id} />
      <button type="button" className="btn btn-add kv-add" id={`${id}__add`} disabled={locked} onClick={() => emit([...rows, ...withIds([emptyRow(kinds)])])}>
        + Add {rows.length === 0 ? 'a value' : 'another'}
      </button>
    </fieldset>
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A free-form object as JSON text; what does not parse is said with its line and column, and stops the run. */
export function JsonObjectField(props: FieldProps) {
  const { formData, onChange, fieldPathId, disabled, readonly, schema, uiSchema, name, required, registry } = props;
  const context = contextOf(registry);
  const shown = formData === undefined ? '' : JSON.stringify(formData, null, 2);
  const [text, setText] = useState(shown);
  const read = text.trim() === '' ? undefined : readJsonField(text, { object: true });
  // Follow outside changes (a reset, another operation) without fighting the person typing.
  const outside = read?.ok ? JSON.stringify(read.value) !== JSON.stringify(formData) : read === undefined && formData !== undefined;
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the text follows a value set from outside
    if (outside) setText(shown);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [outside]);
  useProblems(context, dataPath(fieldPathId.path), read && !read.ok ? [read.problem] : []);
  const id = fieldPathId.$id;
  const title = (uiSchema?.['ui:title'] as string | undefined) ?? (schema.title as string | undefined) ?? name;
  const hintId = useId();
  return (
    <div className="json-field">
      {/* rjsf leaves labels of object fields to the field itself. */}
      {title && (
        <label className="control-label" htmlFor={id}>
          {title}
          {required && <span className="required">*</span>}
        </label>
      )}
      {schema.description && <div className="field-description">{schema.description}</div>}
      <textarea
        id={id}
        className={read && !read.ok ? 'form-control code invalid' : 'form-control code'}
        rows={4}
        placeholder={'{ "name": "value" }'}
        value={text}
        disabled={disabled || readonly}
        aria-describedby={hintId}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          const parsed = next.trim() === '' ? undefined : readJsonField(next, { object: true });
          // Text that is not a JSON object yet is not a value: the problem is reported instead.
          onChange(parsed?.ok ? parsed.value : undefined, fieldPathId.path);
        }}
      />
      <p id={hintId} className="json-hint">
        JSON object{(schema as JsonSchema).maxBytes ? `, at most ${Number((schema as JsonSchema).maxBytes).toLocaleString('en')} bytes` : ''}.
      </p>
    </div>
  );
}

export const customFields: RegistryFieldsType = {
  jsonObject: JsonObjectField,
  keyValueMap: KeyValueField,
  anyValue: AnyValueField,
};

export const customWidgets: RegistryWidgetsType = {
  lookup: LookupWidget,
  booleanChoice: BooleanChoiceWidget,
  endpoint: EndpointWidget,
};
