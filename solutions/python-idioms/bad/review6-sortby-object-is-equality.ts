// Mistake: breaks "Number keys compare as numbers" with "Items with equal keys keep their input order"
// (also with `reverse: true`): equal keys are detected with `Object.is` (step 3's "same value" rule) and
// anything not equal is "a < b ? -1 : 1", so 0 and -0 are never equal: `sortBy([0, -0], k => k,
// { reverse: true })` gives [-0, 0] (and [[1, 0], [1, -0]] reversed likewise) instead of keeping input order. (adversarial review, round 6)
export * from "../python-idioms";

import type { SortKey, SortOptions } from "../python-idioms";

export function sortBy<T>(
  items: Iterable<T>,
  key: (item: T) => SortKey,
  options: SortOptions = {},
): T[] {
  const decorated = Array.from(items, (item) => ({ item, key: key(item) }));
  const direction = options.reverse ? -1 : 1;
  decorated.sort((a, b) => direction * compareKeys(a.key, b.key));
  return decorated.map(({ item }) => item);
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (Array.isArray(a) && Array.isArray(b)) return compareTuples(a, b);
  const kinds = [kindOf(a), kindOf(b)];
  if (kinds[0] !== kinds[1]) {
    const [first, second] = kinds.sort();
    throw new TypeError(`sortBy: cannot compare ${first} with ${second}`);
  }
  if (Number.isNaN(a) || Number.isNaN(b)) {
    throw new TypeError("sortBy: cannot compare NaN");
  }
  if (Object.is(a, b)) return 0;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

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
