// Mistake: rejects NaN but lets Infinity through (Number.isNaN instead of Number.isFinite).
export function sumOf(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) throw new TypeError("not a number");
  return a + b;
}
