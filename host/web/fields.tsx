// The few fields and widgets rjsf lacks for Tray's forms: the lookup dropdown, a number-or-text
// input, a typed "any value" input, a JSON editor for free-form objects, and a raw request's
// Endpoint beside its base URL (EndpointWidget.tsx).
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { FieldProps, RegistryFieldsType, RegistryWidgetsType, WidgetProps } from '@rjsf/utils';
import { coerceChoice, type JsonSchema, type LookupHint } from '../../forms/index.js';
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
  loadChoices(lookup: LookupHint, reload: boolean): Promise<Choice[]>;
  /** The connector's base URL for the chosen target, shown beside a raw request's Endpoint. */
  baseUrl?: string;
}

type LookupState = { status: 'waiting' } | { status: 'loading' } | { status: 'ready'; choices: Choice[] } | { status: 'failed'; message: string };

/** A dropdown filled by running the field's DDL operation, with a text box for typing any value. */
export function LookupWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, options, schema, disabled, readonly, registry, required } = props;
  const context = registry.formContext as FormContext;
  const lookup = options.lookup as LookupHint;
  const [state, setState] = useState<LookupState>({ status: 'waiting' });
  const [reloads, setReloads] = useState(0);
  const lastAuthKey = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (!context.authReady) {
      // The dropdown follows the credentials typed elsewhere in the form: its state is derived
      // from them each time they change, which is what an effect is for here.
      // eslint-disable-next-line react-hooks/set-state-in-effect -- see above
      setState({ status: 'waiting' });
      return;
    }
    let current = true;
    setState({ status: 'loading' });
    // Load at once when the field appears; while credentials are being typed, wait for a pause
    // rather than call the API with every keystroke.
    const delay = lastAuthKey.current !== undefined && lastAuthKey.current !== context.authKey ? 400 : 0;
    lastAuthKey.current = context.authKey;
    const timer = setTimeout(() => {
      context.loadChoices(lookup, reloads > 0).then(
        (choices) => current && setState({ status: 'ready', choices }),
        (error: Error) => current && setState({ status: 'failed', message: error.message }),
      );
    }, delay);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // The lookup hint is constant for a field; credentials and target are in authKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [context.authKey, context.authReady, context.connector, lookup.operation, reloads]);

  const choices = state.status === 'ready' ? state.choices : [];
  const text = value === undefined || value === null ? '' : String(value);
  const known = choices.some((choice) => String(choice.value) === text);
  const set = (raw: string) => onChange(coerceChoice(schema as JsonSchema, raw));
  const status =
    state.status === 'waiting'
      ? 'Fill in the credentials to load the choices.'
      : state.status === 'loading'
        ? `Loading choices (${lookup.operation})…`
        : state.status === 'failed'
          ? `Could not load the choices: ${state.message}`
          : `${choices.length} choice${choices.length === 1 ? '' : 's'} from ${lookup.operation}; or type a value.`;

  return (
    <div className="lookup" data-lookup={lookup.operation}>
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

/** Text, or a JSON number, boolean, object or array when it parses as one. */
export function parseAnyValue(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  const trimmed = text.trim();
  if (/^(-?\d|true$|false$|\{|\[)/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/** An attribute value: text, or typed JSON (42, true, {…}, […]) when it parses as such. */
export function AnyValueWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, disabled, readonly, required } = props;
  const shown = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const [text, setText] = useState(shown);
  // Keep what was typed (spacing included) while it still means the same value.
  const display = JSON.stringify(parseAnyValue(text)) === JSON.stringify(value ?? undefined) ? text : shown;
  return (
    <input
      id={id}
      className="form-control"
      placeholder="text, or JSON: 42, true, {…}, […]"
      value={display}
      required={required}
      disabled={disabled || readonly}
      onChange={(event) => {
        setText(event.target.value);
        onChange(parseAnyValue(event.target.value));
      }}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
    />
  );
}

/** A free-form object as JSON text; what does not parse is passed on as text, so validation says so. */
export function JsonObjectField(props: FieldProps) {
  const { formData, onChange, fieldPathId, disabled, readonly, schema, uiSchema, name, required } = props;
  const shown = formData === undefined ? '' : typeof formData === 'string' ? formData : JSON.stringify(formData, null, 2);
  const [text, setText] = useState(shown);
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    // Follow outside changes (a reset, another operation) without fighting the person typing.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the text follows a value set from outside
    if (typeof formData !== 'string' && JSON.stringify(formData) !== JSON.stringify(safeParse(text))) setText(shown);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [formData]);
  const id = fieldPathId.$id;
  const title = (uiSchema?.['ui:title'] as string | undefined) ?? (schema.title as string | undefined) ?? name;
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
        className="form-control code"
        rows={4}
        placeholder={'{ "name": "value" }'}
        value={text}
        disabled={disabled || readonly}
        aria-describedby={`${id}__json`}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          if (next.trim() === '') {
            setProblem(undefined);
            onChange(undefined, fieldPathId.path);
            return;
          }
          const parsed = safeParse(next);
          if (parsed !== NOT_JSON && parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
            setProblem(undefined);
            onChange(parsed, fieldPathId.path);
          } else {
            setProblem('Not a JSON object yet.');
            onChange(next, fieldPathId.path);
          }
        }}
      />
      <p id={`${id}__json`} className="json-hint">
        {problem ?? `JSON object${(schema as JsonSchema).maxBytes ? `, at most ${Number((schema as JsonSchema).maxBytes).toLocaleString('en')} bytes` : ''}.`}
      </p>
    </div>
  );
}

const NOT_JSON = Symbol('not json');
function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

export const customFields: RegistryFieldsType = {
  jsonObject: JsonObjectField,
};

export const customWidgets: RegistryWidgetsType = {
  lookup: LookupWidget,
  anyValue: AnyValueWidget,
  endpoint: EndpointWidget,
};
