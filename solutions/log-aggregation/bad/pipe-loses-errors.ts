// Mistake: joins the file to the gunzip stream with .pipe(), which does not forward errors. When
// a `.gz` file is missing, the ENOENT is emitted on a stream nobody listens to (an uncaught
// exception) and the gunzip stream never ends, so the returned promise never settles.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { aggregateLines, type LogSummary } from "../log-aggregation";

export * from "../log-aggregation";

export async function aggregateFile(path: string): Promise<LogSummary> {
  const file = createReadStream(path);
  const input = path.endsWith(".gz") ? file.pipe(createGunzip()) : file;
  return aggregateLines(createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }));
}
