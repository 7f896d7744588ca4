// Mistake: topN breaks count ties with `localeCompare` (the idiomatic string comparator), so among equal
// counts `"_jobs"`, `"alpha"`, `"Alpha"`, `"Zed"` come in locale order; the README says "then **service**, then
// **error type** (both ascending, code-unit order)" (`"Alpha" < "Zed" < "_jobs" < "alpha"`), not localeCompare.
/**
 * Log aggregation: count error lines per service and error type.
 *
 * A line is tried as JSON first (structured loggers), then against two plain-text formats (an
 * application log and a syslog file). Files are streamed line by line — plain or gzipped — so
 * memory stays flat however big the file is.
 */
import { once } from "node:events";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";

/** Level words that make a line an error: syslog's severities 0–3, Python's and log4j's. */
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

/** pino and bunyan write numeric levels: 50 is `error`, 60 is `fatal`. */
const NUMERIC_ERROR_LEVEL = 50;
const MAX_UNPARSED_SAMPLES = 5;
const SAMPLE_LENGTH = 200;

export type LogFormat = "json" | "app" | "syslog";

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
  lines: number;
  blank: number;
  parsed: number;
  unparsed: number;
  errors: number;
}

export interface LogSummary {
  totals: LogTotals;
  /** service → error type → count, both levels with keys in sorted order. */
  errors: Record<string, Record<string, number>>;
  unparsedSamples: string[];
}

export interface TopEntry {
  service: string;
  errorType: string;
  count: number;
}

// ---------------------------------------------------------------------------------------------
// One line
// ---------------------------------------------------------------------------------------------

/** Parses one line, or returns null when it matches no format. Never throws. */
export function parseLine(line: string): LogRecord | null {
  return parseCleanLine(line.trim());
}

/** `line` is already trimmed: trim() also drops a trailing `\r` and a leading BOM. */
function parseCleanLine(line: string): LogRecord | null {
  return parseJsonLine(line) ?? parseAppLine(line) ?? parseSyslogLine(line);
}

// JSON lines -----------------------------------------------------------------------------------

/** Field spellings, most specific first; a dotted name is a flat key or a nested path. */
const SERVICE_FIELDS = ["service", "service.name", "app", "name"];
const LEVEL_FIELDS = ["level", "severity", "levelname", "log.level"];
const ERROR_TYPE_FIELDS = ["error_type", "errorType", "error.type", "err.type"];

type JsonObject = Record<string, unknown>;

function parseJsonLine(line: string): LogRecord | null {
  // Only an object can be a record, and what JSON.parse accepts after a `{` is always an object
  // (never null or a number). Checking first also spares a thrown SyntaxError per text line.
  if (!line.startsWith("{")) return null;
  let record: JsonObject;
  try {
    record = JSON.parse(line);
  } catch {
    return null; // truncated or otherwise broken JSON
  }
  const service = firstText(record, SERVICE_FIELDS);
  const level = jsonLevel(record);
  if (service === undefined || level === undefined) return null;
  return {
    format: "json",
    service,
    ...level,
    errorType: level.isError ? (firstText(record, ERROR_TYPE_FIELDS) ?? null) : null,
  };
}

/** The level of a JSON record: a level word, or a pino/bunyan number. */
function jsonLevel(record: JsonObject): { level: string; isError: boolean } | undefined {
  for (const name of LEVEL_FIELDS) {
    const value = field(record, name);
    if (typeof value === "number") {
      return { level: String(value), isError: value >= NUMERIC_ERROR_LEVEL };
    }
    const text = asText(value);
    if (text !== undefined) return levelWord(text);
  }
  return undefined;
}

/** The first of `names` that holds a non-blank string, trimmed. */
function firstText(record: JsonObject, names: readonly string[]): string | undefined {
  for (const name of names) {
    const text = asText(field(record, name));
    if (text !== undefined) return text;
  }
  return undefined;
}

/** `"log.level"` is a flat key in ECS loggers and a nested object in others: accept both. */
function field(record: JsonObject, name: string): unknown {
  if (Object.hasOwn(record, name)) return record[name];
  let value: unknown = record;
  for (const key of name.split(".")) value = (value as JsonObject | null | undefined)?.[key];
  return value;
}

function asText(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return text === "" ? undefined : text;
}

// Plain-text lines ------------------------------------------------------------------------------

/** `2024-05-01T12:00:00.123Z ERROR [billing] TimeoutError: …` (also Python's `12:00:00,123`). */
const APP_LINE =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}\S*\s+([A-Za-z]+)\s+\[([^\]\s]+)\]\s*(.*)/s;

