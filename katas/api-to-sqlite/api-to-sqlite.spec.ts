import { delay } from "msw";
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from "sql.js";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { faults } from "../../fixtures/helpers/fake-service";
import {
  GITHUB_ORG,
  GITHUB_TOKEN,
  GITHUB_URL,
  GitHubFake,
  sampleRepo,
} from "../../fixtures/helpers/github";
import { useMockServer } from "../../fixtures/helpers/http";
import {
  COLUMNS,
  ensureSchema,
  parseLinkHeader,
  SCHEMA,
  SyncError,
  type SyncReport,
  syncRepos,
  toRow,
} from "./api-to-sqlite";

const server = useMockServer();
let SQL: SqlJsStatic;
let db: Database;
let github: GitHubFake;

// The WebAssembly is loaded once for the file; every test gets a fresh in-memory database.
beforeAll(async () => {
  SQL = await initSqlJs();
});

const NOW = Date.parse("2026-12-01T06:00:00.000Z");

beforeEach(() => {
  db = new SQL.Database();
  github = new GitHubFake();
  server.use(...github.handlers());
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  db.close();
});

/** The rows a query returns, as objects. */
function query(sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const rows: Record<string, SqlValue>[] = [];
    while (statement.step()) rows.push(statement.getAsObject());
    return rows;
  } finally {
    statement.free();
  }
}
const ids = () => query("SELECT id FROM repos ORDER BY id").map((row) => row.id);
const tableExists = () =>
  query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'repos'").length === 1;

type Extra = Partial<{ url: string; token: string; timeoutMs: number }>;
const options = (extra: Extra = {}) => ({
  url: github.firstPage(100),
  token: GITHUB_TOKEN,
  ...extra,
});

/** Runs a sync to its end on the fake clock. */
async function sync(extra: Extra = {}): Promise<SyncReport> {
  const done = syncRepos(db, options(extra));
  done.catch(() => {});
  await vi.runAllTimersAsync();
  return done;
}
async function failedSync(extra: Extra = {}) {
  const error = await sync(extra).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "the sync was expected to reject").toBeInstanceOf(Error);
  return error as SyncError;
}

/** The row sampleRepo(id) becomes. */
function expectedRow(id: number, overrides: Record<string, SqlValue> = {}) {
  return {
    id,
    owner: "acme",
    name: `service-${id}`,
    private: 1,
    archived: 0,
    default_branch: "main",
    language: "Go",
    stars: 12,
    topics: '["backend","go"]',
    pushed_at: "2026-11-30T17:42:09.000Z",
    updated_at: "2026-11-28T08:15:00.000Z",
    ...overrides,
  };
}

/** Records every insert and update of `repos` from now on, in an `audit` table. */
function auditWrites() {
  db.run("CREATE TABLE audit (op TEXT, id INTEGER)");
  db.run(
    "CREATE TRIGGER audit_insert AFTER INSERT ON repos BEGIN INSERT INTO audit VALUES ('insert', NEW.id); END",
  );
  db.run(
    "CREATE TRIGGER audit_update AFTER UPDATE ON repos BEGIN INSERT INTO audit VALUES ('update', NEW.id); END",
  );
  db.run(
    "CREATE TRIGGER audit_delete AFTER DELETE ON repos BEGIN INSERT INTO audit VALUES ('delete', OLD.id); END",
  );
  return () => query("SELECT op, id FROM audit ORDER BY rowid").map((row) => `${row.op} ${row.id}`);
}

const BASE = `${GITHUB_URL}/orgs/${GITHUB_ORG}/repos?per_page=100`;

