// Groups for the operation list: every operation names the resource it belongs to in its
// definition (`resource`: "People", "Segments", "Transactional messages"…), and the host
// catalogue hands it to the page as `group`.

export interface ListedOperation {
  name: string;
  title: string;
  description?: string;
  hidden?: boolean;
  /** The operation's resource, from its definition. */
  group: string;
}

export interface OperationGroup<T extends ListedOperation> {
  group: string;
  operations: T[];
}

/** Does an operation match what was typed in the search box (every word, anywhere)? */
export function matchesSearch(operation: ListedOperation, query: string, connectorTitle = ''): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [operation.name, operation.name.replace(/_/g, ' '), operation.title, operation.description ?? '', operation.group, connectorTitle]
    .join(' ')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/**
 * The visible operations of one connector, grouped and filtered: DDL helpers (hidden) never
 * show; groups keep the order in which their first operation appears (the connector's order),
 * and the raw request comes last.
 */
export function groupOperations<T extends ListedOperation>(operations: readonly T[], query = '', connectorTitle = ''): OperationGroup<T>[] {
  const groups = new Map<string, T[]>();
  for (const operation of operations) {
    if (operation.hidden) continue;
    if (!matchesSearch(operation, query, connectorTitle)) continue;
    const { group } = operation;
    let list = groups.get(group);
    if (!list) groups.set(group, (list = []));
    list.push(operation);
  }
  const ordered = [...groups].map(([group, list]) => ({ group, operations: list }));
  const raw = ordered.findIndex((entry) => entry.group === 'Raw request');
  if (raw >= 0) ordered.push(...ordered.splice(raw, 1));
  return ordered;
}
