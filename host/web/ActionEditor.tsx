// "Action per event": the one workflow step a trigger runs for every event it hands over, as a
// workflow builder would chain it. Any action of any connector, its input written as JSON with
// placeholders (`{{event.data.identifiers.id}}`) that the host fills in from each event. The
// placeholders the trigger's events offer are listed (from its output schema) and insert
// themselves where the cursor is.
import { useMemo, useRef } from 'react';
import type { ConnectorInfo, OperationInfo } from './api.js';
import { groupOperations } from './operation-groups.js';
import { placeholderPaths, placeholderProblems } from './placeholders.js';
import { readJsonField, type JsonSchema } from '../../forms/index.js';

export interface ActionDraft {
  on: boolean;
  connector: string;
  operation: string;
  /** The input as typed: JSON with placeholders. */
  inputText: string;
}

/** The action's input, or what keeps it from being one. */
export function parsedActionInput(draft: ActionDraft): { input: Record<string, unknown> } | { problem: string } {
  // Read as the form's JSON fields read theirs: a problem names its line and column.
  const read = readJsonField(draft.inputText.trim() === '' ? '{}' : draft.inputText, { object: true });
  if (!read.ok) return { problem: `The action's input: ${read.problem}` };
  const value = read.value as Record<string, unknown>;
  const problems = placeholderProblems(value);
  if (problems.length > 0) return { problem: problems.join('; ') };
  return { input: value as Record<string, unknown> };
}

/** The operations an action can be: a connector's steps (no triggers, no dropdown helpers). */
export function actionOperations(connector: ConnectorInfo | undefined): OperationInfo[] {
  return connector ? connector.operations.filter((operation) => operation.kind === 'action' && !operation.hidden) : [];
}

/** A starting input: the operation's required fields, empty, to be filled with values or placeholders. */
export function inputSkeleton(operation: OperationInfo | undefined): string {
  if (!operation) return '{}';
  const schema = operation.input_schema as { properties?: Record<string, JsonSchema>; required?: string[] };
  const skeleton: Record<string, unknown> = {};
  for (const key of schema.required ?? []) {
    const type = schema.properties?.[key]?.type;
    skeleton[key] = type === 'object' ? {} : type === 'array' ? [] : '';
  }
  return JSON.stringify(skeleton, null, 2);
}

export function ActionEditor(props: {
  trigger: OperationInfo;
  connectors: ConnectorInfo[];
  draft: ActionDraft;
  onChange(draft: ActionDraft): void;
}) {
  const { trigger, connectors, draft, onChange } = props;
  const textArea = useRef<HTMLTextAreaElement>(null);
  const placeholders = useMemo(() => placeholderPaths(trigger.output_schema), [trigger]);
  const candidates = connectors.filter((connector) => actionOperations(connector).length > 0);
  const connector = candidates.find((c) => c.name === draft.connector);
  const groups = groupOperations(actionOperations(connector));
  const parsed = draft.on ? parsedActionInput(draft) : undefined;

  const chooseOperation = (connectorName: string, operationName: string) => {
    const chosen = actionOperations(connectors.find((c) => c.name === connectorName)).find((o) => o.name === operationName);
    onChange({ ...draft, connector: connectorName, operation: operationName, inputText: inputSkeleton(chosen) });
  };

  const insert = (placeholder: string) => {
    const area = textArea.current;
    const start = area?.selectionStart ?? draft.inputText.length;
    const end = area?.selectionEnd ?? start;
    // Inside quotes already, or a value of its own: a lone placeholder keeps the value's type.
    const before = draft.inputText.slice(0, start);
    const quoted = (before.match(/"/g)?.length ?? 0) % 2 === 1;
    const text = quoted ? placeholder : `"${placeholder}"`;
    onChange({ ...draft, inputText: before + text + draft.inputText.slice(end) });
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + text.length, start + text.length);
    });
  };

  return (
    <section className="trigger-action" aria-label="Action per event" data-testid="action-editor">
      <label className="action-toggle">
        <input type="checkbox" checked={draft.on} onChange={(event) => onChange({ ...draft, on: event.target.checked })} data-testid="action-toggle" />
        Action per event <span className="hint">a workflow step run for every event the trigger hands over</span>
      </label>
      {draft.on && (
        <>
          <div className="action-pick">
            <label>
              Connector
              <select
                className="form-control"
                value={draft.connector}
                onChange={(event) => chooseOperation(event.target.value, actionOperations(candidates.find((c) => c.name === event.target.value))[0]?.name ?? '')}
                data-testid="action-connector"
              >
                {candidates.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.title}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Operation
              <select className="form-control" value={draft.operation} onChange={(event) => chooseOperation(draft.connector, event.target.value)} data-testid="action-operation">
                {groups.map((group) => (
                  <optgroup key={group.group} label={group.group}>
                    {group.operations.map((operation) => (
                      <option key={operation.name} value={operation.name}>
                        {operation.title} ({operation.name})
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </label>
          </div>
          <label htmlFor="action_input">Input (JSON with placeholders)</label>
          <textarea
            id="action_input"
            ref={textArea}
            className="form-control code"
            rows={5}
            spellCheck={false}
            value={draft.inputText}
            onChange={(event) => onChange({ ...draft, inputText: event.target.value })}
            data-testid="action-input"
          />
          <p className={parsed && 'problem' in parsed ? 'json-hint action-problem' : 'json-hint'} data-testid="action-input-status">
            {parsed && 'problem' in parsed
              ? parsed.problem
              : 'A string that is exactly one placeholder takes the value as it is (a number stays a number); a placeholder inside other text is written in as text. An event without that value runs no action, and says so.'}
          </p>
          <details className="placeholders">
            <summary>Placeholders ({placeholders.length}): click one to insert it</summary>
            <ul>
              {placeholders.map((path) => (
                <li key={path.placeholder}>
                  <button type="button" className="link placeholder" title={path.description} onClick={() => insert(path.placeholder)}>
                    {path.placeholder}
                  </button>
                  {path.description && <span className="hint"> {path.description}</span>}
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </section>
  );
}