describe("step 1 — the Link header", () => {
  it("reads GitHub's four links", () => {
    const header =
      '<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", ' +
      '<https://api.github.com/repositories/1300192/issues?page=4>; rel="next", ' +
      '<https://api.github.com/repositories/1300192/issues?page=515>; rel="last", ' +
      '<https://api.github.com/repositories/1300192/issues?page=1>; rel="first"';
    expect(parseLinkHeader(header, BASE)).toEqual({
      prev: "https://api.github.com/repositories/1300192/issues?page=2",
      next: "https://api.github.com/repositories/1300192/issues?page=4",
      last: "https://api.github.com/repositories/1300192/issues?page=515",
      first: "https://api.github.com/repositories/1300192/issues?page=1",
    });
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["an empty header", ""],
  ])("gives no links for %s", (_what, header) => {
    expect(parseLinkHeader(header, BASE)).toEqual({});
  });

  it("reads a rel given as a token, without quotes", () => {
    expect(parseLinkHeader("<https://a.test/2>; rel=next", BASE)).toEqual({
      next: "https://a.test/2",
    });
  });

  it("compares relation types and parameter names without regard to case", () => {
    expect(parseLinkHeader('<https://a.test/2>; REL="Next"', BASE)).toEqual({
      next: "https://a.test/2",
    });
  });

  it("returns a link under each of the relation types its rel holds", () => {
    expect(parseLinkHeader('<https://a.test/9>; rel="next  last"', BASE)).toEqual({
      next: "https://a.test/9",
      last: "https://a.test/9",
    });
  });

  it("does not split at commas inside the URI", () => {
    const header =
      '<https://a.test/items?ids=1,2&page=2>; rel="next", <https://a.test/items?ids=1,2&page=9>; rel="last"';
    expect(parseLinkHeader(header, BASE)).toEqual({
      next: "https://a.test/items?ids=1,2&page=2",
      last: "https://a.test/items?ids=1,2&page=9",
    });
  });

  it("does not split at commas or semicolons inside a quoted parameter", () => {
    const header = '<https://a.test/2>; title="pages, next; then more"; rel="next"';
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/2" });
  });

  it("reads escaped quotes inside a quoted string, and no rel hidden in it", () => {
    const header = '<https://a.test/2>; title="say \\"hi\\", rel=\\"prev\\""; rel="next"';
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/2" });
  });

  it("ignores empty relation types, and the spaces around them", () => {
    expect(parseLinkHeader('<https://a.test/1>; rel=""', BASE)).toEqual({});
    expect(parseLinkHeader('<https://a.test/2>; rel="  next "', BASE)).toEqual({
      next: "https://a.test/2",
    });
  });

  it("returns relation types that are also names every object has", () => {
    const links = parseLinkHeader(
      '<https://a.test/c>; rel="constructor", <https://a.test/p>; rel="__proto__"',
      BASE,
    );
    expect(Object.keys(links)).toEqual(["constructor", "__proto__"]);
    expect(Object.values(links)).toEqual(["https://a.test/c", "https://a.test/p"]);
  });

  it("lets the first link win whatever the case of its relation type", () => {
    expect(
      parseLinkHeader("<https://a.test/1>; rel=next, <https://a.test/2>; rel=NEXT", BASE),
      "NEXT is next: the first link, a.test/1, wins",
    ).toEqual({ next: "https://a.test/1" });
  });

  it("takes a bare ; rel as the first rel, with an empty value: no link", () => {
    expect(
      parseLinkHeader("<https://a.test/1>; rel; rel=next", BASE),
      "the bare rel is the first rel (empty), so the later rel=next does not count",
    ).toEqual({});
  });

  it("counts only the first rel of a link-value", () => {
    expect(parseLinkHeader('<https://a.test/1>; rel="prev"; rel="next"', BASE)).toEqual({
      prev: "https://a.test/1",
    });
  });

  it("keeps the first link of a relation type", () => {
    const header = '<https://a.test/2>; rel="next", <https://a.test/3>; rel="next"';
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/2" });
  });

  it("resolves relative links against the page's URL", () => {
    expect(parseLinkHeader('</orgs/acme/repos?page=2>; rel="next"', BASE).next).toBe(
      `${GITHUB_URL}/orgs/acme/repos?page=2`,
    );
    expect(parseLinkHeader('<?per_page=100&page=3>; rel="next"', BASE).next).toBe(
      `${GITHUB_URL}/orgs/acme/repos?per_page=100&page=3`,
    );
    expect(parseLinkHeader('<page/4>; rel="next"', BASE).next).toBe(
      `${GITHUB_URL}/orgs/acme/page/4`,
    );
  });

  it("returns the URL as new URL(…).href normalises it", () => {
    expect(parseLinkHeader('<HTTPS://API.Example.TEST:443/a b>; rel="next"', BASE).next).toBe(
      "https://api.example.test/a%20b",
    );
  });

  it("skips an empty URI reference <>, and reads on", () => {
    expect(parseLinkHeader('<>; rel="next", <https://a.test/9>; rel="last"', BASE)).toEqual({
      last: "https://a.test/9",
    });
  });

  it("separates relation types by spaces only: a tab is part of the type", () => {
    expect(parseLinkHeader('<https://a.test/2>; rel="next\tlast"', BASE)).toEqual({
      "next\tlast": "https://a.test/2",
    });
  });

  it("allows spaces and tabs around ;, , and =, and none at all", () => {
    expect(
      parseLinkHeader('<https://a.test/2>;rel="next",<https://a.test/9>;rel=last', BASE),
    ).toEqual({
      next: "https://a.test/2",
      last: "https://a.test/9",
    });
    expect(parseLinkHeader('  <https://a.test/2> \t;\t rel \t= \t"next" \t, ', BASE)).toEqual({
      next: "https://a.test/2",
    });
  });

  it("ends a token value at a space, so an unquoted rel=next last is skipped", () => {
    const header = '<https://a.test/9>; rel=next last, <https://a.test/1>; rel="prev"';
    expect(parseLinkHeader(header, BASE), 'quote it to list two types: rel="next last"').toEqual({
      prev: "https://a.test/1",
    });
  });

  it("ignores empty list elements: stray, leading and trailing commas", () => {
    const header = ', <https://a.test/2>; rel=next,, \t,<https://a.test/9>; rel="last",';
    expect(parseLinkHeader(header, BASE)).toEqual({
      next: "https://a.test/2",
      last: "https://a.test/9",
    });
  });

  it("ignores parameters without a value and parameters other than rel", () => {
    const header = '<https://a.test/2>; crossorigin; type="application/json"; rel="next"';
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/2" });
  });

  it("skips a link-value that does not start with <…> and reads the rest", () => {
    expect(
      parseLinkHeader('https://a.test/1; rel="prev", <https://a.test/2>; rel="next"', BASE),
    ).toEqual({
      next: "https://a.test/2",
    });
  });

  it("skips up to the next comma outside quotes and <…>", () => {
    const header =
      'junk "a, <https://evil.test/>; rel=next" <https://evil.test/,x>, <https://a.test/2>; rel="next"';
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/2" });
  });

  it("skips past a whole quoted string, even one that hides a link", () => {
    const header = 'junk "x, <https://evil.test/q>; rel=next, y", <https://a.test/2>; rel="next"';
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/2" });
  });

  it("skips past a whole <…>, even one that hides a link", () => {
    const header =
      "junk <https://evil.test/?a=1, <https://evil.test/b>; rel=next, x>, <https://a.test/2>; rel=next";
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/2" });
  });

  it("takes a quote inside <…> as part of the URI", () => {
    const header = 'junk <a"> , <https://a.test/2>; rel=next, "b, <https://a.test/3>; rel="prev"';
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/2" });
  });

  it("gives up on junk with a < that is never closed", () => {
    expect(parseLinkHeader("junk <never closed, <https://a.test/2", BASE)).toEqual({});
  });

  it("skips a link with something other than a parameter after the URI", () => {
    const header = '<https://a.test/1> rel="prev", <https://a.test/2>; rel="next"';
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/2" });
    const hidden = '<https://a.test/1> title; rel="prev", <https://a.test/2>; rel="next"';
    expect(parseLinkHeader(hidden, BASE)).toEqual({ next: "https://a.test/2" });
  });

  it("skips a link with a parameter that has no name", () => {
    const header = '<https://a.test/1>; ="x"; rel="prev", <https://a.test/2>; rel="next"';
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/2" });
  });

  it("reads a parameter without a value, or with an empty one, as empty", () => {
    const header =
      '<https://a.test/1>; rel, <https://a.test/2>; rel=, <https://a.test/3>; rel="next"';
    expect(parseLinkHeader(header, BASE)).toEqual({ next: "https://a.test/3" });
  });

  it("reads a quoted string left open to the end, a final backslash as itself", () => {
    expect(parseLinkHeader('<https://a.test/2>; rel="next', BASE)).toEqual({
      next: "https://a.test/2",
    });
    expect(parseLinkHeader('<https://a.test/2>; rel="next\\', BASE)).toEqual({
      "next\\": "https://a.test/2",
    });
  });

  it("skips links without a rel, or whose URI cannot be resolved", () => {
    const header =
      '<https://a.test/1>; title="first", <http://[::1>; rel="prev", <https://a.test/2>; rel="next"';
    expect(parseLinkHeader(header, BASE)).toStrictEqual({ next: "https://a.test/2" });
  });

  it("gives nothing for a URI that is never closed", () => {
    expect(parseLinkHeader('<https://a.test/2; rel="next"', BASE)).toEqual({});
  });
});

