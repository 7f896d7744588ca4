// Mistake: breaks "`items` may be any iterable (an array, a `Set`, a generator, a string)": a string is
// special-cased as `items.split("")` ("list(s) in Python"), which splits it into UTF-16 code units, not
// the characters iteration gives, so `countBy("😀😀", c => c)` counts the two surrogate halves
// ("\uD83D" 2, "\uDE00" 2) instead of "😀" 2; ASCII strings count right. (adversarial review, round 6)
export * from "../python-idioms";

export function countBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, number> {
  const list: T[] =
    typeof items === "string" ? ((items as string).split("") as unknown as T[]) : Array.from(items);
  const counts = new Map<K, number>();
  for (const item of list) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}
