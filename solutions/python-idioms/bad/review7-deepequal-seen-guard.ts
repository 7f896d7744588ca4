// Mistake: breaks "Two arrays are equal when ... `a[i]` equals `b[i]` for every index" (and the same for
// object fields): a cycle guard (`if (seen.has(a)) return true`) remembers only the left-hand object, so a
// shared reference compared a second time is taken as equal: `const x = { v: 1 }; deepEqual([x, x], [x, { v: 2 }])` is true.
export * from "../python-idioms";

export function deepEqual(a: unknown, b: unknown): boolean {
  return equal(a, b, new WeakSet());
}

function equal(a: unknown, b: unknown, seen: WeakSet<object>): boolean {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return a === b || (Number.isNaN(a) && Number.isNaN(b));
  }
  // Already being compared higher up (a cycle): do not loop forever.
  if (seen.has(a)) return true;
  seen.add(a);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!equal(a[i], other[i], seen)) return false;
    }
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const aKeys = Object.keys(left);
  const bKeys = new Set(Object.keys(right));
  return (
    aKeys.length === bKeys.size &&
    aKeys.every((key) => bKeys.has(key) && equal(left[key], right[key], seen))
  );
}
