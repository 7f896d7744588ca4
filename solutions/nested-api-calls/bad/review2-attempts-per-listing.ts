// Mistake: "attempts: requests sent for that page" — the attempt counter is declared once per listing, outside the page loop, so a page after a retried page reports the earlier pages' requests too (and a 1-request failure on page 2 shows attempts > 1). (adversarial review, round 2)
/**
 * Nested API calls — the reference.
 *
 * Each level is a listing: GET the first page, follow `next` until it is null. A listing either
 * gives all its items or one `ListingFailure`; nothing is done with a partial listing, which is
 * how "a failed upstream never calls its dependants" holds even when page 2 is the one failing.
 * Retries are p-retry's, limits p-limit's; the page bodies are validated by hand here (the
 * `.lib.ts` variant plugs zod schemas into the same walk through `collect(options, parsers)`).
 */
import pLimit from "p-limit";
import pRetry from "p-retry";

// ---------------------------------------------------------------------------------------------
// Types

export interface User {
  id: number;
  username: string;
}

export interface Detail {
  id: number;
  service: string;
}

export interface Metric {
  name: string;
  value: number;
}

export interface DetailMetrics {
  detail: Detail;
  metrics: Metric[];
}

export interface UserMetrics {
  user: User;
  details: DetailMetrics[];
}

export type ProblemReason =
  | "not-found"
  | "http-status"
  | "network"
  | "invalid-json"
  | "invalid-shape";

export interface Problem {
  level: "user" | "detail";
  id: number;
  url: string;
  outcome: "skipped" | "failed";
  reason: ProblemReason;
  status: number | null;
  attempts: number;
  message: string;
}

export interface Counts {
  fetched: number;
  skipped: number;
  failed: number;
}

export interface MetricsReport {
  users: UserMetrics[];
  problems: Problem[];
  counts: { users: Counts; details: Counts };
}

export interface CollectOptions {
  baseUrl: string;
  detailsConcurrency?: number;
  metricsConcurrency?: number;
  retries?: number;
  retryDelayMs?: number;
}

/** What went wrong with one listing: everything a Problem says except whose listing it was. */
export interface ListingFailure {
  url: string;
  outcome: "skipped" | "failed";
  reason: ProblemReason;
  status: number | null;
  attempts: number;
  message: string;
}

/** The users listing itself could not be read: there is nothing to report on. */
export class FetchError extends Error {
  override name = "FetchError";
  readonly url: string;
  readonly reason: ProblemReason;
  readonly status: number | null;
  readonly attempts: number;

  constructor(failure: ListingFailure) {
    super(`could not list the users: GET ${failure.url}: ${failure.message}`);
    this.url = failure.url;
    this.reason = failure.reason;
    this.status = failure.status;
    this.attempts = failure.attempts;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation: a JSON body is `unknown` until every field has been checked. Each item is rebuilt
// with exactly the fields of its type, so whatever else the API sends stays behind.

export interface Page<T> {
  results: T[];
  next: string | null;
}

/** Either the page, or a message naming the first field that is wrong. */
export type PageParser<T> = (body: unknown) => { page: Page<T> } | { problem: string };

export interface Parsers {
  users: PageParser<User>;
  details: PageParser<Detail>;
  metrics: PageParser<Metric>;
}

/** Thrown inside this module only: turned into `{ problem }` by `pageParser`. */
class ShapeError extends Error {
  constructor(path: string, expected: string, got: unknown) {
    // JSON.stringify(undefined) is undefined: a missing field reads "got undefined".
    super(`${path}: expected ${expected}, got ${String(JSON.stringify(got))}`);
  }
}

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown, path: string): Fields {
  if (!isFields(value)) throw new ShapeError(path, "an object", value);
  return value;
}

function integer(fields: Fields, key: string, path: string): number {
  const value = fields[key];
  // False for anything that is not a number ("7", null, 7.5, NaN), and for an integer beyond
  // 2^53 - 1: JSON.parse has already rounded it, so it no longer names the item it was.
  if (!Number.isSafeInteger(value)) throw new ShapeError(`${path}.${key}`, "an integer", value);
  return value as number;
}

function number(fields: Fields, key: string, path: string): number {
  const value = fields[key];
  // JSON has no Infinity, but JSON.parse turns 1e999 into one: a value no report can carry.
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new ShapeError(`${path}.${key}`, "a finite number", value);
  return value;
}

function string(fields: Fields, key: string, path: string): string {
  const value = fields[key];
  if (typeof value !== "string") throw new ShapeError(`${path}.${key}`, "a string", value);
  return value;
}

function pageParser<T>(readItem: (fields: Fields, path: string) => T): PageParser<T> {
  return (body) => {
    try {
      // The README's order: the body, `results`, each item in turn (its fields in the order of
      // its type), and only then `next`.
      const page = record(body, "(body)");
      const { results, next } = page;
      if (!Array.isArray(results)) throw new ShapeError("results", "an array", results);
      const items = results.map((item, index) => {
        const path = `results[${index}]`;
        return readItem(record(item, path), path);
      });
      if (next !== null && typeof next !== "string")
        throw new ShapeError("next", "a URL or null", next);
      return { page: { results: items, next } };
    } catch (error) {
      if (error instanceof ShapeError) return { problem: error.message };
      throw error;
    }
  };
}

const handWrittenParsers: Parsers = {
  users: pageParser((fields, path) => ({
    id: integer(fields, "id", path),
    username: string(fields, "username", path),
  })),
  details: pageParser((fields, path) => ({
    id: integer(fields, "id", path),
    service: string(fields, "service", path),
  })),
  metrics: pageParser((fields, path) => ({
    name: string(fields, "name", path),
    value: number(fields, "value", path),
  })),
};

// ---------------------------------------------------------------------------------------------
// The walk

interface Settings {
  baseUrl: string;
  detailsConcurrency: number;
  metricsConcurrency: number;
  retries: number;
  retryDelayMs: number;
}

function wholeNumber(name: string, value: number | undefined, fallback: number, min: number) {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < min)
    throw new RangeError(`${name} must be a whole number >= ${min} (got ${String(chosen)})`);
  return chosen;
}

