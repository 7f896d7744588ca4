// Mistake: compares JSON.stringify output, the one-liner everyone reaches for: key order matters,
// a key holding undefined disappears, and NaN turns into null (so NaN equals null).
export * from "../python-idioms";

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
