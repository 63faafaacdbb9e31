// Connector and operation names as a person types them: a mistyped one is answered with the
// closest real names ("did you mean track_custom_event?") instead of a bare "unknown", before
// any credentials or input are read. Edit distance is fastest-levenshtein's.
import { distance } from 'fastest-levenshtein';
import type { OperationDescription, Registry } from '../runtime/index.js';
import { UsageError } from './args.js';

const words = (name: string) => name.toLowerCase().split(/[-_\s.]+/).filter(Boolean);

/**
 * Up to `max` of `names` close to `typed`, closest first: the fewest edits away (case, `-` and
 * `_` aside; a few, scaled to the length), or, when none is, the names holding every word typed
 * (`track_event` → `track_custom_event`, `track_anonymous_event`).
 */
export function closestNames(typed: string, names: readonly string[], max = 3): string[] {
  const typedWords = words(typed);
  const plain = typedWords.join('_');
  if (plain === '') return [];
  const allowed = Math.min(4, Math.max(2, Math.floor(plain.length / 4)));
  const scored = names.map((name) => ({ name, words: words(name), edits: distance(plain, words(name).join('_')) }));
  const best = Math.min(...scored.map((candidate) => candidate.edits));
  const near = best <= allowed
    ? scored.filter((candidate) => candidate.edits <= best + 1 && candidate.edits <= allowed)
    : plain.length >= 3 ? scored.filter((candidate) => typedWords.every((word) => candidate.words.includes(word))) : [];
  return near
    .sort((a, b) => a.edits - b.edits || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((candidate) => candidate.name);
}

function didYouMean(suggestions: string[]): string {
  if (suggestions.length === 0) return '';
  const last = suggestions.at(-1)!;
  return `; did you mean ${suggestions.length === 1 ? last : `${suggestions.slice(0, -1).join(', ')} or ${last}`}?`;
}

/** The connector's name as given, or a usage error naming the closest ones and all there are. */
export function checkedConnector(registry: Registry, name: string): string {
  const known = registry.list().map((connector) => connector.name);
  if (known.includes(name)) return name;
  throw new UsageError(`unknown connector "${name}"${didYouMean(closestNames(name, known))} (the connectors are ${known.join(', ')})`);
}

/**
 * The operation of a connector, or a usage error: the closest names of that connector, and the
 * connectors that have an operation of exactly that name (`send_transactional_email` is App's).
 */
export function checkedOperation(registry: Registry, connector: string, name: string): OperationDescription {
  const operations = registry.describe(checkedConnector(registry, connector)).operations;
  const found = operations.find((operation) => operation.name === name);
  if (found) return found;
  const elsewhere = registry
    .list()
    .filter((other) => other.name !== connector && registry.describe(other.name).operations.some((operation) => operation.name === name))
    .map((other) => other.name);
  const there = elsewhere.length ? `; ${elsewhere.join(' and ')} ${elsewhere.length === 1 ? 'has' : 'have'} it` : '';
  const suggestions = closestNames(name, operations.map((operation) => operation.name));
  throw new UsageError(`connector ${connector} has no operation "${name}"${didYouMean(suggestions)}${there} (cio-connectors describe ${connector} lists its operations)`);
}

/** A connector's auth form, or a usage error naming the closest connectors and all there are. */
export function authFormOf(registry: Registry, connector: string): Record<string, unknown> {
  return registry.describe(checkedConnector(registry, connector)).auth_schema;
}
