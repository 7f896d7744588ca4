// Mistake: calls JSON.parse without a try/catch. One truncated line (a process killed mid-write,
// a log cut by rotation) throws a SyntaxError and the whole aggregation dies with it.
import { ERROR_LEVELS, KNOWN_LEVELS, type LogFormat, type LogRecord } from "../log-aggregation";

export * from "../log-aggregation";

/** pino and bunyan write numeric levels: 50 is `error`, 60 is `fatal`. */
const NUMERIC_ERROR_LEVEL = 50;

// The parser below is the reference's, with the one mistake described above. A whole file, not a
// patch: patched into the reference, the throw would escape the aggregator's 'line' handler and
// leave aggregateFile waiting until the test times out (10 s per test) instead of failing fast.

/** Parses one line, or returns null when it matches no format. */
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
  // Only an object can be a record; checking first also spares a thrown SyntaxError per text line.
  if (!line.startsWith("{")) return null;
  const record: JsonObject = JSON.parse(line);
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
