// Segment membership: manual segments hold their members (changed through Track), dynamic
// segments are a filter evaluated against the people as they are now.
import type { Person, Segment, State } from '../state.js';
import { personMatches } from './filters.js';
import { hasMember } from './indexes.js';
import { personByCioId } from './people.js';

export function findSegment(state: State, id: number): Segment | undefined {
  return state.segments.find((s) => s.id === id);
}

export function isMember(state: State, segment: Segment, person: Person, depth = 0): boolean {
  if (segment.type === 'manual') return hasMember(state, segment, person.cio_id);
  return segment.filter ? personMatches(segment.filter, person, inSegment(state), depth) : false;
}

/** The test filters use for `{segment: {id}}`; an unknown segment has no members. */
export function inSegment(state: State) {
  return (segmentId: number, person: Person, depth: number): boolean => {
    const segment = findSegment(state, segmentId);
    return segment ? isMember(state, segment, person, depth) : false;
  };
}

export function membersOf(state: State, segment: Segment): Person[] {
  if (segment.type === 'manual') {
    return segment.members.map((cioId) => personByCioId(state, cioId)).filter((p): p is Person => !!p);
  }
  return state.people.filter((p) => isMember(state, segment, p));
}

export function segmentsOf(state: State, person: Person): Segment[] {
  return state.segments.filter((s) => isMember(state, s, person));
}

export function segmentView(segment: Segment) {
  return {
    id: segment.id,
    deduplicate_id: `${segment.id}:${segment.updated_at}`,
    name: segment.name,
    description: segment.description,
    type: segment.type,
    state: 'finished',
    progress: null,
    tags: segment.tags,
    created_at: segment.created_at,
    updated_at: segment.updated_at,
  };
}
