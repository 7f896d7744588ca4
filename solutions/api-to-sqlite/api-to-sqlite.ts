/**
 * Paginated API to SQLite — the reference solution.
 *
 * One run reads a GitHub-style repository list page by page (the `Link` header's rel="next"),
 * checks and reshapes every record, and upserts each page into SQLite inside one transaction:
 * a page is stored whole or not at all. Rows are compared before they are written, so a second
 * run inserts nothing and updates only the rows whose values changed.
 */
import type { Database, SqlValue } from "sql.js";

// ---------------------------------------------------------------------------------------------
// Types and the schema
// ---------------------------------------------------------------------------------------------

/** One row of the `repos` table. */
export interface RepoRow {
  id: number;
  owner: string;
  name: string;
  private: 0 | 1;
  archived: 0 | 1;
  default_branch: string;
  language: string | null;
  stars: number;
  /** A JSON array of the topics, sorted, without duplicates: `["ci","go"]`. */
  topics: string;
  pushed_at: string | null;
  updated_at: string;
}

export type ParsedRecord =
  | { ok: true; row: RepoRow }
  | { ok: false; id: number | null; errors: string[] };

export interface RejectedRecord {
  page: number;
  index: number;
  id: number | null;
  errors: string[];
}

export interface SyncReport {
  pages: number;
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: RejectedRecord[];
}

export interface SyncOptions {
  /** The first page, e.g. https://api.github.com/orgs/acme/repos?per_page=100 */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** How long one page may take, response body included (default 10 000 ms). */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export const SCHEMA = `CREATE TABLE IF NOT EXISTS repos (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  name TEXT NOT NULL,
  private INTEGER NOT NULL,
  archived INTEGER NOT NULL,
  default_branch TEXT NOT NULL,
  language TEXT,
  stars INTEGER NOT NULL,
  topics TEXT NOT NULL,
  pushed_at TEXT,
  updated_at TEXT NOT NULL
)`;

/** The columns the sync owns, in table order. Any other column is left untouched. */
export const COLUMNS = [
  "id",
  "owner",
  "name",
  "private",
  "archived",
  "default_branch",
  "language",
  "stars",
  "topics",
  "pushed_at",
  "updated_at",
] as const satisfies readonly (keyof RepoRow)[];

/** Why a run stopped. `report` counts what was committed before. */
export class SyncError extends Error {
  override readonly name = "SyncError";
  report: SyncReport = emptyReport();
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    readonly retryAt?: Date,
  ) {
    super(message);
  }
}

const emptyReport = (): SyncReport => ({
  pages: 0,
  fetched: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  rejected: [],
});

// ---------------------------------------------------------------------------------------------
// Step 1: the Link header (RFC 8288)
// ---------------------------------------------------------------------------------------------

/**
 * The links of a `Link` header by relation type (lower case), resolved against `baseUrl`.
 * The first link of a relation type wins; link-values that cannot be read are skipped.
 */
export function parseLinkHeader(
  header: string | null | undefined,
  baseUrl: string,
): Record<string, string> {
  if (!header) return {};
  const links = new Map<string, string>();
  const text = header;
  let at = 0;
  while (at < text.length) {
    const value = readLinkValue(text, at);
    at = value.end;
    if (!value.target || value.rel === undefined) continue;
    let url: string;
    try {
      url = new URL(value.target, baseUrl).href;
    } catch {
      continue;
    }
    for (const rel of value.rel.split(" ")) {
      const type = rel.toLowerCase();
      if (type !== "" && !links.has(type)) links.set(type, url);
    }
  }
  return Object.fromEntries(links);
}

interface LinkValue {
  target?: string;
  rel?: string;
  /** Where the next link-value starts. */
  end: number;
}