describe("step 2 — one record, one row", () => {
  it("reshapes a repository into a row, and keeps nothing else", () => {
    expect(toRow(sampleRepo(7))).toEqual({ ok: true, row: expectedRow(7) });
  });

  it("stores the flags as 1 and 0", () => {
    const parsed = toRow(sampleRepo(7, { private: false, archived: true }));
    expect(parsed).toMatchObject({ ok: true, row: { private: 0, archived: 1 } });
  });

  it("stores the topics without duplicates, sorted, as JSON", () => {
    const parsed = toRow(sampleRepo(7, { topics: ["go", "ci", "go", "Backend"] }));
    expect(parsed).toMatchObject({ ok: true, row: { topics: '["Backend","ci","go"]' } });
  });

  it("sorts the topics by UTF-16 code units, not by locale", () => {
    const parsed = toRow(
      sampleRepo(7, { topics: ["terraform", "Go", "ci", "CI", "go", "zeta", "élan"] }),
    );
    expect(parsed, "capitals before lower case, é after z: what .sort() gives").toMatchObject({
      ok: true,
      row: { topics: '["CI","Go","ci","go","terraform","zeta","élan"]' },
    });
  });

  it.each([
    ["missing", undefined, "[]"],
    ["null", null, "[]"],
    ["empty", [], "[]"],
  ])("stores topics that are %s as []", (_what, topics, stored) => {
    expect(toRow(sampleRepo(7, { topics }))).toMatchObject({ ok: true, row: { topics: stored } });
  });

  it.each([
    ["null", null],
    ["missing", undefined],
  ])("stores a language that is %s as NULL, and pushed_at too", (_what, value) => {
    expect(toRow(sampleRepo(7, { language: value, pushed_at: value }))).toMatchObject({
      ok: true,
      row: { language: null, pushed_at: null },
    });
  });

  it.each([
    ["2024-02-29T12:00:00Z", "2024-02-29T12:00:00.000Z"],
    ["2026-11-30T19:42:09+02:00", "2026-11-30T17:42:09.000Z"],
    ["2026-11-30T12:12:09-05:30", "2026-11-30T17:42:09.000Z"],
    ["2026-11-30T17:42:09.25Z", "2026-11-30T17:42:09.250Z"],
    ["2026-12-31T23:59:59.999Z", "2026-12-31T23:59:59.999Z"],
    ["2026-12-01T23:59:00+23:59", "2026-12-01T00:00:00.000Z"],
    ["2026-12-01T00:00:00-01:59", "2026-12-01T01:59:00.000Z"],
    ["0099-12-31T23:59:59Z", "0099-12-31T23:59:59.000Z"],
    ["2000-02-29T00:00:00Z", "2000-02-29T00:00:00.000Z"],
    ["2024-01-01T22:00:00-05:00", "2024-01-02T03:00:00.000Z"],
    ["2024-01-02T01:00:00+02:00", "2024-01-01T23:00:00.000Z"],
    ["2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00.000Z"],
    ["2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00.000Z"],
    ["2026-11-30T17:42:09.123999Z", "2026-11-30T17:42:09.123Z"],
    ["2026-11-30T17:42:09.9999+01:00", "2026-11-30T16:42:09.999Z"],
  ])("stores the timestamp %s as %s", (value, stored) => {
    expect(toRow(sampleRepo(7, { updated_at: value, pushed_at: value }))).toMatchObject({
      ok: true,
      row: { updated_at: stored, pushed_at: stored },
    });
  });

  it.each([
    ["missing", undefined],
    ["zero", 0],
    ["negative", -3],
    ["a fraction", 1.5],
    ["a string", "7"],
    ["NaN", Number.NaN],
    ["beyond a safe integer", 2 ** 53],
  ])("refuses an id that is %s, with id null", (_what, id) => {
    expect(toRow(sampleRepo(7, { id }))).toEqual({
      ok: false,
      id: null,
      errors: ["id: must be a positive integer"],
    });
  });

  it.each([
    ["missing", undefined],
    ["without a slash", "acme"],
    ["without a name", "acme/"],
    ["without an owner", "/service"],
    ["with two slashes", "acme/team/service"],
    ["empty", ""],
    ["a number", 42],
    ["an array", ["acme/service-7"]],
  ])("refuses a full_name that is %s", (_what, fullName) => {
    expect(toRow(sampleRepo(7, { full_name: fullName }))).toEqual({
      ok: false,
      id: 7,
      errors: ['full_name: must be "owner/name"'],
    });
  });

  it.each(["private", "archived"])("refuses a %s flag that is not a boolean", (flag) => {
    for (const value of ["true", 1, null, undefined]) {
      expect(toRow(sampleRepo(7, { [flag]: value }))).toEqual({
        ok: false,
        id: 7,
        errors: [`${flag}: must be true or false`],
      });
    }
  });

  it.each([
    ["empty", ""],
    ["missing", undefined],
    ["a number", 7],
  ])("refuses a default_branch that is %s", (_what, branch) => {
    expect(toRow(sampleRepo(7, { default_branch: branch }))).toMatchObject({
      ok: false,
      errors: ["default_branch: must be a non-empty string"],
    });
  });

  it.each([
    ["a number", 42],
    ["an array", ["Go"]],
  ])("refuses a language that is %s", (_what, language) => {
    expect(toRow(sampleRepo(7, { language }))).toMatchObject({
      ok: false,
      errors: ["language: must be a string or null"],
    });
  });

  it.each([
    ["negative", -1],
    ["a fraction", 1.5],
    ["a string", "12"],
    ["missing", undefined],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["beyond a safe integer (2 ** 53)", 2 ** 53],
    ["beyond a safe integer (1e21)", 1e21],
  ])("refuses a stargazers_count that is %s", (_what, stars) => {
    expect(toRow(sampleRepo(7, { stargazers_count: stars }))).toMatchObject({
      ok: false,
      errors: ["stargazers_count: must be a non-negative integer"],
    });
  });

  it("takes a default_branch of spaces as it is: it is not empty", () => {
    expect(toRow(sampleRepo(7, { default_branch: " " }))).toMatchObject({
      ok: true,
      row: { default_branch: " " },
    });
  });

  it("keeps an empty language as an empty string", () => {
    expect(toRow(sampleRepo(7, { language: "" }))).toMatchObject({
      ok: true,
      row: { language: "" },
    });
  });

  it("accepts zero stars", () => {
    expect(toRow(sampleRepo(7, { stargazers_count: 0 }))).toMatchObject({
      ok: true,
      row: { stars: 0 },
    });
  });

  it("refuses an empty string for pushed_at and topics: only language keeps it", () => {
    expect(toRow(sampleRepo(7, { pushed_at: "" })), '"" is not missing: refused').toEqual({
      ok: false,
      id: 7,
      errors: ["pushed_at: must be an ISO 8601 timestamp or null"],
    });
    expect(toRow(sampleRepo(7, { topics: "" })), '"" is not missing: refused').toEqual({
      ok: false,
      id: 7,
      errors: ["topics: must be an array of strings"],
    });
  });

  it.each([
    ["a string", "go"],
    ["an array with a number", ["go", 1]],
    ["an object", { go: true }],
  ])("refuses topics that are %s", (_what, topics) => {
    expect(toRow(sampleRepo(7, { topics }))).toMatchObject({
      ok: false,
      errors: ["topics: must be an array of strings"],
    });
  });

  it.each([
    ["a word", "yesterday"],
    ["a day that does not exist", "2024-02-30T00:00:00Z"],
    ["February 29th of a common year", "2023-02-29T00:00:00Z"],
    ["February 29th of 1900, not a leap year", "1900-02-29T00:00:00Z"],
    ["February 29th of 2100, not a leap year", "2100-02-29T12:00:00+02:00"],
    ["April 31st", "2024-04-31T00:00:00Z"],
    ["a fraction point without digits", "2024-01-02T03:04:05.Z"],
    ["month 13", "2024-13-01T00:00:00Z"],
    ["month 0", "2024-00-10T00:00:00Z"],
    ["day 0", "2024-01-00T00:00:00Z"],
    ["hour 24", "2024-01-02T24:00:00Z"],
    ["minute 60", "2024-01-02T03:60:00Z"],
    ["second 60", "2024-01-02T03:04:60Z"],
    ["no zone", "2024-01-02T03:04:05"],
    ["a date alone", "2024-01-02"],
    ["a space for the T", "2024-01-02 03:04:05Z"],
    ["lower-case t and z", "2024-01-02t03:04:05z"],
    ["an offset without a colon", "2024-01-02T03:04:05+0200"],
    ["an offset of 24 hours", "2024-01-02T03:04:05+24:00"],
    ["an offset of 60 minutes", "2024-01-02T03:04:05+01:60"],
    ["epoch seconds", 1_700_000_000],
  ])("refuses a timestamp that is %s", (_what, value) => {
    expect(toRow(sampleRepo(7, { updated_at: value }))).toEqual({
      ok: false,
      id: 7,
      errors: ["updated_at: must be an ISO 8601 timestamp"],
    });
    expect(toRow(sampleRepo(7, { pushed_at: value }))).toEqual({
      ok: false,
      id: 7,
      errors: ["pushed_at: must be an ISO 8601 timestamp or null"],
    });
  });

  it.each([
    ["missing", undefined],
    ["null", null],
  ])("refuses an updated_at that is %s", (_what, value) => {
    expect(toRow(sampleRepo(7, { updated_at: value }))).toMatchObject({
      ok: false,
      errors: ["updated_at: must be an ISO 8601 timestamp"],
    });
  });

  it("lists every problem, in the documented order", () => {
    const broken = {
      updated_at: "soon",
      pushed_at: 5,
      topics: "x",
      stargazers_count: -1,
      language: 3,
      default_branch: "",
      archived: "no",
      private: "yes",
      full_name: "acme",
      id: 0,
    };
    expect(toRow(broken)).toEqual({
      ok: false,
      id: null,
      errors: [
        "id: must be a positive integer",
        'full_name: must be "owner/name"',
        "private: must be true or false",
        "archived: must be true or false",
        "default_branch: must be a non-empty string",
        "language: must be a string or null",
        "stargazers_count: must be a non-negative integer",
        "topics: must be an array of strings",
        "pushed_at: must be an ISO 8601 timestamp or null",
        "updated_at: must be an ISO 8601 timestamp",
      ],
    });
  });

  it("keeps the id of a bad record when the id itself is good", () => {
    expect(toRow(sampleRepo(42, { archived: "no", stargazers_count: "many" }))).toEqual({
      ok: false,
      id: 42,
      errors: [
        "archived: must be true or false",
        "stargazers_count: must be a non-negative integer",
      ],
    });
  });

  it.each([
    ["null", null],
    ["an array", [sampleRepo(7)]],
    ["a string", "acme/service-7"],
    ["a number", 7],
    ["a boolean", true],
  ])("refuses a record that is %s", (_what, raw) => {
    expect(toRow(raw)).toEqual({ ok: false, id: null, errors: ["record: must be an object"] });
  });
});

