// The Run area's account of what stops a run: how many problems, and each under its field's
// title (the data path only as a hint), a click away from the field. rjsf draws it after the
// Run buttons (showErrorList="bottom"); the fields carry their own messages beside them.
import type { ErrorListProps } from '@rjsf/utils';
import { summariseErrors, type JsonSchema } from '../../forms/index.js';
import { bringIntoView, fieldElement } from './form-focus.js';

export function ErrorSummary(props: ErrorListProps) {
  const summary = summariseErrors(props.schema as JsonSchema, props.errors);
  if (summary.items.length === 0) return null;
  const idPrefix = props.registry.globalFormOptions.idPrefix;
  return (
    <div className="error-summary" role="alert" data-testid="error-summary">
      <p className="error-count" data-testid="error-count">
        {summary.heading}
      </p>
      <ul>
        {summary.items.map((item, index) => (
          <li key={index} data-path={item.path}>
            <button
              type="button"
              className="link error-field"
              onClick={(event) => {
                const form = (event.currentTarget as HTMLElement).closest('form') ?? document;
                const element = fieldElement(form, idPrefix, item.property);
                if (element) bringIntoView(element);
              }}
            >
              {item.trail.join(' › ')}
            </button>{' '}
            <span className="error-text">{item.message}</span>
            {item.path && <code className="error-path">{item.path}</code>}
          </li>
        ))}
      </ul>
    </div>
  );
}
