// The filter language of the App API (people search, broadcast audiences, dynamic segments,
// object search): and / or / not over segment membership and attribute conditions.
import { appError } from '../reply.js';
import type { AttributeCondition, Attributes, Filter, Person, WorkspaceObject } from '../state.js';
import { attributeText } from './attributes.js';

export type { AttributeCondition, Filter } from '../state.js';

/** Answers whether someone is in a segment; passed in so filters and segments do not import each other. */
export type SegmentTest = (segmentId: number, person: Person, depth: number) => boolean;

const MAX_DEPTH = 10;

function matchesAttribute(attributes: Attributes, condition: AttributeCondition): boolean {
  if (!condition || typeof condition.field !== 'string') throw appError(400, 'an attribute condition needs a field');
  if (condition.inverse === true) return !matchesAttribute(attributes, { ...condition, inverse: false });
  const value = attributes[condition.field];
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

function checkShape(filter: unknown): asserts filter is Filter {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) throw appError(400, 'a filter must be an object such as {"and": [...]}');
  const keys = Object.keys(filter);
  if (keys.length !== 1) throw appError(400, `each filter node has exactly one of and, or, not, segment, attribute (got ${keys.join(', ') || 'nothing'})`);
}

export function personMatches(filter: unknown, person: Person, inSegment: SegmentTest, depth = 0): boolean {
  if (depth > MAX_DEPTH) throw appError(400, 'the filter is nested too deeply');
  checkShape(filter);
  if (filter.and) return filter.and.every((f) => personMatches(f, person, inSegment, depth + 1));
  if (filter.or) return filter.or.some((f) => personMatches(f, person, inSegment, depth + 1));
  if (filter.not) return !personMatches(filter.not, person, inSegment, depth + 1);
  if (filter.segment) return inSegment(Number(filter.segment.id), person, depth + 1);
  if (filter.attribute) return matchesAttribute(person.attributes, filter.attribute);
  throw appError(400, `unknown filter condition ${Object.keys(filter)[0]}`);
}

export function objectMatches(filter: unknown, object: WorkspaceObject, depth = 0): boolean {
  if (depth > MAX_DEPTH) throw appError(400, 'the filter is nested too deeply');
  checkShape(filter);
  if (filter.and) return filter.and.every((f) => objectMatches(f, object, depth + 1));
  if (filter.or) return filter.or.some((f) => objectMatches(f, object, depth + 1));
  if (filter.not) return !objectMatches(filter.not, object, depth + 1);
  if (filter.object_attribute) return matchesAttribute(object.attributes, filter.object_attribute);
  throw appError(400, `object filters support and, or, not and object_attribute (got ${Object.keys(filter)[0]})`);
}

/** Empty groups are what Customer.io calls "an empty recipients filter". */
export function isEmptyFilter(filter: Filter): boolean {
  const group = filter.and ?? filter.or;
  return Object.keys(filter).length === 0 || (Array.isArray(group) && group.length === 0);
}
