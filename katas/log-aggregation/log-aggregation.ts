/**
 * Log aggregation — count error lines per service and error type.
 *
 * Read README.md first: it lists the formats, the field spellings and every rule the spec checks.
 * The types and constants below are given; the four functions are yours.
 */

/** Level words that make a line an error (compare upper-cased). */
export const ERROR_LEVELS: readonly string[] = [
  "ERROR",
  "ERR",
  "CRITICAL",
  "CRIT",
  "ALERT",
  "EMERG",
  "EMERGENCY",
  "PANIC",
  "FATAL",
];

/** Every level word a syslog message may start with (`error: …`, `warning: …`). */
export const KNOWN_LEVELS: readonly string[] = [
  "TRACE",
  "DEBUG",
  "INFO",
  "NOTICE",
  "WARN",
  "WARNING",
  ...ERROR_LEVELS,
];

/** The error-type bucket for an error line that names no error type. */
export const NO_ERROR_TYPE = "(none)";

export type LogFormat = "json" | "app" | "syslog";

/** One parsed line. */
export interface LogRecord {
  format: LogFormat;
  service: string;
  /** Upper-cased as written (`"ERROR"`, `"WARN"`), or a numeric level as text (`"50"`). */
  level: string;
  isError: boolean;
  /** The error type of an error line; null when the line names none, or is not an error. */
  errorType: string | null;
}

export interface LogTotals {
  /** Every line seen: lines = blank + parsed + unparsed. */
  lines: number;
  blank: number;
  parsed: number;
  unparsed: number;
  /** Parsed lines at an error level (the sum of every count in `errors`). */
  errors: number;
}

export interface LogSummary {
  totals: LogTotals;
  /** service → error type → count; both levels with their keys in sorted order. */
  errors: Record<string, Record<string, number>>;
  /** The first 5 unparsed lines, trimmed and cut to 200 characters. */
  unparsedSamples: string[];
}

export interface TopEntry {
  service: string;
  errorType: string;
  count: number;
}

// TODO: start here. Suggested order: parseLine (one format at a time), aggregateLines, topN,
// then aggregateFile.

/** Parses one line: JSON first, then the application-log and syslog formats. Never throws. */
export function parseLine(_line: string): LogRecord | null {
  throw new Error("TODO: implement parseLine()");
}

/** Counts every line of a sync or async iterable of lines (one string per line). */
export async function aggregateLines(
  _lines: Iterable<string> | AsyncIterable<string>,
): Promise<LogSummary> {
  throw new Error("TODO: implement aggregateLines()");
}

/** Streams a file — gunzipped when its name ends in `.gz` — and counts it like aggregateLines. */
export async function aggregateFile(_path: string): Promise<LogSummary> {
  throw new Error("TODO: implement aggregateFile()");
}

/** The n biggest (service, error type) counts: count descending, then service, then error type. */
export function topN(_summary: LogSummary, _n = 10): TopEntry[] {
  throw new Error("TODO: implement topN()");
}
