/**
 * Log formats — the reference solution.
 *
 * A registry of detectors, each `(line) => fields | null`, tried in order; container wrappers
 * (CRI, Docker json-file) are peeled off before the registry sees the line. Every detector is
 * one anchored regex (or JSON.parse) plus a few lines that turn its groups into a record.
 */

export const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type Level = (typeof LEVELS)[number];

export const NO_SERVICE = "(none)";

export interface Detected {
  timestamp: string | null;
  level: Level;
  service: string | null;
  message: string;
  error: string | null;
}

export interface Format {
  name: string;
  detect: (line: string) => Detected | null;
}

export interface LogRecord extends Detected {
  format: string;
  container: "cri" | "docker" | null;
  stream: "stdout" | "stderr" | null;
}

export interface ContainerLine {
  container: "cri" | "docker";
  stream: "stdout" | "stderr";
  timestamp: string;
  partial: boolean;
  text: string;
}

export interface ParseOptions {
  referenceDate?: Date;
}

export interface FormatSummary {
  totals: { lines: number; blank: number; parsed: number; unparsed: number };
  formats: Record<string, number>;
  levels: Record<Level, number>;
  errors: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------
// Levels

/**
 * Every word that names a level, lower-cased. logrus's text format cuts them to four letters
 * (`ERRO`, `DEBU`), log15 writes `eror` and `dbug`, klog and glog one letter (`E`, `W`).
 */
const LEVEL_WORDS: Record<string, Level> = {
  trace: "trace",
  trc: "trace",
  debug: "debug",
  debu: "debug",
  dbg: "debug",
  dbug: "debug",
  d: "debug",
  info: "info",
  inf: "info",
  i: "info",
  information: "info",
  informational: "info",
  notice: "info",
  warn: "warn",
  warning: "warn",
  wrn: "warn",
  w: "warn",
  error: "error",
  erro: "error",
  err: "error",
  eror: "error",
  e: "error",
  fatal: "fatal",
  fata: "fatal",
  f: "fatal",
  critical: "fatal",
  crit: "fatal",
  alert: "fatal",
  emerg: "fatal",
  emergency: "fatal",
  panic: "fatal",
  pani: "fatal",
};

/** pino's scale: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal; in between rounds down. */
function levelFromNumber(n: number): Level | null {
  if (!Number.isFinite(n) || n < 10) return null;
  const index = Math.min(Math.floor(n / 10) - 1, LEVELS.length - 1);
  return LEVELS[index] ?? null;
}

/** Maps a number or a word, in any case, onto the six-level scale; null when it is not a level. */
export function normaliseLevel(value: unknown): Level | null {
  if (typeof value === "number") return levelFromNumber(value);
  if (typeof value !== "string") return null;
  const word = value.trim().toLowerCase();
  if (/^\d+$/.test(word)) return levelFromNumber(Number(word));
  // Apache httpd's trace1 … trace8.
  if (/^trace[1-8]$/.test(word)) return "trace";
  return Object.hasOwn(LEVEL_WORDS, word) ? (LEVEL_WORDS[word] as Level) : null;
}

/** syslog severities 0..7 (RFC 5424, table 2), from a PRI value. */
const SEVERITY_LEVELS: readonly Level[] = [
  "fatal", // 0 emergency
  "fatal", // 1 alert
  "fatal", // 2 critical
  "error", // 3 error
  "warn", // 4 warning
  "info", // 5 notice
  "info", // 6 informational
  "debug", // 7 debug
];

// ---------------------------------------------------------------------------------------------
// Timestamps

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Whether the calendar has this day. `new Date()` checks month 1–12 and day 1–31 only, and rolls
 * a day the month does not have over into the next month (2024-02-30 becomes 1 March), so read
 * the day back and compare.
 */
function dayExists(y: string, mo: string, d: string): boolean {
  const day = new Date(`${y}-${mo}-${d}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(`${y}-${mo}-${d}T`);
}

/**
 * An ISO 8601 / RFC 3339 date-time (`T` or space, `.` or `,` before the fraction) as
 * `toISOString()` text. No zone means UTC. Built by hand because `Date.parse` reads a zone-less
 * date-time as local time. The fraction is cut (not rounded) to milliseconds. A date-time that
 * does not exist is null: a day the month lacks, hour 24 (which `new Date()` would take as the
 * next midnight), a leap second, an offset beyond ±23:59 (the last two `new Date()` rejects).
 */
function isoTimestamp(text: string): string | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [, y = "", mo = "", d = "", h, mi, s, fraction = "", zone = "Z"] = m;
  if (Number(h) > 23 || !dayExists(y, mo, d)) return null;
  const ms = fraction.padEnd(3, "0").slice(0, 3);
  const offset = zone === "Z" ? zone : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH = `(${MONTHS.join("|")})`;

const pad = (n: number | string, width = 2) => String(n).padStart(width, "0");

/** A date written with an English month name (Apache, RFC 3164) as ISO text, read as UTC. */
function fromMonthName(year: number, month: string, day: string, time: string): string | null {
  const index = MONTHS.indexOf(month);
  return isoTimestamp(`${pad(year, 4)}-${pad(index + 1)}-${pad(day)}T${time}`);
}

const DAY_MS = 86_400_000;

/**
 * RFC 3164 dates have no year: take the reference date's (UTC) year, unless that puts the line
 * more than a day after the reference — then it was written last year (a December line read in
 * January). A day of slack absorbs clock skew between hosts. A `Feb 29` the reference year does
 * not have was written last year too, if last year had one; otherwise the date is null.
 */
function yearlessTimestamp(month: string, day: string, time: string, reference: Date) {
  const year = reference.getUTCFullYear();
  const thisYear = fromMonthName(year, month, day, time);
  if (thisYear !== null && Date.parse(thisYear) - reference.getTime() <= DAY_MS) return thisYear;
  return fromMonthName(year - 1, month, day, time);
}

// ---------------------------------------------------------------------------------------------
// Structured formats: JSON lines and logfmt

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The first field of `names` that is a non-blank string, trimmed. */
function firstString(fields: Fields, names: readonly string[]): string | null {
  for (const name of names) {
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return null;
}

/** `err` / `error` as a string, or as an object's `message` (pino's err, ECS's error). */
function errorText(fields: Fields): string | null {
  for (const name of ["err", "error"]) {
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    const text = isRecord(value) ? firstString(value, ["message"]) : firstString(fields, [name]);
    if (text !== null) return text;
  }
  return firstString(fields, ["error.message"]);
}

/** Epoch numbers: below 10^11 they are seconds (zap, klog), otherwise milliseconds (pino). */
function epochTimestamp(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  const ms = n < 1e11 ? n * 1000 : n;
  const date = new Date(Math.trunc(ms));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function structuredTimestamp(fields: Fields): string | null {
  for (const name of ["time", "ts", "timestamp"]) {
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    const iso =
      typeof value === "number"
        ? epochTimestamp(value)
        : typeof value === "string"
          ? isoTimestamp(value.trim())
          : null;
    if (iso !== null) return iso;
  }
  return null;
}

/** The fields both JSON lines and logfmt share. */
function fromFields(fields: Fields): Detected {
  const error = errorText(fields);
  let level: Level | null = null;
  for (const name of ["level", "severity", "lvl"]) {
    level = Object.hasOwn(fields, name) ? normaliseLevel(fields[name]) : null;
    if (level !== null) break;
  }
  return {
    timestamp: structuredTimestamp(fields),
    // klog's JSON has no level at all: an error field is what marks its error lines.
    level: level ?? (error === null ? "info" : "error"),
    service: firstString(fields, ["service", "logger", "name"]),
    message: firstString(fields, ["msg", "message"]) ?? "",
    error,
  };
}

function parseObject(line: string): Fields | null {
  if (!line.startsWith("{")) return null;
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

function detectJson(line: string): Detected | null {
  const fields = parseObject(line);
  return fields === null ? null : fromFields(fields);
}

// key=value, where value is bare (no space, quote or `=`) or double-quoted with \" and \\ escapes.
const LOGFMT_PAIR = /([A-Za-z_][\w.-]*)=(?:"((?:[^"\\]|\\.)*)"|([^\s"=]*))/y;

function parseLogfmt(line: string): Fields | null {
  const fields: Fields = {};
  let at = 0;
  while (at < line.length) {
    LOGFMT_PAIR.lastIndex = at;
    const m = LOGFMT_PAIR.exec(line);
    if (!m) return null;
    const [whole, key, quoted, bare] = m;
    fields[key as string] = quoted === undefined ? bare : quoted.replace(/\\(.)/g, "$1");
    at += whole.length;
    const spaces = /^ +/.exec(line.slice(at));
    if (spaces) at += spaces[0].length;
    else if (at < line.length) return null;
  }
  return fields;
}

function detectLogfmt(line: string): Detected | null {
  const fields = parseLogfmt(line);
  if (fields === null || !["level", "lvl", "msg"].some((key) => Object.hasOwn(fields, key))) {
    return null;
  }
  return fromFields(fields);
}

// ---------------------------------------------------------------------------------------------
// Text formats

const text = (timestamp: string | null, level: Level, service: string | null, message: string) => ({
  timestamp,
  level,
  service,
  message,
  error: null,
});

// [Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] msg                         (2.2)
// [Wed Oct 11 14:32:52.123456 2019] [core:error] [pid 123:tid 456] [client …] msg  (2.4)
const APACHE = new RegExp(
  String.raw`^\[[A-Z][a-z]{2} ${MONTH} +(\d{1,2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) (\d{4})\] \[(?:([\w-]*):)?([A-Za-z0-9]+)\](?: \[pid \d+(?::tid \d+)?\])?(?: \[client [^\]]+\])? ?(.*)$`,
);

function detectApache(line: string): Detected | null {
  const m = APACHE.exec(line);
  if (!m) return null;
  // Every group but the module's always takes part in a match: the casts hold.
  const [, month, day, time, year, module, word, message] = m;
  const level = normaliseLevel(word);
  if (level === null) return null;
  const timestamp = fromMonthName(Number(year), month as string, day as string, time as string);
  return text(timestamp, level, module ? module : null, message as string);
}

// 2024/01/02 03:04:05 [error] 123#123: *1 msg
const NGINX =
  /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2}) \[([A-Za-z]+)\] \d+#\d+: (?:\*\d+ )?(.*)$/;

function detectNginx(line: string): Detected | null {
  const m = NGINX.exec(line);
  if (!m) return null;
  const [, y, mo, d, time, word, message] = m;
  const level = normaliseLevel(word);
  if (level === null) return null;
  return text(isoTimestamp(`${y}-${mo}-${d}T${time}`), level, null, message as string);
}

const DATE_TIME = String.raw`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?`;

// 2024-01-02 03:04:05,123 [myid:1] - ERROR [main-SendThread(zk:2181):ClientCnxn@1161] - msg
const ZOOKEEPER = new RegExp(
  String.raw`^(${DATE_TIME})(?: \[myid:\d*\])? - ([A-Za-z]+) *\[(.*?):([\w$.]+)@\d+\] - (.*)$`,
);

function detectZookeeper(line: string): Detected | null {
  const m = ZOOKEEPER.exec(line);
  if (!m) return null;
  const [, when, word, , className, message] = m;
  const level = normaliseLevel(word);
  if (level === null) return null;
  return text(isoTimestamp(when as string), level, className as string, message as string);
}

// Hadoop's log4j:     2024-01-02 03:04:05,123 ERROR [IPC Server handler 3] org.example.Foo: msg
// logback / log4j2:   2024-01-02 03:04:05.123 [main thread] ERROR org.example.Foo - msg
//                     03:04:05.123 [main thread] ERROR org.example.Foo - msg   (time only)
const LOG4J_LEVEL_FIRST = new RegExp(
  String.raw`^(${DATE_TIME}) ([A-Za-z]+) +\[([^\]]+)\] ([\w$.]+): (.*)$`,
);
const LOGBACK_THREAD_FIRST = new RegExp(
  String.raw`^(${DATE_TIME}|\d{2}:\d{2}:\d{2}(?:[.,]\d+)?) \[([^\]]+)\] ([A-Za-z]+) +([\w$.]+) - (.*)$`,
);

function detectLog4j(line: string): Detected | null {
  const first = LOG4J_LEVEL_FIRST.exec(line);
  if (first) return log4jRecord(first[1], first[2], first[4], first[5]);
  const second = LOGBACK_THREAD_FIRST.exec(line);
  return second ? log4jRecord(second[1], second[3], second[4], second[5]) : null;
}

/** The groups of either layout, which all take part in every match (so the casts hold). */
function log4jRecord(when?: string, word?: string, logger?: string, message?: string) {
  const level = normaliseLevel(word);
  if (level === null) return null;
  // A time of day alone (logback's default) is not a timestamp: isoTimestamp gives null.
  return text(isoTimestamp(when as string), level, logger as string, message as string);
}

// logging.basicConfig():  ERROR:payments.db:connection lost
// the common format:      2024-01-02 03:04:05,123 - payments.db - ERROR - connection lost
const PYTHON_LEVELS = "DEBUG|INFO|WARNING|ERROR|CRITICAL";
const PYTHON_BASIC = new RegExp(`^(${PYTHON_LEVELS}):([^:\\s]+):(.*)$`);
const PYTHON_ASCTIME = new RegExp(String.raw`^(${DATE_TIME}) - (\S+) - (${PYTHON_LEVELS}) - (.*)$`);

function detectPython(line: string): Detected | null {
  const basic = PYTHON_BASIC.exec(line);
  if (basic) {
    const [, word, name, message] = basic;
    return text(null, normaliseLevel(word) as Level, name as string, message as string);
  }
  const full = PYTHON_ASCTIME.exec(line);
  if (!full) return null;
  const [, when, name, word, message] = full;
  const level = normaliseLevel(word) as Level;
  return text(isoTimestamp(when as string), level, name as string, message as string);
}

// ---------------------------------------------------------------------------------------------
// Syslog

/** A PRI of 0..191 (facility 0..23 × 8 + severity) as a level; null when out of range. */
function levelFromPri(pri: string): Level | null {
  const n = Number(pri);
  return n <= 191 ? (SEVERITY_LEVELS[n % 8] as Level) : null;
}

// <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD [MSG], `-` for a missing field (RFC 5424 §6).
const SD = String.raw`-|(?:\[(?:[^\]"\\]|"(?:[^"\\]|\\.)*")*\])+`;
const RFC5424 = new RegExp(
  String.raw`^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (${SD})(?: (.*))?$`,
);

function detectRfc5424(line: string): Detected | null {
  const m = RFC5424.exec(line);
  if (!m) return null;
  const [, pri, when, , app, , , , message = ""] = m;
  const level = levelFromPri(pri as string);
  if (level === null) return null;
  return text(
    isoTimestamp(when as string), // the NILVALUE `-` is no date-time: null
    level,
    app === "-" ? null : (app as string),
    // RFC 5424 marks a UTF-8 message with a BOM.
    message.replace(/^\uFEFF/, ""),
  );
}

// [<PRI>]TIMESTAMP HOST TAG[PID]: MSG, TIMESTAMP either RFC 3164's `Mmm dd HH:MM:SS` or RFC 3339
// (a date-time with the `T`).
const RFC3339 = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?`;
const SYSLOG = new RegExp(
  String.raw`^(?:<(\d{1,3})>)?(?:${MONTH} +(\d{1,2}) (\d{2}:\d{2}:\d{2})|(${RFC3339})) (\S+) ([^\s[\]:]+)(?:\[\d+\])?: ?(.*)$`,
);
// A level word starts with a letter and may end in digits (httpd's trace1 … trace8); "50:" is not one.
const LEVEL_PREFIX = /^([A-Za-z][A-Za-z0-9]*): ?(.*)$/;

function syslogFormat(options: ParseOptions = {}): Format {
  return {
    name: "syslog",
    detect(line) {
      const m = SYSLOG.exec(line);
      if (!m) return null;
      const [, pri, month, day, time, rfc3339, , tag, group] = m;
      const rest = group as string; // `(.*)` takes part in every match
      const timestamp =
        rfc3339 === undefined
          ? yearlessTimestamp(
              month as string,
              day as string,
              time as string,
              options.referenceDate ?? new Date(),
            )
          : isoTimestamp(rfc3339);
      if (pri !== undefined) {
        const level = levelFromPri(pri);
        return level === null ? null : text(timestamp, level, tag as string, rest);
      }
      // A file written by rsyslog keeps no severity: take a leading `error:` from the message.
      const prefix = LEVEL_PREFIX.exec(rest);
      const level = prefix ? normaliseLevel(prefix[1]) : null;
      if (prefix && level !== null)
        return text(timestamp, level, tag as string, prefix[2] as string);
      return text(timestamp, "info", tag as string, rest);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The registry

/** The built-in formats, in the order they are tried. */
export function defaultFormats(options: ParseOptions = {}): Format[] {
  return [
    { name: "json", detect: detectJson },
    { name: "logfmt", detect: detectLogfmt },
    { name: "rfc5424", detect: detectRfc5424 },
    syslogFormat(options),
    { name: "apache", detect: detectApache },
    { name: "nginx", detect: detectNginx },
    { name: "zookeeper", detect: detectZookeeper },
    { name: "log4j", detect: detectLog4j },
    { name: "python", detect: detectPython },
  ];
}

// 2024-01-02T03:04:05.123456789Z stderr F msg   (kubelet's CRI log format; P = partial)
const CRI = /^(\S+) (stdout|stderr) ([FP])(?: (.*))?$/;

/** Peels the CRI or Docker json-file wrapper off a line; null when it has neither. */
export function unwrapContainerLine(line: string): ContainerLine | null {
  const cri = CRI.exec(line);
  if (cri) {
    const [, when, stream, tag, inner = ""] = cri;
    const timestamp = isoTimestamp(when as string);
    if (timestamp === null) return null;
    const partial = tag === "P";
    return { container: "cri", stream: stream as "stdout", timestamp, partial, text: inner };
  }
  const fields = parseObject(line);
  if (fields === null) return null;
  const { log, stream, time } = fields;
  if (typeof log !== "string" || (stream !== "stdout" && stream !== "stderr")) return null;
  const timestamp = typeof time === "string" ? isoTimestamp(time) : null;
  if (timestamp === null) return null;
  // json-file ends every complete line with "\n"; a line split at 16 KiB has none.
  const partial = !log.endsWith("\n");
  return { container: "docker", stream, timestamp, partial, text: log.replace(/\r?\n$/, "") };
}

/** A detector that throws on a line (a custom one, most likely) has not matched it. */
function detectSafely(format: Format, line: string): Detected | null {
  try {
    return format.detect(line);
  } catch {
    return null;
  }
}

export function createParser(
  formats: readonly Format[] = defaultFormats(),
): (line: string) => LogRecord | null {
  const detect = (line: string): (Detected & { format: string }) | null => {
    for (const format of formats) {
      const found = detectSafely(format, line);
      if (found === null) continue;
      // The five Detected fields only: a detector's extra properties (a `format` of its own
      // included) stay out of the record.
      const { timestamp, level, service, message, error } = found;
      return { format: format.name, timestamp, level, service, message, error };
    }
    return null;
  };
  return (raw) => {
    const line = raw.trim();
    if (line === "") return null;
    const wrapped = unwrapContainerLine(line);
    if (wrapped === null) {
      const found = detect(line);
      return found === null ? null : { ...found, container: null, stream: null };
    }
    const inner = wrapped.text.trim();
    const found = (inner === "" ? null : detect(inner)) ?? {
      format: "text",
      ...text(null, "info", null, inner),
    };
    return {
      ...found,
      timestamp: found.timestamp ?? wrapped.timestamp,
      container: wrapped.container,
      stream: wrapped.stream,
    };
  };
}

/** `createParser()` with the default formats; the reference date of a year-less date is now. */
export function parseLine(line: string): LogRecord | null {
  return createParser()(line);
}

// ---------------------------------------------------------------------------------------------
// Partial lines and counting

/**
 * Joins CRI `P` lines (per stream) with the line that completes them into one `F` line; every
 * other line passes through. A partial still open at the end is flushed as if it were complete.
 */
export async function* joinPartialLines(
  lines: Iterable<string> | AsyncIterable<string>,
): AsyncGenerator<string> {
  const open = new Map<string, { timestamp: string; parts: string[] }>();
  for await (const raw of lines) {
    // Only a CRLF's "\r" goes: a partial line may well end in a space that belongs to the text.
    const cri = CRI.exec(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    if (cri === null || isoTimestamp(cri[1] as string) === null) {
      yield raw;
      continue;
    }
    const [, when = "", stream = "", tag, inner = ""] = cri;
    const pending = open.get(stream);
    if (tag === "P") {
      if (pending) pending.parts.push(inner);
      else open.set(stream, { timestamp: when, parts: [inner] });
      continue;
    }
    if (pending === undefined) {
      yield raw;
      continue;
    }
    open.delete(stream);
    yield `${pending.timestamp} ${stream} F ${pending.parts.join("")}${inner}`;
  }
  for (const [stream, pending] of open) {
    yield `${pending.timestamp} ${stream} F ${pending.parts.join("")}`;
  }
}

const sortedObject = (counts: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const bump = (counts: Map<string, number>, key: string) =>
  counts.set(key, (counts.get(key) ?? 0) + 1);

/** A line that makes `parse` throw is one it could not parse: counting goes on. */
function parseSafely(parse: (line: string) => LogRecord | null, line: string): LogRecord | null {
  try {
    return parse(line);
  } catch {
    return null;
  }
}

export async function summarise(
  lines: Iterable<string> | AsyncIterable<string>,
  parse: (line: string) => LogRecord | null = parseLine,
): Promise<FormatSummary> {
  const totals = { lines: 0, blank: 0, parsed: 0, unparsed: 0 };
  const formats = new Map<string, number>();
  const levels = new Map<string, number>(LEVELS.map((level) => [level, 0]));
  const errors = new Map<string, number>();
  for await (const line of joinPartialLines(lines)) {
    totals.lines++;
    if (line.trim() === "") {
      totals.blank++;
      continue;
    }
    const record = parseSafely(parse, line);
    if (record === null) {
      totals.unparsed++;
      continue;
    }
    totals.parsed++;
    bump(formats, record.format);
    bump(levels, record.level);
    if (record.level === "error" || record.level === "fatal") {
      bump(errors, record.service ?? NO_SERVICE);
    }
  }
  return {
    totals,
    formats: sortedObject(formats),
    levels: Object.fromEntries(levels) as Record<Level, number>,
    errors: sortedObject(errors),
  };
}
