// Mistake: validates only the first argument, so an infinite second one slips through.
export function sumOf(a: number, b: number): number {
  if (!Number.isFinite(a)) throw new TypeError("not finite");
  return a + b;
}