/** Reads one link-value from `start`: `<target>` then `; name=value` parameters, up to a comma. */
function readLinkValue(text: string, start: number): LinkValue {
  let at = skipSpace(text, start);
  if (text[at] !== "<") return { end: skipPast(text, at) };
  const close = text.indexOf(">", at);
  if (close < 0) return { end: text.length };
  const result: LinkValue = { target: text.slice(at + 1, close), end: text.length };
  at = close + 1;
  for (;;) {
    at = skipSpace(text, at);
    if (at >= text.length) return result;
    if (text[at] === ",") return { ...result, end: at + 1 };
    if (text[at] !== ";") return { end: skipPast(text, at) };
    at = skipSpace(text, at + 1);
    const name = tokenAt(text, at);
    if (name === "") return { end: skipPast(text, at) }; // `; =x` is not a parameter
    at = skipSpace(text, at + name.length);
    let paramValue = "";
    if (text[at] === "=") {
      at = skipSpace(text, at + 1);
      if (text[at] === '"') {
        const quoted = readQuoted(text, at);
        paramValue = quoted.value;
        at = quoted.end;
      } else {
        const token = tokenAt(text, at);
        paramValue = token;
        at += token.length;
      }
    }
    // Only the first rel of a link-value counts (RFC 8288, section 3.3).
    if (name.toLowerCase() === "rel" && result.rel === undefined) result.rel = paramValue;
  }
}

/** RFC 9110's token characters; sticky, so it matches at `lastIndex` or not at all. */
const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/** The token that starts at `at`, or "" when none does. */
function tokenAt(text: string, at: number): string {
  TOKEN.lastIndex = at;
  return TOKEN.exec(text)?.[0] ?? "";
}

/** A quoted-string from the opening quote at `start`: backslash escapes one character. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = "";
  let at = start + 1;
  while (at < text.length && text[at] !== '"') {
    if (text[at] === "\\" && at + 1 < text.length) at++;
    value += text[at];
    at++;
  }
  return { value, end: at + 1 };
}

const skipSpace = (text: string, at: number) => {
  while (text[at] === " " || text[at] === "\t") at++;
  return at;
};

/** Past the next comma that is not inside <…> or a quoted string. */
function skipPast(text: string, start: number): number {
  let at = start;
  while (at < text.length && text[at] !== ",") {
    if (text[at] === '"') at = readQuoted(text, at).end;
    else if (text[at] === "<") {
      const close = text.indexOf(">", at);
      at = close < 0 ? text.length : close + 1;
    } else at++;
  }
  return at + 1;
}

// ---------------------------------------------------------------------------------------------
// Step 2: one record becomes one row
// ---------------------------------------------------------------------------------------------

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/** An ISO 8601 timestamp with a zone, on a day and time that exist, as toISOString() gives it. */
function normaliseTimestamp(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = TIMESTAMP.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  // Date rolls 2024-02-30 over to March 1st and 24:00 to the next day without a word: build the
  // date from its fields and check that it prints back the same.
  const check = new Date(0);
  check.setUTCFullYear(year as number, (month as number) - 1, day);
  check.setUTCHours(hour as number, minute, second);
  if (check.toISOString().slice(0, 19) !== value.slice(0, 19)) return undefined;
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  return new Date(value).toISOString();
}

