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

/** The words of a text, lower case: "Delete design folder" → delete, design, folder; snake_case split too. */
function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/**
 * How well an operation matches what was typed in the search box: 0 when some typed word is
 * found nowhere. Every typed word must begin a word of the operation; where it does counts:
 * its title or name most (3), its resource or connector (2), its description least (1). A word
 * inside another ("event" in "prevents") is no match.
 */
export function searchScore(operation: ListedOperation, query: string, connectorTitle = ''): number {
  const typed = wordsOf(query);
  if (typed.length === 0) return 1;
  const places: [string[], number][] = [
    [[...wordsOf(operation.title), ...wordsOf(operation.name)], 3],
    [[...wordsOf(operation.group), ...wordsOf(connectorTitle)], 2],
    [wordsOf(operation.description ?? ''), 1],
  ];
  let score = 0;
  for (const word of typed) {
    const best = Math.max(0, ...places.map(([words, weight]) => (words.some((w) => w.startsWith(word)) ? weight : 0)));
    if (best === 0) return 0;
    score += best;
  }
  return score;
}

/** Does an operation match what was typed in the search box (every word begins a word of it)? */
export function matchesSearch(operation: ListedOperation, query: string, connectorTitle = ''): boolean {
  return searchScore(operation, query, connectorTitle) > 0;
}

/**
 * The visible operations of one connector, grouped and filtered: DDL helpers (hidden) never
 * show; groups keep the order in which their first operation appears (the connector's order),
 * and the raw request comes last.
 */
export function groupOperations<T extends ListedOperation>(operations: readonly T[], query = '', connectorTitle = ''): OperationGroup<T>[] {
  const groups = new Map<string, { operation: T; score: number }[]>();
  for (const operation of operations) {
    if (operation.hidden) continue;
    const score = searchScore(operation, query, connectorTitle);
    if (score === 0) continue;
    const { group } = operation;
    let list = groups.get(group);
    if (!list) groups.set(group, (list = []));
    list.push({ operation, score });
  }
  // While searching, the best matches come first: in each group, and groups by their best (a stable sort keeps the connector's order among equals).
  const searching = wordsOf(query).length > 0;
  const best = (list: { score: number }[]) => Math.max(...list.map((entry) => entry.score));
  const entries = [...groups].map(([group, list]) => ({ group, list: searching ? [...list].sort((a, b) => b.score - a.score) : list }));
  if (searching) entries.sort((a, b) => best(b.list) - best(a.list));
  const ordered = entries.map(({ group, list }) => ({ group, operations: list.map((entry) => entry.operation) }));
  const raw = ordered.findIndex((entry) => entry.group === 'Raw request');
  if (raw >= 0) ordered.push(...ordered.splice(raw, 1));
  return ordered;
}
