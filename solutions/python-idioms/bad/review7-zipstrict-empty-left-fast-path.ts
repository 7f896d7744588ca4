// Mistake: breaks "When the lengths differ it throws a `RangeError` ... `zipStrict() argument 2 is longer than
// argument 1`": a fast path `if (left.length === 0) return []` ("nothing to pair") runs before the length check,
// so `zipStrict([], ["x"])` returns [] instead of throwing (every case with a non-empty `left` is right).
export * from "../python-idioms";

export function zipStrict<A, B>(left: readonly A[], right: readonly B[]): [A, B][] {
  if (left.length === 0) return [];
  if (right.length !== left.length) {
    const which = right.length < left.length ? "shorter" : "longer";
    throw new RangeError(`zipStrict() argument 2 is ${which} than argument 1`);
  }
  return left.map((item, i) => [item, right[i] as B]);
}
