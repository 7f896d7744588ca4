// Mistake: breaks "equal when they have the same own enumerable string keys (what `Object.keys` gives) ...
// and so is the prototype": Python's `for k in a:` becomes `for (const key in a)`, which also visits keys
// a inherits, so `Object.create({ region: "eu" })` with own `{ name: "web" }` does not equal a plain `{ name: "web" }`.
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
  const bKeys = new Set(Object.keys(right));
  if (Object.keys(left).length !== bKeys.size) return false;
  for (const key in left) {
    if (!bKeys.has(key) || !deepEqual(left[key], right[key])) return false;
  }
  return true;
}