/** Checks one record of a page and reshapes it into a row; every problem is listed. */
export function toRow(raw: unknown): ParsedRecord {
  if (!isObject(raw)) return { ok: false, id: null, errors: ["record: must be an object"] };
  const errors: string[] = [];

  const id = raw.id;
  const validId = Number.isSafeInteger(id) && (id as number) > 0;
  if (!validId) errors.push("id: must be a positive integer");

  const fullName =
    typeof raw.full_name === "string" ? /^([^/]+)\/([^/]+)$/.exec(raw.full_name) : null;
  if (!fullName) errors.push('full_name: must be "owner/name"');
  for (const flag of ["private", "archived"] as const) {
    if (typeof raw[flag] !== "boolean") errors.push(`${flag}: must be true or false`);
  }
  if (typeof raw.default_branch !== "string" || raw.default_branch === "") {
    errors.push("default_branch: must be a non-empty string");
  }
  const language = raw.language ?? null;
  if (language !== null && typeof language !== "string") {
    errors.push("language: must be a string or null");
  }
  const stars = raw.stargazers_count;
  if (!Number.isSafeInteger(stars) || (stars as number) < 0) {
    errors.push("stargazers_count: must be a non-negative integer");
  }
  const topics = raw.topics ?? [];
  if (!Array.isArray(topics) || !topics.every((topic) => typeof topic === "string")) {
    errors.push("topics: must be an array of strings");
  }
  const pushedAt = raw.pushed_at ?? null;
  const pushed = pushedAt === null ? null : normaliseTimestamp(pushedAt);
  if (pushed === undefined) errors.push("pushed_at: must be an ISO 8601 timestamp or null");
  const updated = normaliseTimestamp(raw.updated_at);
  if (updated === undefined) errors.push("updated_at: must be an ISO 8601 timestamp");

  if (errors.length > 0) return { ok: false, id: validId ? (id as number) : null, errors };
  return {
    ok: true,
    row: {
      id: id as number,
      owner: (fullName as RegExpExecArray)[1] as string,
      name: (fullName as RegExpExecArray)[2] as string,
      private: raw.private ? 1 : 0,
      archived: raw.archived ? 1 : 0,
      default_branch: raw.default_branch as string,
      language: language as string | null,
      stars: stars as number,
      // Sorted and unique: the same topics in another order are not a change.
      topics: JSON.stringify([...new Set(topics as string[])].sort()),
      pushed_at: pushed as string | null,
      updated_at: updated as string,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Step 3: the schema and the upsert
// ---------------------------------------------------------------------------------------------

/** Creates the `repos` table unless it exists (an existing one is used as it is). */
export function ensureSchema(db: Database): void {
  db.run(SCHEMA);
}

type Outcome = "inserted" | "updated" | "unchanged";

const SELECT_ROW = `SELECT ${COLUMNS.join(", ")} FROM repos WHERE id = ?`;
const INSERT_ROW = `INSERT INTO repos (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`;
const UPDATE_ROW = `UPDATE repos SET ${COLUMNS.slice(1)
  .map((column) => `${column} = ?`)
  .join(", ")} WHERE id = ?`;

/** Writes one row only if it is new or different; says which it was. */
function upsert(db: Database, row: RepoRow): Outcome {
  const values = COLUMNS.map((column) => row[column] as SqlValue);
  const statement = db.prepare(SELECT_ROW);
  let stored: SqlValue[] | undefined;
  try {
    statement.bind([row.id]);
    stored = statement.step() ? statement.get() : undefined;
  } finally {
    statement.free(); // sql.js statements hold WASM memory until freed
  }
  if (stored === undefined) {
    db.run(INSERT_ROW, values);
    return "inserted";
  }
  if (stored.every((value, index) => value === values[index])) return "unchanged";
  // Only the columns the sync owns: a column someone added (notes, owner team) is kept.
  db.run(UPDATE_ROW, [...values.slice(1), row.id]);
  return "updated";
}

// ---------------------------------------------------------------------------------------------
// Steps 4–7: pages, idempotence, bad records, failures
// ---------------------------------------------------------------------------------------------

interface Page {
  records: unknown[];
  next: string | undefined;
}

/** Reads every page and stores it, one transaction per page. */
export async function syncRepos(db: Database, options: SyncOptions): Promise<SyncReport> {
  // Only a missing timeoutMs means the default: null is a mistake, not "nothing given".
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : options.timeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`timeoutMs must be a finite number above 0, got ${timeoutMs}`);
  }
  let first: URL;
  try {
    first = new URL(options.url);
  } catch {
    throw new TypeError(`url must be an absolute URL, got ${JSON.stringify(options.url)}`);
  }
  ensureSchema(db);

  const report = emptyReport();
  const seen = new Set<string>();
  let url: string | undefined = first.href;
  try {
    while (url !== undefined) {
      seen.add(withoutFragment(url));
      const page = await fetchPage(url, options.token, timeoutMs);
      storePage(db, url, report.pages + 1, page.records, report);
      url = page.next;
      if (url !== undefined) {
        // The token goes with every request: never follow a link to another host.
        if (new URL(url).origin !== first.origin) {
          throw new SyncError(`next link leaves ${first.origin}: ${url}`, url);
        }
        if (seen.has(withoutFragment(url)))
          throw new SyncError(`pagination loops back to ${url}`, url);
      }
    }
    return report;
  } catch (error) {
    if (error instanceof SyncError) error.report = report;
    throw error;
  }
}

/** The page a URL names: the fragment is never sent, so `?page=2#top` is the page `?page=2`. */
function withoutFragment(url: string): string {
  const page = new URL(url);
  page.hash = "";
  return page.href;
}

async function fetchPage(url: string, token: string, timeoutMs: number): Promise<Page> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        headers: {
          Accept: "application/vnd.github+json",
          Authorization: `Bearer ${token}`,
          "X-GitHub-Api-Version": "2022-11-28",
        },
        signal: controller.signal,
      });
      text = await response.text(); // the timeout covers the body too
    } catch (error) {
      if (controller.signal.aborted) {
        throw new SyncError(`GET ${url} timed out after ${timeoutMs} ms`, url);
      }
      throw new SyncError(`GET ${url} failed: ${(error as Error).message}`, url);
    }
    if (!response.ok) throw httpFailure(url, response, text);
    let records: unknown;
    try {
      records = JSON.parse(text);
    } catch {
      records = undefined;
    }
    if (!Array.isArray(records)) {
      throw new SyncError(`GET ${url}: the body is not a JSON array`, url);
    }
    return { records, next: parseLinkHeader(response.headers.get("Link"), url).next };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The time an `x-ratelimit-reset` names, or undefined when it names none: epoch seconds, digits
 * only (Number() would read "" as 0, 1970, and "0x10" as 16), and a time a Date can hold — past
 * 8.64e15 ms (year 275760) the Date is invalid and toISOString() would throw a bare RangeError.
 */
