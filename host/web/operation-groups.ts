// Groups for the operation list: names are verb first (`list_segment_members`), so the first
// noun after the verb names the resource. A few words are folded together so that related
// operations sit side by side (page and screen views are events; Design Studio's parts are one).

/** Words that qualify the noun rather than name it. */
const QUALIFIERS = new Set(['or', 'update', 'custom', 'anonymous', 'bulk', 'manual', 'archived', 'domain']);

/** Resource word (singular) → group title, where the plain word would read badly or split a family. */
const GROUP_TITLES: Record<string, string> = {
  customer: 'People',
  event: 'Events',
  page: 'Events',
  screen: 'Events',
  transactional: 'Transactional messages',
  design: 'Design Studio',
  inbox: 'Design Studio',
  esp: 'ESP suppressions',
  http: 'Raw request',
  delivery: 'Delivery metrics',
  push: 'Delivery metrics',
  optout: 'People',
  sender: 'Sender identities',
  subscription: 'Subscriptions',
  reporting: 'Reporting webhooks',
  live: 'Live notifications',
  ip: 'Workspace',
  workspace: 'Workspace',
  account: 'Workspace',
  attribute: 'Data index',
  entity: 'Objects',
  object: 'Objects',
  relationship: 'Objects',
  form: 'Forms',
  batch: 'Batches',
};

/** Operations whose first noun is not what they are about. */
const NAMED_GROUPS: Record<string, string> = {
  add_customers_to_segment: 'Segments',
  remove_customers_from_segment: 'Segments',
  export_customers: 'Exports',
  export_deliveries: 'Exports',
  set_event_descriptions: 'Data index',
};

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function plural(word: string): string {
  if (word.endsWith('y')) return `${word.slice(0, -1)}ies`;
  if (word.endsWith('s') || word.endsWith('x')) return `${word}es`;
  return `${word}s`;
}

/** The resource word of an operation name: the first noun after the verb. */
export function resourceWord(name: string): string {
  const words = name.split('_').filter(Boolean);
  // `bulk_identify_customers`: a qualifier may come before the verb too.
  while (words.length > 2 && QUALIFIERS.has(words[0])) words.shift();
  const rest = words.slice(1).filter((word) => !QUALIFIERS.has(word));
  return singular(rest[0] ?? words[0] ?? name);
}

/** The group an operation is listed under. */
export function operationGroup(name: string): string {
  if (NAMED_GROUPS[name]) return NAMED_GROUPS[name];
  const word = resourceWord(name);
  const title = GROUP_TITLES[word];
  if (title) return title;
  const label = plural(word).replace(/_/g, ' ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export interface ListedOperation {
  name: string;
  title: string;
  description?: string;
  hidden?: boolean;
  group?: string;
}

export interface OperationGroup<T extends ListedOperation> {
  group: string;
  operations: T[];
}

/** Does an operation match what was typed in the search box (every word, anywhere)? */
export function matchesSearch(operation: ListedOperation, query: string, connectorTitle = ''): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [operation.name, operation.name.replace(/_/g, ' '), operation.title, operation.description ?? '', operation.group ?? operationGroup(operation.name), connectorTitle]
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
    const group = operation.group ?? operationGroup(operation.name);
    let list = groups.get(group);
    if (!list) groups.set(group, (list = []));
    list.push(operation);
  }
  const ordered = [...groups].map(([group, list]) => ({ group, operations: list }));
  const raw = ordered.findIndex((entry) => entry.group === 'Raw request');
  if (raw >= 0) ordered.push(...ordered.splice(raw, 1));
  return ordered;
}
