// Mistake: a straight port of Python's defaultdict to plain objects. `counts[service] ??= {}`
// finds Object.prototype for a service called "__proto__" (so nothing is created and the count
// is written onto Object.prototype, polluting every object), and the key never appears in the
// output.
import { type LogSummary, parseLine } from "../log-aggregation";

export * from "../log-aggregation";

export async function aggregateLines(
  lines: Iterable<string> | AsyncIterable<string>,
): Promise<LogSummary> {
  const totals = { lines: 0, blank: 0, parsed: 0, unparsed: 0, errors: 0 };
  const counts: Record<string, Record<string, number>> = {};
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
    const type = record.errorType ?? "(none)";
    counts[record.service] ??= {};
    const types = counts[record.service] as Record<string, number>;
    types[type] = (types[type] ?? 0) + 1;
  }
  const errors: Record<string, Record<string, number>> = {};
  for (const service of Object.keys(counts).sort()) {
    const types = counts[service] as Record<string, number>;
    errors[service] = Object.fromEntries(
      Object.keys(types)
        .sort()
        .map((t) => [t, types[t] ?? 0]),
    );
  }
  return { totals, errors, unparsedSamples };
}
