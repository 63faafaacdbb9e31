// The searchable operation list: connector → group → operation; DDL helpers never appear.
import { useMemo } from 'react';
import type { ConnectorInfo } from './api.js';
import { groupOperations } from './operation-groups.js';

export interface Selection {
  connector: string;
  operation: string;
}

export function OperationList(props: {
  connectors: ConnectorInfo[];
  query: string;
  onQuery(query: string): void;
  selected: Selection | null;
  onSelect(selection: Selection): void;
}) {
  const { connectors, query, onQuery, selected, onSelect } = props;
  const sections = useMemo(
    () => connectors.map((connector) => ({ connector, groups: groupOperations(connector.operations, query, connector.title) })),
    [connectors, query],
  );
  const shown = sections.reduce((sum, s) => sum + s.groups.reduce((n, g) => n + g.operations.length, 0), 0);

  return (
    <nav className="operation-list" aria-label="Operations">
      <input
        type="search"
        className="form-control search"
        placeholder="Search operations…"
        aria-label="Search operations"
        value={query}
        onChange={(event) => onQuery(event.target.value)}
      />
      <p className="list-count" data-testid="operation-count">
        {shown} operation{shown === 1 ? '' : 's'}
      </p>
      {sections.map(({ connector, groups }) =>
        groups.length === 0 ? null : (
          <section key={connector.name} className="connector-section" data-connector={connector.name}>
            <h2>
              {connector.title} <span className="version">v{connector.version}</span>
            </h2>
            {groups.map((group) => (
              <div key={group.group} className="op-group">
                <h3>{group.group}</h3>
                <ul>
                  {group.operations.map((operation) => {
                    const active = selected?.connector === connector.name && selected.operation === operation.name;
                    return (
                      <li key={operation.name}>
                        <button
                          type="button"
                          className={active ? 'op active' : 'op'}
                          aria-current={active ? 'true' : undefined}
                          data-op={`${connector.name}/${operation.name}`}
                          title={operation.description}
                          onClick={() => onSelect({ connector: connector.name, operation: operation.name })}
                        >
                          <span className="op-title">{operation.title}</span>
                          <span className="op-name">
                            {operation.name}
                            {operation.kind === 'trigger' && <span className="op-kind">trigger</span>}
                          </span>
                        </button>
                      </li>
                    );
                  })}
                </ul>
              </div>
            ))}
          </section>
        ),
      )}
      {shown === 0 && <p className="empty">No operation matches “{query}”.</p>}
    </nav>
  );
}
