// The filter language of the App API (people search, broadcast audiences, dynamic segments,
// object search): and / or / not over segment membership and attribute conditions. Filters
// arrive as JSON from anyone with the App key, so every node's shape is checked (a 400 that
// says what is wrong, never a TypeError), and conditions read only the person's (or object's)
// own attributes: `toString exists` is not true of everyone, and a stored `__proto__`
// attribute is compared like any other.
import { appError } from '../reply.js';
import type { AttributeCondition, Attributes, Filter, Person, WorkspaceObject } from '../state.js';
import { attributeText, ownAttribute } from './attributes.js';

export type { AttributeCondition, Filter } from '../state.js';

/** Answers whether someone is in a segment; passed in so filters and segments do not import each other. */
export type SegmentTest = (segmentId: number, person: Person, depth: number) => boolean;

const MAX_DEPTH = 10;

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function matchesAttribute(attributes: Attributes, condition: AttributeCondition): boolean {
  if (!isObject(condition) || typeof condition.field !== 'string') throw appError(400, 'an attribute condition needs a field');
  if (condition.inverse === true) return !matchesAttribute(attributes, { ...condition, inverse: false });
  const value = ownAttribute(attributes, condition.field);
  const present = value !== undefined && value !== null && value !== '';
  switch (condition.operator) {
    case 'exists':
      return present;
    case 'eq':
      return present && attributeText(value) === String(condition.value ?? '');
    default:
      throw appError(400, `attribute conditions support the operators eq and exists (got ${String(condition.operator)})`);
  }
}

/** The node's one key and its value, checked: and/or take a list, not/segment/attribute an object. */
function nodeOf(filter: unknown, depth: number): [string, unknown] {
  if (depth > MAX_DEPTH) throw appError(400, 'the filter is nested too deeply');
  if (!isObject(filter)) throw appError(400, 'a filter must be an object such as {"and": [...]}');
  const keys = Object.keys(filter);
  if (keys.length !== 1) throw appError(400, `each filter node has exactly one of and, or, not, segment, attribute (got ${keys.join(', ') || 'nothing'})`);
  const [key] = keys;
  const value = filter[key];
  if ((key === 'and' || key === 'or') && !Array.isArray(value)) throw appError(400, `${key} takes a list of filters`);
  if ((key === 'not' || key === 'segment' || key === 'attribute' || key === 'object_attribute') && !isObject(value)) throw appError(400, `${key} takes an object`);
  return [key, value];
}

export function personMatches(filter: unknown, person: Person, inSegment: SegmentTest, depth = 0): boolean {
  const [key, value] = nodeOf(filter, depth);
  switch (key) {
    case 'and':
      return (value as unknown[]).every((f) => personMatches(f, person, inSegment, depth + 1));
    case 'or':
      return (value as unknown[]).some((f) => personMatches(f, person, inSegment, depth + 1));
    case 'not':
      return !personMatches(value, person, inSegment, depth + 1);
    case 'segment':
      return inSegment(Number((value as { id?: unknown }).id), person, depth + 1);
    case 'attribute':
      return matchesAttribute(person.attributes, value as AttributeCondition);
    default:
      throw appError(400, `unknown filter condition ${key}`);
  }
}

export function objectMatches(filter: unknown, object: WorkspaceObject, depth = 0): boolean {
  const [key, value] = nodeOf(filter, depth);
  switch (key) {
    case 'and':
      return (value as unknown[]).every((f) => objectMatches(f, object, depth + 1));
    case 'or':
      return (value as unknown[]).some((f) => objectMatches(f, object, depth + 1));
    case 'not':
      return !objectMatches(value, object, depth + 1);
    case 'object_attribute':
      return matchesAttribute(object.attributes, value as AttributeCondition);
    default:
      throw appError(400, `object filters support and, or, not and object_attribute (got ${key})`);
  }
}

/** Empty groups are what Customer.io calls "an empty recipients filter". */
export function isEmptyFilter(filter: Filter): boolean {
  const group = filter.and ?? filter.or;
  return Object.keys(filter).length === 0 || (Array.isArray(group) && group.length === 0);
}