function resetTime(reset: string | null): Date | undefined {
  if (reset === null || !/^\d+$/.test(reset)) return undefined;
  const time = new Date(Number(reset) * 1000);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/** A failed page. GitHub says "rate limited" with 403 or 429 and no requests remaining. */
function httpFailure(url: string, response: Response, text: string): SyncError {
  let message = response.statusText;
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === "string" && body.message !== "") message = body.message;
  } catch {
    // not JSON: keep the status text
  }
  const { status, headers } = response;
  const retryAt = resetTime(headers.get("x-ratelimit-reset"));
  if (
    (status === 403 || status === 429) &&
    headers.get("x-ratelimit-remaining") === "0" &&
    retryAt !== undefined
  ) {
    return new SyncError(
      `GET ${url} failed: ${status} rate limited until ${retryAt.toISOString()}`,
      url,
      status,
      retryAt,
    );
  }
  // HTTP/2 has no reason phrase: with no message and no status text, the status alone.
  const detail = message === "" ? "" : ` ${message}`;
  return new SyncError(`GET ${url} failed: ${status}${detail}`, url, status);
}

/** One transaction: every good record of the page, or none of them. */
function storePage(
  db: Database,
  url: string,
  pageNumber: number,
  records: unknown[],
  report: SyncReport,
) {
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  const rejected: RejectedRecord[] = [];
  db.run("BEGIN");
  try {
    records.forEach((raw, index) => {
      const parsed = toRow(raw);
      if (!parsed.ok) {
        rejected.push({ page: pageNumber, index, id: parsed.id, errors: parsed.errors });
        return;
      }
      counts[upsert(db, parsed.row)]++;
    });
    db.run("COMMIT");
  } catch (error) {
    try {
      db.run("ROLLBACK");
    } catch {
      // Some failures (RAISE(ROLLBACK), a full disk) have already rolled the transaction back.
    }
    throw new SyncError(
      `GET ${url}: storing page ${pageNumber} failed: ${(error as Error).message}`,
      url,
    );
  }
  // Counted only once committed: the report never claims rows a rollback took back.
  report.pages++;
  report.fetched += records.length;
  report.inserted += counts.inserted;
  report.updated += counts.updated;
  report.unchanged += counts.unchanged;
  report.rejected.push(...rejected);
}
