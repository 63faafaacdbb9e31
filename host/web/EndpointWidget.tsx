// A raw request's Endpoint (format "endpoint"): a path written after the connector's base URL.
// The base URL stands in front of the text box, so nobody has to guess that App's already ends
// in /v1, and under it the URL the request will go to as the person types, or why it cannot go
// (resolveEndpoint: the runtime's own rule, so the page never promises what the runtime refuses),
// with a one-click fix for a path that repeats the base path.
import type { WidgetProps } from '@rjsf/utils';
import { resolveEndpoint } from '../../forms/index.js';

export function EndpointWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, disabled, readonly, required, options, registry } = props;
  // FormContext's baseUrl (fields.tsx, which registers this widget: not imported back, no cycle).
  const { baseUrl } = registry.formContext as { baseUrl?: string };
  const text = typeof value === 'string' ? value : '';
  const resolved = baseUrl && text !== '' ? resolveEndpoint(baseUrl, text) : undefined;
  return (
    <div className="endpoint">
      <div className="endpoint-row">
        {baseUrl && (
          <span className="endpoint-base" data-testid="endpoint-base" title="The connector's base URL for this target">
            {baseUrl}
          </span>
        )}
        <input
          id={id}
          className="form-control"
          placeholder="/path"
          value={text}
          required={required}
          disabled={disabled || readonly}
          aria-describedby={`${id}__where`}
          onChange={(event) => onChange(event.target.value === '' ? options.emptyValue : event.target.value)}
          onBlur={() => onBlur(id, value)}
          onFocus={() => onFocus(id, value)}
        />
      </div>
      <div id={`${id}__where`} className="endpoint-where">
        {baseUrl && (
          <p className="endpoint-note">
            Base URL: <code>{baseUrl}</code>
          </p>
        )}
        {resolved?.ok && (
          <p className="endpoint-note" data-testid="endpoint-final">
            Sends to <code>{resolved.url}</code>
          </p>
        )}
        {resolved && !resolved.ok && (
          <p className="endpoint-problem" role="alert" data-testid="endpoint-problem" data-rule={resolved.problem.rule}>
            {resolved.problem.what[0]!.toUpperCase() + resolved.problem.what.slice(1)}.{' '}
            {resolved.problem.fix !== undefined && (
              <button type="button" className="btn endpoint-fix" data-testid="endpoint-fix" onClick={() => onChange(resolved.problem.fix)}>
                Use {resolved.problem.fix}
              </button>
            )}
          </p>
        )}
      </div>
    </div>
  );
}
