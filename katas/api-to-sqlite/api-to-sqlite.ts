/**
 * Paginated API to SQLite — your file. Read README.md first: it states every behaviour the spec
 * checks. Run the spec with `npm run kata -- run api-to-sqlite`.
 *
 * The types, the schema, the column list and the error class are written for you.
 */
import type { Database } from "sql.js";

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

// TODO: start here. Suggested order: parseLinkHeader, toRow, ensureSchema, syncRepos.

/**
 * The links of a `Link` header by relation type (lower case), resolved against `baseUrl`.
 * The first link of a relation type wins; link-values that cannot be read are skipped.
 */
export function parseLinkHeader(
  _header: string | null | undefined,
  _baseUrl: string,
): Record<string, string> {
  throw new Error("TODO: implement parseLinkHeader()");
}

/** Checks one record of a page and reshapes it into a row; every problem is listed. */
export function toRow(_raw: unknown): ParsedRecord {
  throw new Error("TODO: implement toRow()");
}

/** Creates the `repos` table unless it exists (an existing one is used as it is). */
export function ensureSchema(_db: Database): void {
  throw new Error("TODO: implement ensureSchema()");
}

/** Reads every page and stores it, one transaction per page. */
export async function syncRepos(_db: Database, _options: SyncOptions): Promise<SyncReport> {
  throw new Error("TODO: implement syncRepos()");
}
