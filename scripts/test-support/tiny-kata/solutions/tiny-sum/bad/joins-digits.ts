// Mistake: builds the result as text, so 2 and 3 make 23.
export function sumOf(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new TypeError("not finite");
  return Number(`${a}${b}`);
}
