// Mistake: breaks "Tuple keys (arrays) compare element by element ...: the first element that differs decides;
// when one tuple is a prefix of the other, the shorter one comes first": tuples are compared by length first
// (shortlex), then element by element, so `["web"]` sorts before `["api", 1]` (prefix cases like [1] vs [1, 0] are right).
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

function compareScalars(a: number | string, b: number | string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
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
  return compareScalars(a as number | string, b as number | string);
}

function compareTuples(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  // The shorter tuple first; same length: element by element.
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const order = compareKeys(a[i] as number | string, b[i] as number | string);
    if (order !== 0) return order;
  }
  return 0;
}

function kindOf(key: SortKey): "number" | "string" | "tuple" {
  if (Array.isArray(key)) return "tuple";
  return typeof key === "number" ? "number" : "string";
}