function resolveSettings(options: CollectOptions): Settings {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new TypeError(`baseUrl must be an absolute URL (got ${String(options.baseUrl)})`);
  }
  const retryDelayMs = options.retryDelayMs ?? 100;
  if (!Number.isFinite(retryDelayMs) || retryDelayMs < 0)
    throw new RangeError(`retryDelayMs must be a finite number >= 0 (got ${String(retryDelayMs)})`);
  return {
    // One trailing slash is tolerated: "…/v2/" and "…/v2" name the same API.
    baseUrl: base.href.replace(/\/$/, ""),
    detailsConcurrency: wholeNumber("detailsConcurrency", options.detailsConcurrency, 4, 1),
    metricsConcurrency: wholeNumber("metricsConcurrency", options.metricsConcurrency, 8, 1),
    retries: wholeNumber("retries", options.retries, 3, 0),
    retryDelayMs,
  };
}

/** One page's failure, thrown inside p-retry so that it can decide whether to try again. */
class PageFailure extends Error {
  constructor(
    readonly failure: Omit<ListingFailure, "url" | "attempts">,
    readonly retryable: boolean,
  ) {
    super(failure.message);
  }
}

async function requestPage<T>(
  url: string,
  parse: PageParser<T>,
  read: ReadonlySet<string>,
): Promise<Page<T>> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" } });
  } catch (error) {
    // fetch rejects (a TypeError) only when no HTTP answer came: refused, reset, DNS…
    throw noAnswer(`no response: ${(error as Error).message}`);
  }
  const { status } = response;
  if (!response.ok) {
    // The status says it all: the body of an error page is not read. Cancelling it frees the
    // connection; the promise is not awaited (it need not settle, and msw's never does).
    response.body?.cancel().catch(() => {});
    if (status === 404) {
      const message = "404 Not Found: the item is gone";
      throw new PageFailure({ outcome: "skipped", reason: "not-found", status, message }, false);
    }
    // A 5xx or a 429 may go away on its own; any other status will not.
    const retryable = status >= 500 || status === 429;
    const message = `HTTP ${status}`;
    throw new PageFailure({ outcome: "failed", reason: "http-status", status, message }, retryable);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The connection dropped halfway through the body: no whole answer came, as if none had.
    throw noAnswer(`the body was cut off: ${(error as Error).message}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const message = `the body is not JSON: ${JSON.stringify(text.slice(0, 60))}`;
    throw new PageFailure({ outcome: "skipped", reason: "invalid-json", status, message }, false);
  }
  const parsed = parse(body);
  if ("problem" in parsed) throw invalidShape(parsed.problem, status);
  const given = parsed.page.next;
  const next = resolveNext(given, url);
  if (next === undefined)
    throw invalidShape(`next: expected a URL or null, got ${JSON.stringify(given)}`, status);
  // A `next` back to a page of this listing ("" is the page itself) would loop for ever.
  if (next !== null && read.has(next))
    throw invalidShape(
      `next: ${JSON.stringify(given)} leads back to ${next}, already read`,
      status,
    );
  return { results: parsed.page.results, next };
}

function noAnswer(message: string): PageFailure {
  return new PageFailure({ outcome: "failed", reason: "network", status: null, message }, true);
}

function invalidShape(problem: string, status: number): PageFailure {
  const message = `unexpected shape: ${problem}`;
  return new PageFailure({ outcome: "skipped", reason: "invalid-shape", status, message }, false);
}

/** `next` may be relative ("?page=2"): resolved against the page it came from. */
function resolveNext(next: string | null, pageUrl: string): string | null | undefined {
  if (next === null) return null;
  return URL.canParse(next, pageUrl) ? new URL(next, pageUrl).href : undefined;
}

type Listing<T> = { items: T[] } | { failure: ListingFailure };

/** Every page of one listing, each page retried on its own; the first failure ends it. */
async function listAll<T>(
  firstUrl: string,
  parse: PageParser<T>,
  settings: Settings,
): Promise<Listing<T>> {
  const items: T[] = [];
  const read = new Set<string>();
  let url: string | null = firstUrl;
  let attempts = 0;
  while (url !== null) {
    const pageUrl: string = url;
    read.add(pageUrl);
    let page: Page<T>;
    try {
      page = await pRetry(
        () => {
          attempts += 1;
          return requestPage(pageUrl, parse, read);
        },
        {
          retries: settings.retries,
          minTimeout: settings.retryDelayMs,
          factor: 2,
          randomize: false,
          shouldRetry: ({ error }) => error instanceof PageFailure && error.retryable,
        },
      );
    } catch (error) {
      if (!(error instanceof PageFailure)) throw error;
      return { failure: { ...error.failure, url: pageUrl, attempts } };
    }
    items.push(...page.results);
    url = page.next;
  }
  return { items };
}

function problemOf(level: Problem["level"], id: number, failure: ListingFailure): Problem {
  return { level, id, ...failure };
}

interface UserOutcome {
  fetched?: UserMetrics;
  problems: Problem[];
}

export async function collect(options: CollectOptions, parsers: Parsers): Promise<MetricsReport> {
  const settings = resolveSettings(options);
  const users = await listAll(`${settings.baseUrl}/users/`, parsers.users, settings);
  if ("failure" in users) throw new FetchError(users.failure);

  // One limiter per level, shared by every parent: the limits hold across the whole walk.
  const detailsLimit = pLimit(settings.detailsConcurrency);
  const metricsLimit = pLimit(settings.metricsConcurrency);

  async function metricsOf(detail: Detail): Promise<DetailMetrics | Problem> {
    const url = `${settings.baseUrl}/details/${detail.id}/metrics/`;
    const listing = await metricsLimit(() => listAll(url, parsers.metrics, settings));
    if ("failure" in listing) return problemOf("detail", detail.id, listing.failure);
    return { detail, metrics: listing.items };
  }

  async function walkUser(user: User): Promise<UserOutcome> {
    const url = `${settings.baseUrl}/users/${user.id}/details/`;
    const listing = await detailsLimit(() => listAll(url, parsers.details, settings));
    if ("failure" in listing) return { problems: [problemOf("user", user.id, listing.failure)] };
    // Promise.all keeps the input order whatever order the answers come back in.
    const outcomes = await Promise.all(listing.items.map(metricsOf));
    const details = outcomes.filter((outcome): outcome is DetailMetrics => "detail" in outcome);
    const problems = outcomes.filter((outcome): outcome is Problem => "reason" in outcome);
    return { fetched: { user, details }, problems };
  }

  const outcomes = await Promise.all(users.items.map(walkUser));
  return report(outcomes, users.items.length);
}

function count(problems: Problem[], level: Problem["level"], total: number): Counts {
  const ofLevel = problems.filter((problem) => problem.level === level);
  const skipped = ofLevel.filter((problem) => problem.outcome === "skipped").length;
  const failed = ofLevel.length - skipped;
  return { fetched: total - skipped - failed, skipped, failed };
}

function report(outcomes: UserOutcome[], userCount: number): MetricsReport {
  const users = outcomes.flatMap((outcome) => (outcome.fetched ? [outcome.fetched] : []));
  const problems = outcomes.flatMap((outcome) => outcome.problems);
  const detailCount = users.reduce((sum, user) => sum + user.details.length, 0);
  const detailProblems = problems.filter((problem) => problem.level === "detail").length;
  return {
    users,
    problems,
    counts: {
      users: count(problems, "user", userCount),
      details: count(problems, "detail", detailCount + detailProblems),
    },
  };
}

/**
 * Lists every user, every user's details and every detail's metrics, and reports what was
 * fetched, skipped (404, a body that is not what it should be) and failed (after retries).
 */
export function collectMetrics(options: CollectOptions): Promise<MetricsReport> {
  return collect(options, handWrittenParsers);
}