describe("step 3 — the schema and one page", () => {
  it("creates the repos table with the documented columns", () => {
    ensureSchema(db);
    const columns = query("PRAGMA table_info(repos)").map((c) => [c.name, c.type, c.notnull, c.pk]);
    expect(columns).toEqual([
      ["id", "INTEGER", 0, 1],
      ["owner", "TEXT", 1, 0],
      ["name", "TEXT", 1, 0],
      ["private", "INTEGER", 1, 0],
      ["archived", "INTEGER", 1, 0],
      ["default_branch", "TEXT", 1, 0],
      ["language", "TEXT", 0, 0],
      ["stars", "INTEGER", 1, 0],
      ["topics", "TEXT", 1, 0],
      ["pushed_at", "TEXT", 0, 0],
      ["updated_at", "TEXT", 1, 0],
    ]);
    expect(COLUMNS).toEqual(columns.map(([name]) => name));
  });

  it("leaves an existing table, its rows and its extra columns as they are", () => {
    db.run("CREATE TABLE repos (id INTEGER PRIMARY KEY, owner TEXT, notes TEXT)");
    db.run("INSERT INTO repos (id, owner, notes) VALUES (1, 'acme', 'keep me')");
    ensureSchema(db);
    ensureSchema(db);
    expect(query("SELECT * FROM repos")).toEqual([{ id: 1, owner: "acme", notes: "keep me" }]);
  });

  it("stores one page, creating the table itself", async () => {
    github.repos = [sampleRepo(2, { language: null, pushed_at: null }), sampleRepo(1)];
    const report = await sync();
    expect(report).toEqual({
      pages: 1,
      fetched: 2,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      rejected: [],
    });
    expect(query("SELECT * FROM repos ORDER BY id")).toEqual([
      expectedRow(1),
      expectedRow(2, { language: null, pushed_at: null }),
    ]);
  });

  it("stores integers, text and NULL as SQLite types, not strings", async () => {
    github.repos = [sampleRepo(1, { language: null })];
    await sync();
    expect(
      query(
        "SELECT typeof(id) AS id, typeof(private) AS private, typeof(stars) AS stars, typeof(language) AS language, typeof(topics) AS topics FROM repos",
      ),
    ).toEqual([
      { id: "integer", private: "integer", stars: "integer", language: "null", topics: "text" },
    ]);
  });

  it("sends the token and GitHub's headers", async () => {
    await sync();
    const [request] = github.service.requests;
    expect(request?.url.href).toBe(github.firstPage(100));
    expect(request?.method).toBe("GET");
    expect(request?.headers.get("Authorization")).toBe(`Bearer ${GITHUB_TOKEN}`);
    expect(request?.headers.get("Accept")).toBe("application/vnd.github+json");
    expect(request?.headers.get("X-GitHub-Api-Version")).toBe("2022-11-28");
  });

  it("stores nothing, and says so, for an empty list", async () => {
    const report = await sync();
    expect(report).toEqual({
      pages: 1,
      fetched: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      rejected: [],
    });
    expect(tableExists()).toBe(true);
    expect(ids()).toEqual([]);
  });

  it("fills the sync's columns of an existing table and leaves the others alone", async () => {
    db.run(SCHEMA);
    db.run("ALTER TABLE repos ADD COLUMN notes TEXT DEFAULT 'unreviewed'");
    github.repos = [sampleRepo(1)];
    await sync();
    expect(query("SELECT id, stars, notes FROM repos")).toEqual([
      { id: 1, stars: 12, notes: "unreviewed" },
    ]);
  });

  it("names the first page by its URL as new URL(url).href writes it", async () => {
    const error = await failedSync({
      url: "HTTPS://API.GitHub.TEST:443/orgs/acme/repos?per_page=100",
      token: "ghp_expired",
    });
    expect(error.message).toBe(
      "GET https://api.github.test/orgs/acme/repos?per_page=100 failed: 401 Bad credentials",
    );
    expect(error.url).toBe("https://api.github.test/orgs/acme/repos?per_page=100");
  });

  it("rejects wrong credentials with a SyncError and stores nothing", async () => {
    github.repos = [sampleRepo(1)];
    const error = await failedSync({ token: "ghp_expired" });
    expect(error).toBeInstanceOf(SyncError);
    expect(error.name).toBe("SyncError");
    expect(error.message).toBe(`GET ${github.firstPage(100)} failed: 401 Bad credentials`);
    expect(error.status).toBe(401);
    expect(ids()).toEqual([]);
  });
});

/** A Link header that only says next (to page + 1) while page < last. */
const nextOnly =
  (style: (url: string) => string = (url) => `<${url}>; rel="next"`) =>
  ({ page, last, pageUrl }: { page: number; last: number; pageUrl: (n: number) => string }) =>
    page < last ? style(pageUrl(page + 1)) : null;

