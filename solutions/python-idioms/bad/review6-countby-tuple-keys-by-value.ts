// Mistake: breaks "Keys are compared as `Map` keys are: exactly": to behave like Python's Counter with
// tuple keys (`Counter((s.env, s.region) for s in fleet)`), an array key is canonicalised with
// `JSON.stringify`, so two distinct arrays with the same items (`["prod", "eu"]` built twice) are
// merged into one key (the first array seen), where a Map keeps them as two keys of count 1. (adversarial review, round 6)
export * from "../python-idioms";

export function countBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, number> {
  const counts = new Map<K, number>();
  const tuples = new Map<string, K>(); // JSON of a tuple key -> the first array seen with it
  for (const item of items) {
    let k = key(item);
    if (Array.isArray(k)) {
      const id = JSON.stringify(k);
      const first = tuples.get(id);
      if (first === undefined) tuples.set(id, k);
      else k = first;
    }
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}
