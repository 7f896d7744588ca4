/**
 * Log formats — a registry of format detectors for the logs servers really write.
 *
 * Read README.md first: it gives the shape of every format, the field names, the level scale and
 * every rule the spec checks. The types and constants below are given; the functions are yours.
 */

/** The one level scale, from the quietest to the loudest. */
export const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type Level = (typeof LEVELS)[number];

/** The service key in `FormatSummary.errors` for records with no service. */
export const NO_SERVICE = "(none)";

/** What a detector finds in a line it recognises. */
export interface Detected {
  /** `toISOString()` text (UTC, milliseconds), or null when the line has no date. */
  timestamp: string | null;
  level: Level;
  /** The service, logger, module, class or syslog tag; null when the line names none. */
  service: string | null;
  message: string;
  /** The error text of a structured line (`err`, `error`, `error.message`); null otherwise. */
  error: string | null;
}

/** One entry of the registry: a name, and a detector that returns null for a line not its own. */
export interface Format {
  name: string;
  detect: (line: string) => Detected | null;
}

/** One parsed line: what the detector found, which format it was, and the container around it. */
export interface LogRecord extends Detected {
  /** The matching format's name, or `"text"` for a container line whose text matches none. */
  format: string;
  container: "cri" | "docker" | null;
  stream: "stdout" | "stderr" | null;
}

/** A line of a container log with its wrapper taken apart. */
export interface ContainerLine {
  container: "cri" | "docker";
  stream: "stdout" | "stderr";
  /** `toISOString()` text; never null (a wrapper whose time gives no timestamp is no wrapper). */
  timestamp: string;
  partial: boolean;
  text: string;
}

export interface ParseOptions {
  /** Resolves the year of a year-less syslog date; the current time when absent. */
  referenceDate?: Date;
}

export interface FormatSummary {
  /** lines = blank + parsed + unparsed, counted after partial lines are joined. */
  totals: { lines: number; blank: number; parsed: number; unparsed: number };
  /** format name → records, keys sorted. */
  formats: Record<string, number>;
  /** Every level, in the order of LEVELS, zeros included. */
  levels: Record<Level, number>;
  /** service → error and fatal records, keys sorted; NO_SERVICE for a null service. */
  errors: Record<string, number>;
}

// TODO: start here. Suggested order: normaliseLevel, createParser (with your own test detectors),
// then one detector at a time in defaultFormats, unwrapContainerLine, joinPartialLines, summarise.

/** Maps a number (pino's scale) or a level word, in any case, to a Level; null if it is none. */
export function normaliseLevel(_value: unknown): Level | null {
  throw new Error("TODO: implement normaliseLevel()");
}

/** The built-in formats, freshly built, in the order they are tried. */
export function defaultFormats(_options: ParseOptions = {}): Format[] {
  throw new Error("TODO: implement defaultFormats()");
}

/** Takes a CRI or Docker json-file wrapper apart; null when the line has neither. */
export function unwrapContainerLine(_line: string): ContainerLine | null {
  throw new Error("TODO: implement unwrapContainerLine()");
}

/** A parser that unwraps a container line, then tries `formats` in order: the first match wins. */
export function createParser(
  _formats: readonly Format[] = defaultFormats(),
): (line: string) => LogRecord | null {
  throw new Error("TODO: implement createParser()");
}

/** `createParser()` with the default formats. Never throws. */
export function parseLine(_line: string): LogRecord | null {
  throw new Error("TODO: implement parseLine()");
}

/** Joins CRI partial (`P`) lines with the line that completes them; other lines pass through. */
// biome-ignore lint/correctness/useYield: the stub's body only throws; yours will yield.
export async function* joinPartialLines(
  _lines: Iterable<string> | AsyncIterable<string>,
): AsyncGenerator<string> {
  throw new Error("TODO: implement joinPartialLines()");
}

/** Counts the records of `lines` by format, level and (for errors) service. */
export async function summarise(
  _lines: Iterable<string> | AsyncIterable<string>,
  _parse: (line: string) => LogRecord | null = parseLine,
): Promise<FormatSummary> {
  throw new Error("TODO: implement summarise()");
}
