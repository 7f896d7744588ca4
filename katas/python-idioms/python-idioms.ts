/**
 * Python idioms in TypeScript — your file. Read README.md first: it states every behaviour the
 * spec checks, and "From Python" gives the Python line behind each function.
 * Run the spec with `npm run kata -- run python-idioms` (or `npm start` to re-run on every save).
 */

export interface Server {
  readonly name: string;
  readonly port: number;
}

/** A value whose nested objects and arrays are all read-only, at every depth (types only). */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** What a sortBy key function may return: a number, a string, or a tuple of them. */
export type SortKey = number | string | readonly (number | string)[];

export interface SortOptions {
  /** Highest key first (default false). Items with equal keys still keep their input order. */
  reverse?: boolean;
}

export interface HostPorts {
  readonly host: string;
  readonly ports: readonly number[];
}

// TODO: start here, one step at a time: the spec's steps follow the order of this file.

// Step 1 ---------------------------------------------------------------------------------------

/**
 * A new array of the same records, by port (as numbers), ties by name (code-unit order, like
 * `<`), records equal on both in their input order. The input array is not changed.
 */
export function sortByPort<T extends Server>(_servers: readonly T[]): T[] {
  throw new Error("TODO: implement sortByPort()");
}

// Step 2 ---------------------------------------------------------------------------------------

/**
 * Freezes `value` and every object and array inside it, at any depth, and returns the same
 * value. Strings, numbers, booleans, null and undefined come back unchanged.
 */
export function deepFreeze<T>(_value: T): DeepReadonly<T> {
  throw new Error("TODO: implement deepFreeze()");
}

// Step 3 ---------------------------------------------------------------------------------------

/**
 * Structural equality of JSON-like data (primitives, arrays, plain objects), like Python's `==`
 * on dicts and lists: same keys in any order, arrays in order, NaN equals NaN, 0 equals -0.
 */
export function deepEqual(_a: unknown, _b: unknown): boolean {
  throw new Error("TODO: implement deepEqual()");
}

// Step 4 ---------------------------------------------------------------------------------------

/** How many items have each key (`key(item)`), keys in the order they were first seen. */
export function countBy<T, K>(_items: Iterable<T>, _key: (item: T) => K): Map<K, number> {
  throw new Error("TODO: implement countBy()");
}

/**
 * The `n` most common [key, count] entries (all of them when `n` is omitted), highest count
 * first, equal counts in the Map's order. A RangeError unless `n` is a whole number >= 0.
 */
export function mostCommon<K>(_counts: ReadonlyMap<K, number>, _n?: number): [K, number][] {
  throw new Error("TODO: implement mostCommon()");
}

// Step 5 ---------------------------------------------------------------------------------------

/** Each name's index (from 0); a name that appears twice keeps its last index. */
export function positions(_names: readonly string[]): Map<string, number> {
  throw new Error("TODO: implement positions()");
}

/** [left[i], right[i]] pairs; a RangeError when the lengths differ (see README for messages). */
export function zipStrict<A, B>(_left: readonly A[], _right: readonly B[]): [A, B][] {
  throw new Error("TODO: implement zipStrict()");
}

/** "host:port" for every host and each of its valid ports (whole numbers 1-65535), in order. */
export function endpoints(_servers: readonly HostPorts[]): string[] {
  throw new Error("TODO: implement endpoints()");
}

// Step 6 ---------------------------------------------------------------------------------------

/**
 * A new array of the items sorted by `key(item)` (called once per item), ascending, or
 * descending with `reverse: true`; equal keys keep their input order either way. A TypeError
 * for keys that cannot be compared (a number with a string, a tuple with a plain key).
 */
export function sortBy<T>(
  _items: Iterable<T>,
  _key: (item: T) => SortKey,
  _options?: SortOptions,
): T[] {
  throw new Error("TODO: implement sortBy()");
}
