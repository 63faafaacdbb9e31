// The two index shapes the sandbox's lookups use, kept beside the arrays of the state (never in
// it, so the state stays plain JSON). Both follow their array instead of trusting every writer:
// items pushed onto the array are picked up at the next lookup, and an array that was replaced
// (`state.people = state.people.filter(…)`) or shrank without the index being told is indexed
// again from scratch. What they cannot see is an indexed field changed in place: the model
// functions that change one (people.ts, objects.ts, activities.ts, outbox.ts) call `reindex`.

/** Map values are one item, or several in array order (most keys name exactly one item). */
type Entry<T> = T | T[];

/**
 * Items of one array by string keys (`i:<id>`, `e:<email>`…), each key listing its items in
 * the array's order, so the first is what `array.find` would have returned.
 */
export class KeyedIndex<T extends object> {
  private array: T[] | undefined;
  /** How many items of `array` are indexed (its length when it was last looked at). */
  private indexed = 0;
  private map = new Map<string, Entry<T>>();
  /** The keys each item is indexed under, so a change of its fields can be undone exactly. */
  private keys = new WeakMap<T, string[]>();
  /** Position order: increases along the array (items only ever join at its end). */
  private seq = new WeakMap<T, number>();
  private nextSeq = 0;

  constructor(
    private readonly keysOf: (item: T) => string[],
    /** Where to note which index holds an item, for code that changes an item without its state at hand. */
    private readonly owners?: WeakMap<T, KeyedIndex<T>>,
  ) {}

  /** Catches up with `array`: indexes its new tail, or everything when it was replaced or shrank. */
  sync(array: T[]): this {
    if (array !== this.array || array.length < this.indexed) this.reset(array);
    while (this.indexed < array.length) {
      const item = array[this.indexed++]!;
      this.seq.set(item, this.nextSeq++);
      this.addKeys(item, this.keysOf(item));
    }
    return this;
  }

  /** Forgets everything; the next `sync` indexes the whole array. */
  reset(array?: T[]): void {
    this.array = array;
    this.indexed = 0;
    this.map = new Map();
    this.keys = new WeakMap();
    this.seq = new WeakMap();
    this.nextSeq = 0;
  }

  /** The items under `key`, in array order (call `sync` first). */
  all(key: string): readonly T[] {
    const entry = this.map.get(key);
    return entry === undefined ? [] : Array.isArray(entry) ? entry : [entry];
  }

  first(key: string): T | undefined {
    const entry = this.map.get(key);
    return Array.isArray(entry) ? entry[0] : entry;
  }

  has(item: T): boolean {
    return this.keys.has(item);
  }

  /** After an indexed field of `item` changed in place: moves it to its new keys (a no-op for an item not indexed yet). */
  reindex(item: T): void {
    const before = this.keys.get(item);
    if (!before) return;
    const after = this.keysOf(item);
    for (const key of before) if (!after.includes(key)) this.removeKey(key, item);
    for (const key of after) if (!before.includes(key)) this.addKey(key, item);
    this.keys.set(item, after);
  }

  /**
   * Takes `items` out of the array in place (the order of the rest kept, the array the same
   * object) and out of the index. One item costs a search of the array; several, one pass.
   */
  remove(array: T[], items: Iterable<T>): number {
    this.sync(array);
    const gone = new Set(items);
    if (gone.size === 0) return 0;
    let removed = 0;
    if (gone.size === 1) {
      const [item] = gone;
      const at = array.indexOf(item!);
      if (at >= 0) {
        array.splice(at, 1);
        removed = 1;
      }
    } else {
      let kept = 0;
      for (const item of array) if (!gone.has(item)) array[kept++] = item;
      removed = array.length - kept;
      array.length = kept;
    }
    for (const item of gone) {
      const keys = this.keys.get(item);
      if (!keys) continue;
      for (const key of keys) this.removeKey(key, item);
      this.keys.delete(item);
      if (this.owners?.get(item) === this) this.owners.delete(item);
    }
    this.indexed -= removed;
    return removed;
  }

  /** Sorts items of this array into array order (for lists gathered under several keys). */
  inOrder(items: T[]): T[] {
    return items.sort((a, b) => (this.seq.get(a) ?? 0) - (this.seq.get(b) ?? 0));
  }

  /** Every key and its items, for checks that compare the index with a fresh one. */
  entries(): [string, readonly T[]][] {
    return [...this.map.keys()].sort().map((key) => [key, this.all(key)]);
  }

  private addKeys(item: T, keys: string[]): void {
    this.keys.set(item, keys);
    this.owners?.set(item, this);
    for (const key of keys) this.addKey(key, item);
  }

  private addKey(key: string, item: T): void {
    const entry = this.map.get(key);
    if (entry === undefined) {
      this.map.set(key, item);
      return;
    }
    const list = Array.isArray(entry) ? entry : [entry];
    if (list.includes(item)) return;
    // Usually the newest item: it goes last. One whose field changed goes where its position says.
    const seq = this.seq.get(item) ?? Infinity;
    let at = list.length;
    while (at > 0 && (this.seq.get(list[at - 1]!) ?? 0) > seq) at--;
    list.splice(at, 0, item);
    if (!Array.isArray(entry)) this.map.set(key, list);
  }

  private removeKey(key: string, item: T): void {
    const entry = this.map.get(key);
    if (entry === undefined) return;
    if (!Array.isArray(entry)) {
      if (entry === item) this.map.delete(key);
      return;
    }
    const at = entry.indexOf(item);
    if (at >= 0) entry.splice(at, 1);
    if (entry.length === 1) this.map.set(key, entry[0]!);
    else if (entry.length === 0) this.map.delete(key);
  }
}

/**
 * The values of a string array as a counted set (duplicates allowed), following the array as
 * KeyedIndex does: pushes are seen at the next lookup, a replaced or shorter array is read again.
 */
export class ValueSet {
  private array: string[] | undefined;
  private indexed = 0;
  private counts = new Map<string, number>();

  constructor(private readonly normalise: (value: string) => string = (value) => value) {}

  sync(array: string[]): this {
    if (array !== this.array || array.length < this.indexed) {
      this.array = array;
      this.indexed = 0;
      this.counts = new Map();
    }
    while (this.indexed < array.length) {
      const value = this.normalise(array[this.indexed++]!);
      this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
    }
    return this;
  }

  has(value: string): boolean {
    return this.counts.has(this.normalise(value));
  }

  get size(): number {
    return this.counts.size;
  }

  /** Takes every copy of `value` out of the array in place, and out of the set. */
  remove(array: string[], value: string): boolean {
    this.sync(array);
    const key = this.normalise(value);
    if (!this.counts.has(key)) return false;
    let kept = 0;
    for (const item of array) if (this.normalise(item) !== key) array[kept++] = item;
    this.indexed -= array.length - kept;
    array.length = kept;
    this.counts.delete(key);
    return true;
  }
}
