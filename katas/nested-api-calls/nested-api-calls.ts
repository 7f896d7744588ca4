/**
 * Nested API calls — your file. Read README.md first: it states every behaviour the spec checks.
 * Run the spec with `npm run kata -- run nested-api-calls`.
 *
 * The types are done; `collectMetrics` and the `FetchError` constructor are yours. p-retry and
 * p-limit are installed if you want them: `import pRetry from "p-retry"`, `import pLimit from
 * "p-limit"`.
 */

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
  /** In the API's order. */
  metrics: Metric[];
}

export interface UserMetrics {
  user: User;
  /** The details whose metrics listing succeeded, in the API's order. */
  details: DetailMetrics[];
}

export type ProblemReason =
  | "not-found"
  | "http-status"
  | "network"
  | "invalid-json"
  | "invalid-shape";

export interface Problem {
  /** Whose listing of children did not succeed: a user's details, or a detail's metrics. */
  level: "user" | "detail";
  /** That user's or detail's id. */
  id: number;
  /** The URL of the page that ended the listing. */
  url: string;
  outcome: "skipped" | "failed";
  reason: ProblemReason;
  /** The HTTP status of the last request's answer; null when the last request got none (network). */
  status: number | null;
  /** Requests sent for that page: 1 when it was not retried. */
  attempts: number;
  /** One line for humans, never empty; for "invalid-shape" it names the wrong field. */
  message: string;
}

export interface Counts {
  fetched: number;
  skipped: number;
  failed: number;
}

export interface MetricsReport {
  /** The users whose details listing succeeded, in the API's order. */
  users: UserMetrics[];
  /** In the order of the items they concern. */
  problems: Problem[];
  counts: { users: Counts; details: Counts };
}

export interface CollectOptions {
  /** The API's root, e.g. "https://portal.example.test/api/v2" (one trailing "/" is dropped). */
  baseUrl: string;
  /** Details listings in progress at once, across all users. Default 4. */
  detailsConcurrency?: number;
  /** Metrics listings in progress at once, across all details. Default 8. */
  metricsConcurrency?: number;
  /** Extra attempts for a page that answered 429, 5xx or nothing. Default 3. */
  retries?: number;
  /** The wait before the first retry of a page, doubling after. Default 100 ms. */
  retryDelayMs?: number;
}

/** What `collectMetrics` rejects with when the users listing itself does not succeed. */
export class FetchError extends Error {
  override name = "FetchError";
  readonly url: string;
  readonly reason: ProblemReason;
  readonly status: number | null;
  readonly attempts: number;

  constructor(failure: {
    url: string;
    reason: ProblemReason;
    status: number | null;
    attempts: number;
    message: string;
  }) {
    // TODO: give super() a one-line message that contains failure.url (the four fields below are
    // already copied for you), then delete the throw at the end of this constructor.
    super("TODO: implement FetchError");
    this.url = failure.url;
    this.reason = failure.reason;
    this.status = failure.status;
    this.attempts = failure.attempts;
    throw new Error("TODO: implement FetchError");
  }
}

// TODO: start here. One function that reads a whole listing (every page, each page retried) is
// most of the work; the walk over the three levels is built on it.

/**
 * Lists every user, every user's details and every detail's metrics; reports what was fetched,
 * skipped (404, a body that is not what it should be) and failed (after retries). Rejects with
 * a FetchError when the users listing fails, and with a RangeError/TypeError for bad options.
 */
export function collectMetrics(_options: CollectOptions): Promise<MetricsReport> {
  throw new Error("TODO: implement collectMetrics()");
}
