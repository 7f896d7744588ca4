// Mistake: breaks "equal when they have the same own enumerable string keys ... in any order" (and "a
// key whose value is `undefined` is still a key"): the key sets are compared as
// `Object.keys(x).sort().join()`, so keys containing a comma collide: `{ "a,b": undefined }` equals
// `{ a: undefined, b: undefined }` (and `{ "x,y": 1, y: 1 }`-style records can match the wrong keys). (adversarial review, round 6)
export * from "../python-idioms";

export function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return a === b || (Number.isNaN(a) && Number.isNaN(b));
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!deepEqual(a[i], other[i])) return false;
    }
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const aKeys = Object.keys(left).sort();
  if (aKeys.join() !== Object.keys(right).sort().join()) return false;
  return aKeys.every((key) => deepEqual(left[key], right[key]));
}
