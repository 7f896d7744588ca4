// Mistake: sorts by count alone and trusts the input order for ties. That looks right on a
// summary whose keys are already sorted, but ties come out in whatever order the object has.
import type { LogSummary, TopEntry } from "../log-aggregation";

export * from "../log-aggregation";

export function topN(summary: LogSummary, n = 10): TopEntry[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`topN: n must be a non-negative integer, got ${n}`);
  }
  const entries = Object.entries(summary.errors).flatMap(([service, types]) =>
    Object.entries(types).map(([errorType, count]) => ({ service, errorType, count })),
  );
  return entries.sort((a, b) => b.count - a.count).slice(0, n);
}
