// The Run area's account of what stops a run: how many problems, and each under its field's
// title (the data path only as a hint), a click away from the field. rjsf draws it after the
// Run buttons (showErrorList="bottom"); the fields carry their own messages beside them.
// Also here: taking a person to a field that has a problem. The field is scrolled to the middle
// of its panel and focused, wherever it sits (a oneOf branch, a row of a map, a dropdown): rjsf
// names every input after its data path (`input_customer_id`), and the fields of our own (map
// rows, yes/no) start their inputs' ids the same way.
import type { ErrorListProps } from '@rjsf/utils';
import { pathSegments, summariseErrors, type JsonSchema } from '../../forms/index.js';

const FOCUSABLE = 'input:not([type=hidden]), select, textarea, button';

function visible(element: Element): boolean {
  return element instanceof HTMLElement && element.offsetParent !== null && !(element as HTMLInputElement).disabled;
}

/** The first visible input of the field at `property` (or of the nearest field around it), if any. */
export function fieldElement(root: ParentNode, idPrefix: string, property: string): HTMLElement | undefined {
  const segments = pathSegments(property);
  for (let length = segments.length; length >= 0; length -= 1) {
    const id = [idPrefix, ...segments.slice(0, length)].join('_');
    const exact = root.querySelector(`[id="${CSS.escape(id)}"]`);
    const candidates = [
      ...(exact ? [exact, ...exact.querySelectorAll(FOCUSABLE)] : []),
      ...root.querySelectorAll(`[id^="${CSS.escape(id)}_"]:is(${FOCUSABLE})`),
    ];
    // Inside a field of rows, the row that has the problem (marked invalid) before the others.
    const usable = candidates.filter((element) => element.matches(FOCUSABLE) && visible(element));
    const found = usable.find((element) => element.matches('.invalid, .invalid *')) ?? usable[0];
    if (found) return found as HTMLElement;
    if (length === 0) return undefined;
  }
  return undefined;
}

/** Of several fields with problems, the one highest up the form (the order a person reads it in). */
export function firstInForm(elements: readonly HTMLElement[]): HTMLElement | undefined {
  return [...elements].sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
}

export function bringIntoView(element: HTMLElement): void {
  element.scrollIntoView({ block: 'center', inline: 'nearest' });
  element.focus({ preventScroll: true });
}


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