/** `May  1 12:00:00 web-01 billing[4242]: error: TimeoutError: …` (the pid is optional). */
const SYSLOG_LINE =
  /^[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \S+ ([^\s[\]:]+)(?:\[\d+\])?: *(.*)/s;

/** A level word at the start of a syslog message: `error: …`. */
const LEVEL_PREFIX = /^([A-Za-z]+): *(.*)/s;

/** An error type opening a message: `TimeoutError: …`, `java.net.SocketException: …`. */
const ERROR_TYPE_PREFIX = /^([A-Za-z_][\w.]*):(?:\s|$)/;

/** What exec() returns for a pattern whose N capture groups always take part in a match. */
type Groups<N extends 2 | 3> = N extends 2
  ? [string, string, string]
  : [string, string, string, string];

function parseAppLine(line: string): LogRecord | null {
  const match = APP_LINE.exec(line) as Groups<3> | null;
  if (match === null) return null;
  const [, level, service, message] = match;
  return textRecord("app", service, levelWord(level), message);
}

function parseSyslogLine(line: string): LogRecord | null {
  const match = SYSLOG_LINE.exec(line) as Groups<2> | null;
  if (match === null) return null;
  const [, service, text] = match;
  const [level, message] = splitLevelWord(text) ?? ["INFO", text];
  return textRecord("syslog", service, levelWord(level), message);
}

/** Syslog files do not record the severity; many daemons open the message with it: `error: …`. */
function splitLevelWord(text: string): [string, string] | undefined {
  const prefix = LEVEL_PREFIX.exec(text) as Groups<2> | null;
  if (prefix === null || !KNOWN_LEVELS.includes(prefix[1].toUpperCase())) return undefined;
  return [prefix[1], prefix[2]];
}

function textRecord(
  format: LogFormat,
  service: string,
  level: { level: string; isError: boolean },
  message: string,
): LogRecord {
  const errorType = level.isError ? (ERROR_TYPE_PREFIX.exec(message)?.[1] ?? null) : null;
  return { format, service, ...level, errorType };
}

function levelWord(word: string): { level: string; isError: boolean } {
  const level = word.toUpperCase();
  return { level, isError: ERROR_LEVELS.includes(level) };
}

// ---------------------------------------------------------------------------------------------
// Many lines
// ---------------------------------------------------------------------------------------------

/** Counts every line of `lines`, one string per line (a sync or async iterable). */
export async function aggregateLines(
  lines: Iterable<string> | AsyncIterable<string>,
): Promise<LogSummary> {
  const tally = new Tally();
  for await (const line of lines) tally.add(line);
  return tally.summary();
}

/**
 * Streams a file — gunzipped when its name ends in `.gz` — and counts it like aggregateLines.
 * Rejects with the stream's own error: `ENOENT` for a missing file, a zlib error for bad gzip.
 */
export async function aggregateFile(path: string): Promise<LogSummary> {
  const tally = new Tally();
  // crlfDelay: Infinity keeps a `\r\n` that straddles two reads one line break, not two.
  const lines = createInterface({ input: openLog(path), crlfDelay: Number.POSITIVE_INFINITY });
  // 'line' events rather than `for await`: the async iterator pays a promise per line, which
  // makes a million-line file about twice as slow. readline re-emits input errors as 'error',
  // and once() rejects on 'error', so a missing file still rejects.
  lines.on("line", (line) => tally.add(line));
  await once(lines, "close");
  return tally.summary();
}

function openLog(path: string): Readable {
  const file = createReadStream(path);
  if (!path.endsWith(".gz")) return file;
  // pipeline() (unlike .pipe()) destroys the gunzip stream when the file fails to open, so the
  // ENOENT reaches readline instead of leaving it waiting forever. The callback is required by
  // the API; the error itself travels on through the gunzip stream.
  return pipeline(file, createGunzip(), () => {});
}

/** Running counts. Maps, not objects: a service called `__proto__` must stay a plain key. */
class Tally {
  private readonly totals: LogTotals = { lines: 0, blank: 0, parsed: 0, unparsed: 0, errors: 0 };
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly samples: string[] = [];

  add(rawLine: string): void {
    this.totals.lines += 1;
    const line = rawLine.trim();
    if (line === "") {
      this.totals.blank += 1;
      return;
    }
    const record = parseCleanLine(line);
    if (record === null) {
      this.totals.unparsed += 1;
      if (this.samples.length < MAX_UNPARSED_SAMPLES)
        this.samples.push(line.slice(0, SAMPLE_LENGTH));
      return;
    }
    this.totals.parsed += 1;
    if (record.isError) {
      this.totals.errors += 1;
      this.countError(record.service, record.errorType ?? NO_ERROR_TYPE);
    }
  }

  private countError(service: string, errorType: string): void {
    let types = this.counts.get(service);
    if (types === undefined) {
      types = new Map();
      this.counts.set(service, types);
    }
    types.set(errorType, (types.get(errorType) ?? 0) + 1);
  }

  summary(): LogSummary {
    return {
      totals: { ...this.totals },
      errors: sortedObject(this.counts, (types) => sortedObject(types, (count) => count)),
      unparsedSamples: [...this.samples],
    };
  }
}

/**
 * A plain object with the map's keys in code-unit order. Object.fromEntries defines own
 * properties, so even `__proto__` becomes an ordinary key (assignment would set the prototype).
 */
function sortedObject<V, R>(map: Map<string, V>, convert: (value: V) => R): Record<string, R> {
  const keys = [...map.keys()].sort();
  return Object.fromEntries(keys.map((key) => [key, convert(map.get(key) as V)]));
}

// ---------------------------------------------------------------------------------------------
// Top N
// ---------------------------------------------------------------------------------------------

/** The n biggest (service, error type) counts: count descending, then service, then type. */
export function topN(summary: LogSummary, n = 10): TopEntry[] {
  if (!Number.isInteger(n) || n < 0) {
    // String(n), not `${n}`: a template literal throws a TypeError for a Symbol.
    throw new RangeError(`topN: n must be a non-negative integer, got ${String(n)}`);
  }
  const entries = Object.entries(summary.errors).flatMap(([service, types]) =>
    Object.entries(types).map(([errorType, count]) => ({ service, errorType, count })),
  );
  return entries.sort(byCountThenName).slice(0, n);
}

function byCountThenName(a: TopEntry, b: TopEntry): number {
  return (
    b.count - a.count || compareText(a.service, b.service) || compareText(a.errorType, b.errorType)
  );
}

/** Code-unit order, like the default sort: the same on every machine, unlike localeCompare. */
function compareText(a: string, b: string): number {
  return a.localeCompare(b);
}
