// Mistake: reads the whole file into one string and splits it. Correct counts, but memory grows
// with the file: a 2 GB log needs 2 GB of heap (and V8 refuses strings over ~512 MB anyway).
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { aggregateLines, type LogSummary } from "../log-aggregation";

export * from "../log-aggregation";

export async function aggregateFile(path: string): Promise<LogSummary> {
  const bytes = await readFile(path);
  const text = (path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  return aggregateLines(text.split(/\r?\n/));
}
