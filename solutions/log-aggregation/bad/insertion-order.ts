// Mistake: counts correctly but returns the keys in the order the lines happened to arrive, so
// the same log shuffled gives a different JSON text (and diffs between two runs are noise).
import { type LogSummary, parseLine } from "../log-aggregation";

export * from "../log-aggregation";

export async function aggregateLines(
  lines: Iterable<string> | AsyncIterable<string>,
): Promise<LogSummary> {
  const totals = { lines: 0, blank: 0, parsed: 0, unparsed: 0, errors: 0 };
  const counts = new Map<string, Map<string, number>>();
  const unparsedSamples: string[] = [];
  for await (const raw of lines) {
    totals.lines += 1;
    const line = raw.trim();
    if (line === "") {
      totals.blank += 1;
      continue;
    }
    const record = parseLine(line);
    if (record === null) {
      totals.unparsed += 1;
      if (unparsedSamples.length < 5) unparsedSamples.push(line.slice(0, 200));
      continue;
    }
    totals.parsed += 1;
    if (!record.isError) continue;
    totals.errors += 1;
    const types = counts.get(record.service) ?? new Map<string, number>();
    const type = record.errorType ?? "(none)";
    types.set(type, (types.get(type) ?? 0) + 1);
    counts.set(record.service, types);
  }
  const errors = Object.fromEntries(
    [...counts].map(([service, types]) => [service, Object.fromEntries(types)]),
  );
  return { totals, errors, unparsedSamples };
}
