// Mistake: streams every file as plain text, `.gz` included, so a gzipped log comes out as a few
// lines of binary junk: no errors counted, everything "unparsed", and no error for a bad archive.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { aggregateLines, type LogSummary } from "../log-aggregation";

export * from "../log-aggregation";

export async function aggregateFile(path: string): Promise<LogSummary> {
  const input = createReadStream(path);
  return aggregateLines(createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }));
}