describe("step 4 — every page", () => {
  it("follows next to the last page", async () => {
    github.repos = [1, 2, 3, 4, 5].map((id) => sampleRepo(id));
    const report = await sync({ url: github.firstPage(2) });
    expect(report).toMatchObject({ pages: 3, fetched: 5, inserted: 5 });
    expect(ids()).toEqual([1, 2, 3, 4, 5]);
    expect(github.service.requests.map((request) => request.url.search)).toEqual([
      "?per_page=2",
      "?per_page=2&page=2",
      "?per_page=2&page=3",
    ]);
  });

  it("goes on after short and empty pages that still have a next link", async () => {
    github.pages = [[sampleRepo(1), sampleRepo(2)], [], [sampleRepo(3)], [sampleRepo(4)]];
    github.link = nextOnly();
    const report = await sync({ url: github.firstPage(2) });
    expect(report).toMatchObject({ pages: 4, fetched: 4, inserted: 4 });
    expect(ids()).toEqual([1, 2, 3, 4]);
  });

  it("stops at the page without a next link, whatever else it links to", async () => {
    github.pages = [[sampleRepo(1)], [sampleRepo(2)], [sampleRepo(3)]];
    github.link = ({ page, pageUrl }) =>
      page === 1
        ? `<${pageUrl(3)}>; rel="last", <${pageUrl(2)}>; REL="Next"`
        : `<${pageUrl(1)}>; rel="first", <${pageUrl(3)}>; rel="last"`;
    const report = await sync({ url: github.firstPage(1) });
    expect(report.pages).toBe(2);
    expect(ids()).toEqual([1, 2]);
  });

  it("follows relative next links", async () => {
    github.pages = [[sampleRepo(1)], [sampleRepo(2)], [sampleRepo(3)]];
    github.link = nextOnly((url) => {
      const { pathname, search } = new URL(url);
      return `<${pathname}${search}>; rel="next"`;
    });
    await sync({ url: github.firstPage(1) });
    expect(ids()).toEqual([1, 2, 3]);
  });

  it("refuses a pagination loop after storing the page that loops", async () => {
    github.pages = [[sampleRepo(1)], [sampleRepo(2)]];
    github.link = ({ pageUrl }) => `<${pageUrl(2)}>; rel="next"`;
    const error = await failedSync({ url: github.firstPage(1) });
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toBe(
      `pagination loops back to ${GITHUB_URL}/orgs/acme/repos?per_page=1&page=2`,
    );
    expect(error.url).toBe(`${GITHUB_URL}/orgs/acme/repos?per_page=1&page=2`);
    expect(error.report).toMatchObject({ pages: 2, fetched: 2, inserted: 2 });
    expect(ids()).toEqual([1, 2]);
    expect(github.service.requests).toHaveLength(2);
  });

  it.each([
    ["the first page", 0],
    ["the second page", 2],
  ])("refuses a loop back to %s, not only to the page itself", async (_what, target) => {
    github.pages = [[sampleRepo(1)], [sampleRepo(2)], [sampleRepo(3)]];
    const first = github.firstPage(1);
    // Page 3 links back; after a few turns the fake stops linking, so a missed loop ends too.
    github.link = ({ page, pageUrl }) => {
      if (github.service.requests.length > 6) return null;
      if (page < 3) return `<${pageUrl(page + 1)}>; rel="next"`;
      return `<${target === 0 ? first : pageUrl(target)}>; rel="next"`;
    };
    const loopsTo = target === 0 ? first : `${GITHUB_URL}/orgs/acme/repos?per_page=1&page=2`;
    const error = await failedSync({ url: first });
    expect(error.message).toBe(`pagination loops back to ${loopsTo}`);
    expect(error.report).toMatchObject({ pages: 3, inserted: 3 });
    expect(github.service.requests, "the page already fetched is not requested again").toHaveLength(
      3,
    );
  });

  it("knows the first page by new URL(options.url).href, however options.url was spelt", async () => {
    github.pages = [[sampleRepo(1)], [sampleRepo(2)]];
    const first = github.firstPage(1);
    const spelt = first.replace("https://api.github.test", "HTTPS://API.GitHub.TEST:443");
    expect(spelt, "the test's own premise").not.toBe(first);
    github.link = ({ page, pageUrl }) => {
      if (github.service.requests.length > 4) return null;
      return page === 1 ? `<${pageUrl(2)}>; rel="next"` : `<${first}>; rel="next"`;
    };
    const error = await failedSync({ url: spelt });
    expect(error.message, "page 2 links back to the first page").toBe(
      `pagination loops back to ${first}`,
    );
    expect(github.service.requests, "the first page is not requested again").toHaveLength(2);
  });

  it("names the first page with its #fragment, as new URL(options.url).href has it", async () => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      () => new Response("<html>502</html>", { status: 502, statusText: "Bad Gateway" }),
    );
    const error = await failedSync({ url: `${github.firstPage(100)}#top` });
    expect(error.message).toBe(`GET ${github.firstPage(100)}#top failed: 502 Bad Gateway`);
    expect(error.url).toBe(`${github.firstPage(100)}#top`);
  });

  it("takes a link that differs only by its #fragment for the same page", async () => {
    github.pages = [[sampleRepo(1)], [sampleRepo(2)]];
    const second = `${GITHUB_URL}/orgs/acme/repos?per_page=1&page=2`;
    github.link = ({ page }) =>
      github.service.requests.length > 4 ? null : `<${second}#from-${page}>; rel="next"`;
    const error = await failedSync({ url: github.firstPage(1) });
    const again = `${second}#from-2`;
    expect(error.message).toBe(`pagination loops back to ${again}`);
    expect(error.url).toBe(again);
    expect(github.service.requests, "the fragment is never sent: it is the same page").toHaveLength(
      2,
    );
  });

  it.each([
    ["another host", "https://evil.test/orgs/acme/repos?page=2"],
    ["another scheme", "http://api.github.test/orgs/acme/repos?page=2"],
    ["another port", "https://api.github.test:8443/orgs/acme/repos?page=2"],
  ])("never follows a next link to %s, where the token would go", async (_what, link) => {
    github.repos = [sampleRepo(1)];
    github.link = () => `<${link}>; rel="next"`;
    const error = await failedSync();
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toBe(`next link leaves https://api.github.test: ${link}`);
    expect(error.url).toBe(link);
    expect(error.report).toMatchObject({ pages: 1, fetched: 1, inserted: 1 });
    expect(ids(), "the page carrying the link is stored").toEqual([1]);
    expect(github.service.requests).toHaveLength(1);
  });
});

