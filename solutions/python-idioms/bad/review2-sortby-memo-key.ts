// Mistake: instead of decorate-sort-undecorate, the comparator looks keys up in a cache keyed by the
// item, filled lazily: a single item never gets `key` called, and repeated items (the same
// primitive or object twice) share one call, breaking "`key` is called exactly once per item".
// (adversarial review, round 2)
/**
 * Python idioms in TypeScript: the reference solution.
 *
 * Nine small functions over six steps, each the TypeScript form of a line a Python engineer writes
 * without thinking: sorted(key=…), a frozen record, ==, Counter, comprehensions, enumerate, zip.
 */

export interface Server {
  readonly name: string;
  readonly port: number;
}

/** A value whose nested objects and arrays are all read-only, at every depth. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

export type SortKey = number | string | readonly (number | string)[];

export interface SortOptions {
  reverse?: boolean;
}

export interface HostPorts {
  readonly host: string;
  readonly ports: readonly number[];
}

// ---------------------------------------------------------------------------------------------
// Step 1: sorted(servers, key=lambda s: (s["port"], s["name"]))
// ---------------------------------------------------------------------------------------------

/** Servers by port (numerically), ties by name (code-unit order); a new array, input untouched. */
export function sortByPort<T extends Server>(servers: readonly T[]): T[] {
  // toSorted copies (sort() would reorder the caller's array) and, like every Array sort since
  // ES2019, is stable: servers equal on port and name keep their input order.
  return servers.toSorted((a, b) => a.port - b.port || compareScalars(a.name, b.name));
}

/**
 * -1, 0 or 1 from `<` and `>`: numeric order for two numbers, code-unit order for two strings
 * (what Python does on str): "Web" before "api".
 */
function compareScalars<T extends number | string>(a: T, b: T): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Step 2: a tuple or a frozen dataclass; Object.freeze is shallow, so walk the whole value.
// ---------------------------------------------------------------------------------------------

/** Freezes `value` and every object and array inside it; returns the same value. */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  freezeAll(value, new WeakSet());
  return value as DeepReadonly<T>;
}

function freezeAll(value: unknown, seen: WeakSet<object>): void {
  if (typeof value !== "object" || value === null) return;
  // A cycle would loop forever; an object already frozen by someone else may still hold
  // unfrozen children, so "already frozen" is not a reason to stop: only "already walked" is.
  if (seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const child of Object.values(value)) freezeAll(child, seen);
}

// ---------------------------------------------------------------------------------------------
// Step 3: a == b (structural), not a is b (identity)
// ---------------------------------------------------------------------------------------------

/** Structural equality of JSON-like data: primitives, arrays and plain objects. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return sameValueZero(a, b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return sameItems(a, b as unknown[]);
  return sameFields(a as Record<string, unknown>, b as Record<string, unknown>);
}

/** Same length, equal item at every index. A hole reads as undefined, as a[i] gives it. */
function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  // A for loop, not every(): every() skips the holes of `a`, so [, 1] would equal [5, 1].
  for (let i = 0; i < a.length; i++) {
    if (!deepEqual(a[i], b[i])) return false;
  }
  return true;
}

/**
 * The same own enumerable string keys (Object.keys), in any order, like dicts, with equal values;
 * a key holding undefined is still a key. The prototype is not compared: this is for plain data.
 */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const aKeys = Object.keys(a);
  const bKeys = new Set(Object.keys(b));
  return (
    aKeys.length === bKeys.size && aKeys.every((key) => bKeys.has(key) && deepEqual(a[key], b[key]))
  );
}

/** `===`, except that NaN equals NaN: the rule Map keys, Set and includes() follow. */
function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

// ---------------------------------------------------------------------------------------------
// Step 4: defaultdict(int) and Counter.most_common
// ---------------------------------------------------------------------------------------------

/** How many items have each key, keys in the order first seen. */
export function countBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, number> {
  // A Map, not a plain object: any key works ("constructor", "__proto__", a number stays a
  // number) and the insertion order is kept, as in a Python dict.
  const counts = new Map<K, number>();
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** The `n` most common entries, highest count first, ties in the Map's order. */
export function mostCommon<K>(counts: ReadonlyMap<K, number>, n?: number): [K, number][] {
  if (n !== undefined && !(Number.isInteger(n) && n >= 0)) {
    throw new RangeError(`n must be a whole number >= 0 (got ${String(n)})`);
  }
  // A stable sort on the count alone keeps equal counts in first-seen order, as Counter does.
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  return sorted.slice(0, n); // slice(0, undefined) is the whole array
}

// ---------------------------------------------------------------------------------------------
// Step 5: enumerate, zip(strict=True), a nested comprehension with an if
// ---------------------------------------------------------------------------------------------

/** {name: i for i, name in enumerate(names)}: a repeated name keeps its last index. */
export function positions(names: readonly string[]): Map<string, number> {
  return new Map(names.map((name, i) => [name, i]));
}

/** list(zip(left, right, strict=True)): pairs, or a RangeError when the lengths differ. */
export function zipStrict<A, B>(left: readonly A[], right: readonly B[]): [A, B][] {
  if (right.length !== left.length) {
    const which = right.length < left.length ? "shorter" : "longer";
    throw new RangeError(`zipStrict() argument 2 is ${which} than argument 1`);
  }
  return left.map((item, i) => [item, right[i] as B]);
}

/** [f"{s.host}:{p}" for s in servers for p in s.ports if 1 <= p <= 65535] */
export function endpoints(servers: readonly HostPorts[]): string[] {
  return servers.flatMap(({ host, ports }) =>
    ports.filter(isValidPort).map((port) => `${host}:${port}`),
  );
}

function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

// ---------------------------------------------------------------------------------------------
// Step 6: sorted(items, key=lambda …, reverse=…)
// ---------------------------------------------------------------------------------------------

/** A new array sorted by `key(item)`, each key computed once; stable, even with `reverse`. */
export function sortBy<T>(
  items: Iterable<T>,
  key: (item: T) => SortKey,
  options: SortOptions = {},
): T[] {
  // Memoise the key function so the comparator never computes a key twice.
  const cache = new Map<T, SortKey>();
  const keyOf = (item: T): SortKey => {
    if (!cache.has(item)) cache.set(item, key(item));
    return cache.get(item) as SortKey;
  };
  const direction = options.reverse ? -1 : 1;
  // Reversing the comparison (not the sorted array) keeps equal keys in input order.
  return [...items].sort((a, b) => direction * compareKeys(keyOf(a), keyOf(b)));
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (Array.isArray(a) && Array.isArray(b)) return compareTuples(a, b);
  const kinds = [kindOf(a), kindOf(b)];
  if (kinds[0] !== kinds[1]) {
    // In alphabetical order, so the message does not depend on how the sort pairs items up.
    const [first, second] = kinds.sort();
    throw new TypeError(`sortBy: cannot compare ${first} with ${second}`);
  }
  if (Number.isNaN(a) || Number.isNaN(b)) {
    // NaN is neither below, above nor equal to anything: no order can place it.
    throw new TypeError("sortBy: cannot compare NaN");
  }
  return compareScalars(a as number | string, b as number | string);
}

/** Element by element; a tuple that is a prefix of the other comes first, as in Python. */
function compareTuples(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    const order = compareKeys(a[i] as number | string, b[i] as number | string);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function kindOf(key: SortKey): "number" | "string" | "tuple" {
  if (Array.isArray(key)) return "tuple";
  return typeof key === "number" ? "number" : "string";
}