describe("step 5 — idempotent", () => {
  beforeEach(() => {
    github.repos = [1, 2, 3, 4, 5].map((id) => sampleRepo(id));
  });

  it("inserts nothing and updates nothing on a second run", async () => {
    await sync({ url: github.firstPage(2) });
    const writes = auditWrites();
    const report = await sync({ url: github.firstPage(2) });
    expect(report).toEqual({
      pages: 3,
      fetched: 5,
      inserted: 0,
      updated: 0,
      unchanged: 5,
      rejected: [],
    });
    expect(writes(), "no row may be written (not even with the same values)").toEqual([]);
  });

  it("updates only the rows whose values changed", async () => {
    await sync({ url: github.firstPage(2) });
    const writes = auditWrites();
    github.repos = [
      sampleRepo(1),
      sampleRepo(2, { stargazers_count: 13 }),
      sampleRepo(3, { topics: ["go", "backend", "go"] }), // same topics, another order
      sampleRepo(4, { language: "Rust" }),
      sampleRepo(5, { pushed_at: "2026-11-30T19:42:09+02:00" }), // the same instant
    ];
    const report = await sync({ url: github.firstPage(2) });
    expect(report).toMatchObject({ inserted: 0, updated: 2, unchanged: 3 });
    expect(writes()).toEqual(["update 2", "update 4"]);
    expect(query("SELECT id, stars, language FROM repos WHERE id IN (2, 4) ORDER BY id")).toEqual([
      { id: 2, stars: 13, language: "Go" },
      { id: 4, stars: 12, language: "Rust" },
    ]);
  });

  it.each([
    ["owner and name", { full_name: "platform/renamed" }, { owner: "platform", name: "renamed" }],
    ["private", { private: false }, { private: 0 }],
    ["archived", { archived: true }, { archived: 1 }],
    ["default_branch", { default_branch: "trunk" }, { default_branch: "trunk" }],
    ["language", { language: null }, { language: null }],
    ["topics", { topics: ["backend"] }, { topics: '["backend"]' }],
    ["pushed_at", { pushed_at: null }, { pushed_at: null }],
    [
      "updated_at",
      { updated_at: "2026-12-01T05:00:00Z" },
      { updated_at: "2026-12-01T05:00:00.000Z" },
    ],
  ])("sees a change of %s", async (_what, change, stored) => {
    github.repos = [sampleRepo(1)];
    await sync();
    github.repos = [sampleRepo(1, change)];
    const report = await sync();
    expect(report).toMatchObject({ updated: 1, unchanged: 0 });
    expect(query("SELECT * FROM repos")).toEqual([expectedRow(1, stored)]);
  });

  it("keeps the columns people added when it updates a row", async () => {
    await sync();
    db.run("ALTER TABLE repos ADD COLUMN notes TEXT");
    db.run("UPDATE repos SET notes = 'owned by team-payments' WHERE id = 3");
    github.repos = [1, 2, 3, 4, 5].map((id) => sampleRepo(id, { stargazers_count: 99 }));
    await sync();
    expect(query("SELECT stars, notes FROM repos WHERE id = 3")).toEqual([
      { stars: 99, notes: "owned by team-payments" },
    ]);
  });

  it("never deletes a row whose repository is gone from the list", async () => {
    await sync();
    github.repos = [sampleRepo(1), sampleRepo(2)];
    const writes = auditWrites();
    const report = await sync();
    expect(report).toMatchObject({ fetched: 2, unchanged: 2 });
    expect(ids()).toEqual([1, 2, 3, 4, 5]);
    expect(writes()).toEqual([]);
  });

  it("inserts a repository seen twice in one run once, the later values winning", async () => {
    github.pages = [
      [sampleRepo(1), sampleRepo(2)],
      [sampleRepo(2, { stargazers_count: 20 }), sampleRepo(3)],
    ];
    github.link = nextOnly();
    const writes = auditWrites_afterSchema();
    const report = await sync({ url: github.firstPage(2) });
    expect(report).toMatchObject({ fetched: 4, inserted: 3, updated: 1, unchanged: 0 });
    expect(query("SELECT stars FROM repos WHERE id = 2")).toEqual([{ stars: 20 }]);
    expect(writes()).toEqual(["insert 1", "insert 2", "update 2", "insert 3"]);
  });

  it("counts an identical second copy in the same page as unchanged", async () => {
    github.repos = [sampleRepo(1), sampleRepo(2), sampleRepo(1)];
    const writes = auditWrites_afterSchema();
    const report = await sync();
    expect(report).toMatchObject({ fetched: 3, inserted: 2, updated: 0, unchanged: 1 });
    expect(writes(), "the copy is compared with the row the first one wrote").toEqual([
      "insert 1",
      "insert 2",
    ]);
  });

  it("compares a second copy with the row as the first copy left it, not as it was", async () => {
    github.repos = [sampleRepo(1)];
    await sync();
    github.repos = [sampleRepo(1, { stargazers_count: 20 }), sampleRepo(1)];
    const writes = auditWrites();
    const report = await sync();
    expect(report, "12 → 20 is an update, and 20 → 12 is another").toMatchObject({
      updated: 2,
      unchanged: 0,
    });
    expect(writes()).toEqual(["update 1", "update 1"]);
    expect(query("SELECT stars FROM repos")).toEqual([{ stars: 12 }]);
  });
});

/** The audit triggers on a table the spec creates first. */
function auditWrites_afterSchema() {
  db.run(SCHEMA);
  return auditWrites();
}

describe("step 6 — bad records", () => {
  it("reports a bad record and stores the good ones around it", async () => {
    github.repos = [sampleRepo(1), sampleRepo(2, { stargazers_count: "lots" }), sampleRepo(3)];
    const report = await sync();
    expect(report).toEqual({
      pages: 1,
      fetched: 3,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      rejected: [
        { page: 1, index: 1, id: 2, errors: ["stargazers_count: must be a non-negative integer"] },
      ],
    });
    expect(ids()).toEqual([1, 3]);
  });

  it("counts pages from 1 and indexes from 0 within each page", async () => {
    github.repos = [
      sampleRepo(1),
      sampleRepo(2),
      { ...sampleRepo(3), full_name: "acme" },
      null,
      sampleRepo(5),
    ];
    const report = await sync({ url: github.firstPage(2) });
    expect(report.rejected).toEqual([
      { page: 2, index: 0, id: 3, errors: ['full_name: must be "owner/name"'] },
      { page: 2, index: 1, id: null, errors: ["record: must be an object"] },
    ]);
    expect(report).toMatchObject({ pages: 3, fetched: 5, inserted: 3 });
  });

  it("leaves the stored row alone when the same repository comes back bad", async () => {
    github.repos = [sampleRepo(7)];
    await sync();
    github.repos = [sampleRepo(7, { stargazers_count: -5, default_branch: "" })];
    const writes = auditWrites();
    const report = await sync();
    expect(report).toMatchObject({ inserted: 0, updated: 0, unchanged: 0 });
    expect(report.rejected).toHaveLength(1);
    expect(query("SELECT * FROM repos")).toEqual([expectedRow(7)]);
    expect(writes()).toEqual([]);
  });

  it("counts a page whose records are all bad, and stores nothing from it", async () => {
    github.repos = [{ id: "x" }, { id: 2 }];
    const report = await sync();
    expect(report).toMatchObject({ pages: 1, fetched: 2, inserted: 0 });
    expect(report.rejected.map((r) => r.index)).toEqual([0, 1]);
    expect(ids()).toEqual([]);
  });
});

describe("step 7 — failing half-way", () => {
  const page = (n: number, perPage = 2) =>
    `${GITHUB_URL}/orgs/acme/repos?per_page=${perPage}${n === 1 ? "" : `&page=${n}`}`;

  beforeEach(() => {
    github.repos = [1, 2, 3, 4, 5].map((id) => sampleRepo(id));
  });

  it("keeps the pages stored before an HTTP error, and says what failed", async () => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      faults.none(),
      () =>
        new Response("<html>502 Bad Gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    );
    const error = await failedSync({ url: page(1) });
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toBe(`GET ${page(2)} failed: 502 Bad Gateway`);
    expect(error).toMatchObject({ url: page(2), status: 502 });
    expect(error.report).toEqual({
      pages: 1,
      fetched: 2,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      rejected: [],
    });
    expect(ids()).toEqual([1, 2]);
  });

  it("uses the message of a JSON error body", async () => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      faults.status(500, {
        message: "Server Error",
        documentation_url: "https://docs.github.com/rest",
      }),
    );
    const error = await failedSync({ url: page(1) });
    expect(error.message).toBe(`GET ${page(1)} failed: 500 Server Error`);
    expect(error.report).toMatchObject({ pages: 0, inserted: 0 });
  });

  it.each([403, 429])(
    "recognises GitHub's rate limit in a %d and says when it ends",
    async (status) => {
      const reset = Math.floor(NOW / 1000) + 754;
      github.service.failNext(
        "GET",
        "/orgs/acme/repos",
        faults.none(),
        faults.status(
          status,
          {
            message: "API rate limit exceeded for user ID 1.",
            documentation_url: "https://docs.github.com/rest",
          },
          { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
        ),
      );
      const error = await failedSync({ url: page(1) });
      expect(error.message).toBe(
        `GET ${page(2)} failed: ${status} rate limited until 2026-12-01T06:12:34.000Z`,
      );
      expect(error.retryAt).toEqual(new Date(reset * 1000));
      expect(error.status).toBe(status);
      expect(ids()).toEqual([1, 2]);
    },
  );

  it("calls it a rate limit only when x-ratelimit-remaining is exactly 0", async () => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      faults.status(
        403,
        { message: "API rate limit exceeded" },
        { "x-ratelimit-remaining": "00", "x-ratelimit-reset": "1796112000" },
      ),
    );
    const error = await failedSync({ url: page(1) });
    expect(error.message, "00 is not 0: an ordinary 403").toBe(
      `GET ${page(1)} failed: 403 API rate limit exceeded`,
    );
    expect(error.retryAt).toBeUndefined();
  });

  it.each(["0.0", ""])(
    "calls it a rate limit only when x-ratelimit-remaining is exactly 0, not %j",
    async (remaining) => {
      github.service.failNext(
        "GET",
        "/orgs/acme/repos",
        faults.status(
          403,
          { message: "API rate limit exceeded" },
          { "x-ratelimit-remaining": remaining, "x-ratelimit-reset": "1796112000" },
        ),
      );
      const error = await failedSync({ url: page(1) });
      expect(error.message, `${JSON.stringify(remaining)} is not 0: an ordinary 403`).toBe(
        `GET ${page(1)} failed: 403 API rate limit exceeded`,
      );
      expect(error.retryAt).toBeUndefined();
    },
  );

  it("does not call every 403 a rate limit", async () => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      faults.status(
        403,
        { message: "Resource not accessible by integration" },
        { "x-ratelimit-remaining": "4999", "x-ratelimit-reset": "1796112000" },
      ),
      faults.status(403, { message: "Must have admin rights" }, { "x-ratelimit-remaining": "0" }),
    );
    const first = await failedSync({ url: page(1) });
    expect(first.message).toBe(`GET ${page(1)} failed: 403 Resource not accessible by integration`);
    expect(first.retryAt).toBeUndefined();
    const second = await failedSync({ url: page(1) });
    expect(second.message).toBe(`GET ${page(1)} failed: 403 Must have admin rights`);
    expect(second.retryAt).toBeUndefined();
  });

  it("calls only a 403 or a 429 a rate limit", async () => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      faults.status(
        500,
        { message: "Server Error" },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1796112000" },
      ),
    );
    const error = await failedSync();
    expect(error.message).toBe(`GET ${github.firstPage(100)} failed: 500 Server Error`);
    expect(error.retryAt).toBeUndefined();
  });

  it.each([
    ["a word", "soon"],
    ["empty", ""],
    ["a fraction", "1796112000.5"],
    ["hexadecimal", "0x6B0E5B80"],
    ["negative", "-1"],
  ])("does not take a reset that is %s for a rate limit", async (_what, reset) => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      faults.status(
        429,
        { message: "Too many requests" },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      ),
    );
    const error = await failedSync();
    expect(error.message).toBe(`GET ${github.firstPage(100)} failed: 429 Too many requests`);
    expect(error.retryAt).toBeUndefined();
  });

  it("takes a reset up to the last second a Date can hold (8640000000000) for a rate limit", async () => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      faults.status(
        429,
        { message: "Too many requests" },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "8640000000000" },
      ),
    );
    const error = await failedSync();
    expect(error.message).toBe(
      `GET ${github.firstPage(100)} failed: 429 rate limited until +275760-09-13T00:00:00.000Z`,
    );
    expect(error.retryAt?.getTime()).toBe(8_640_000_000_000_000);
  });

  it.each([
    ["one second past a Date's range", "8640000000001"],
    ["far past a Date's range", "99999999999999"],
    ["too long for a number", `1${"0".repeat(400)}`],
  ])(
    "does not take a reset %s for a rate limit: an ordinary 429, still a SyncError",
    async (_what, reset) => {
      github.service.failNext(
        "GET",
        "/orgs/acme/repos",
        faults.none(),
        faults.status(
          429,
          { message: "Too many requests" },
          { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
        ),
      );
      const error = await failedSync({ url: page(1) });
      expect(
        error,
        "a reset no Date can hold is no rate limit: a SyncError, not a RangeError",
      ).toBeInstanceOf(SyncError);
      expect(error.message).toBe(`GET ${page(2)} failed: 429 Too many requests`);
      expect(error.retryAt).toBeUndefined();
      expect(error.status).toBe(429);
      expect(error.report, "the report counts the page stored before").toMatchObject({
        pages: 1,
      });
      expect(ids()).toEqual([1, 2]);
    },
  );

  it.each([
    ["empty", ""],
    ["a number", 42],
    ["null", null],
    ["an object", { text: "Server Error" }],
  ])("uses the status text when the body's message is %s", async (_what, message) => {
    github.service.failNext("GET", "/orgs/acme/repos", () =>
      Response.json({ message }, { status: 500, statusText: "Internal Server Error" }),
    );
    const error = await failedSync();
    expect(error.message).toBe(`GET ${github.firstPage(100)} failed: 500 Internal Server Error`);
  });

  it.each([
    ["only a space", " ", " "],
    ["padded with spaces", "  Server Error ", "  Server Error "],
  ])(
    "uses the body's message as it is, untrimmed, when it is %s",
    async (_what, message, shown) => {
      github.service.failNext("GET", "/orgs/acme/repos", () =>
        Response.json({ message }, { status: 502, statusText: "Bad Gateway" }),
      );
      const error = await failedSync();
      expect(error.message, "a non-empty message is used as it is, spaces and all").toBe(
        `GET ${github.firstPage(100)} failed: 502 ${shown}`,
      );
    },
  );

  it("gives the status alone when there is neither a message nor a status text", async () => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      () => new Response("<html>502</html>", { status: 502, statusText: "" }),
    );
    const error = await failedSync();
    expect(error.message, "no trailing space").toBe(`GET ${github.firstPage(100)} failed: 502`);
    expect(error.status).toBe(502);
  });

  it("uses the status text for a JSON error body without a message", async () => {
    github.service.failNext("GET", "/orgs/acme/repos", () =>
      Response.json(
        { documentation_url: "https://docs.github.com/rest" },
        {
          status: 503,
          statusText: "Service Unavailable",
        },
      ),
    );
    const error = await failedSync();
    expect(error.message).toBe(`GET ${github.firstPage(100)} failed: 503 Service Unavailable`);
  });

  it("leaves no timer running once it has settled, stored or failed", async () => {
    github.repos = [1, 2, 3, 4, 5].map((id) => sampleRepo(id));
    await syncRepos(db, options({ url: page(1) }));
    expect(vi.getTimerCount(), "after a run that stored everything").toBe(0);
    github.service.failNext("GET", "/orgs/acme/repos", faults.none(), faults.status(502, {}));
    await syncRepos(db, options({ url: page(1) })).catch(() => {});
    expect(vi.getTimerCount(), "after a failed page").toBe(0);
    github.service.failNext("GET", "/orgs/acme/repos", () => new Response("{}"));
    await syncRepos(db, options({ url: page(1) })).catch(() => {});
    expect(vi.getTimerCount(), "after a bad body").toBe(0);
    github.service.failNext("GET", "/orgs/acme/repos", faults.none(), faults.networkError());
    const dropped = await syncRepos(db, options({ url: page(1) })).catch(
      (caught: unknown) => caught,
    );
    expect(dropped, "the connection drops on page 2").toBeInstanceOf(SyncError);
    expect(vi.getTimerCount(), "after a connection that dropped").toBe(0);
  });

  it("gives up on a page that does not answer within timeoutMs", async () => {
    github.service.failNext("GET", "/orgs/acme/repos", faults.none(), faults.hang());
    const done = syncRepos(db, options({ url: page(1), timeoutMs: 5000 }));
    let settled = false;
    done.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled, "still waiting at 4999 ms").toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await done.catch((caught: unknown) => caught as SyncError);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).message).toBe(`GET ${page(2)} timed out after 5000 ms`);
    expect((error as SyncError).report).toMatchObject({ pages: 1, inserted: 2 });
    expect(ids()).toEqual([1, 2]);
  });

  it("gives each page its own timeoutMs, not the whole run", async () => {
    const slow = async () => {
      await delay(2500);
      return undefined; // then the fake answers
    };
    github.service.failNext("GET", "/orgs/acme/repos", slow, slow, slow);
    const done = syncRepos(db, options({ url: page(1), timeoutMs: 3000 }));
    done.catch(() => {});
    for (let turn = 0; turn < 3; turn++) await vi.advanceTimersByTimeAsync(2500);
    const report = await done;
    expect(report, "three pages of 2.5 s each, each within 3 s").toMatchObject({
      pages: 3,
      inserted: 5,
    });
  });

  it("waits 10 seconds by default", async () => {
    github.service.failNext("GET", "/orgs/acme/repos", faults.hang());
    const done = syncRepos(db, options());
    done.catch(() => {});
    await vi.advanceTimersByTimeAsync(9999);
    expect(vi.getTimerCount(), "the timeout is still pending").toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).rejects.toThrow(`GET ${github.firstPage(100)} timed out after 10000 ms`);
  });

  it("counts the body in the timeout", async () => {
    // Headers at once, then a body that stalls (as a real fetch does, aborting errors the body).
    github.service.failNext("GET", "/orgs/acme/repos", faults.stalledBody('[{"id": 1,'));
    const done = syncRepos(db, options({ timeoutMs: 3000 }));
    done.catch(() => {});
    await vi.advanceTimersByTimeAsync(3000);
    await expect(done).rejects.toThrow(`GET ${github.firstPage(100)} timed out after 3000 ms`);
  });

  it("reports a connection that drops", async () => {
    github.service.failNext("GET", "/orgs/acme/repos", faults.networkError());
    const error = await failedSync();
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toMatch(
      new RegExp(`^GET ${github.firstPage(100).replace(/[?.]/g, "\\$&")} failed: .+`),
    );
    expect(error.status).toBeUndefined();
  });

  it.each([
    ["not JSON", "<html>Service Unavailable</html>"],
    ["a JSON object", '{"repositories": []}'],
    ["JSON null", "null"],
  ])("refuses a body that is %s", async (_what, body) => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      faults.none(),
      () => new Response(body, { status: 200 }),
    );
    const error = await failedSync({ url: page(1) });
    expect(error.message).toBe(`GET ${page(2)}: the body is not a JSON array`);
    expect(error.status).toBeUndefined();
    expect(ids()).toEqual([1, 2]);
  });

  it("rolls the whole page back when a write fails half-way through it", async () => {
    db.run(SCHEMA);
    db.run(
      "CREATE TRIGGER full_disk BEFORE INSERT ON repos WHEN NEW.id = 4 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    );
    const error = await failedSync({ url: page(1) });
    expect(error).toBeInstanceOf(SyncError);
    expect(error.message).toBe(`GET ${page(2)}: storing page 2 failed: database or disk is full`);
    expect(error.url).toBe(page(2));
    expect(ids(), "row 3 was written before row 4 failed: the rollback removes it").toEqual([1, 2]);
    expect(error.report).toEqual({
      pages: 1,
      fetched: 2,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      rejected: [],
    });
  });

  it("gives the storing SyncError when SQLite has already rolled the page back itself", async () => {
    db.run(SCHEMA);
    db.run(
      "CREATE TRIGGER gone BEFORE INSERT ON repos WHEN NEW.id = 4 BEGIN SELECT RAISE(ROLLBACK, 'disk I/O error'); END",
    );
    const error = await failedSync({ url: page(1) });
    expect(error, "the failed ROLLBACK must not replace the SyncError").toBeInstanceOf(SyncError);
    expect(error.message).toBe(`GET ${page(2)}: storing page 2 failed: disk I/O error`);
    expect(error.url).toBe(page(2));
    expect(ids()).toEqual([1, 2]);
    expect(error.report).toMatchObject({ pages: 1, inserted: 2 });
  });

  it("rolls back updates too, and does not report the failed page's bad records", async () => {
    await sync({ url: page(1) });
    github.repos = [
      sampleRepo(1, { stargazers_count: 50 }),
      { ...sampleRepo(2), private: "yes" },
      sampleRepo(3, { stargazers_count: 50 }),
    ];
    db.run(
      "CREATE TRIGGER locked BEFORE UPDATE ON repos WHEN NEW.id = 3 BEGIN SELECT RAISE(ABORT, 'row is locked'); END",
    );
    const error = await failedSync({ url: page(1, 5) });
    expect(error.message).toBe(`GET ${page(1, 5)}: storing page 1 failed: row is locked`);
    expect(query("SELECT stars FROM repos WHERE id IN (1, 3) ORDER BY id")).toEqual([
      { stars: 12 },
      { stars: 12 },
    ]);
    expect(error.report).toEqual({
      pages: 0,
      fetched: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      rejected: [],
    });
  });

  it("finishes the job on the next run, re-writing nothing already stored", async () => {
    github.service.failNext(
      "GET",
      "/orgs/acme/repos",
      faults.none(),
      faults.none(),
      faults.status(502, { message: "Bad Gateway" }),
    );
    await failedSync({ url: page(1) });
    expect(ids()).toEqual([1, 2, 3, 4]);
    const writes = auditWrites();
    const report = await sync({ url: page(1) });
    expect(report).toMatchObject({ pages: 3, inserted: 1, unchanged: 4, updated: 0 });
    expect(writes()).toEqual(["insert 5"]);
  });

  it("takes a timeoutMs given as undefined for the default", async () => {
    github.service.failNext("GET", "/orgs/acme/repos", faults.hang());
    const done = syncRepos(db, options({ timeoutMs: undefined }));
    done.catch(() => {});
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(done).rejects.toThrow(`GET ${github.firstPage(100)} timed out after 10000 ms`);
  });

  it.each([0, -1, -0, Number.NaN, Number.POSITIVE_INFINITY, null, "5000"])(
    "refuses timeoutMs = %j before doing anything",
    async (timeoutMs) => {
      const error = await syncRepos(db, options({ timeoutMs: timeoutMs as number })).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toContain("timeoutMs");
      expect(github.service.requests).toHaveLength(0);
      expect(tableExists(), "not even the schema").toBe(false);
    },
  );

  it.each(["not a url", "/orgs/acme/repos", ""])(
    "refuses the url %j before doing anything",
    async (url) => {
      const error = await syncRepos(db, options({ url })).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain("url");
      expect(github.service.requests).toHaveLength(0);
      expect(tableExists()).toBe(false);
    },
  );

  it("checks timeoutMs before url: with both wrong, the RangeError", async () => {
    const error = await syncRepos(db, options({ timeoutMs: 0, url: "not a url" })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toContain("timeoutMs");
  });

  it("rejects the promise for a bad option, never throwing at the call", async () => {
    let done: Promise<SyncReport> | undefined;
    expect(() => {
      done = syncRepos(db, options({ url: "not a url" }));
    }, "syncRepos is async: it returns a promise that rejects").not.toThrow();
    await expect(done).rejects.toBeInstanceOf(TypeError);
  });
});
