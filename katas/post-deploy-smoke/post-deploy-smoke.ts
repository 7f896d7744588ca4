/**
 * Post-deploy smoke tests — your file. Read README.md first: it states every behaviour the spec
 * checks. Run the spec with `npm run kata -- run post-deploy-smoke`.
 *
 * The types are done; `runSmokeTests` is yours.
 */

export type CheckStatus = "passed" | "failed" | "unknown";

export type JsonScalar = string | number | boolean | null;

export interface HealthEndpoint {
  name: string;
  url: string;
  /** Dotted path into the JSON body → the value it must equal (===), e.g. { status: "UP" }. */
  expect?: Record<string, JsonScalar>;
}

export interface DatabaseClient {
  /** Resolves when the database answered; should give up when `signal` fires. */
  ping(signal: AbortSignal): Promise<unknown>;
}

export interface DatabaseCheck {
  name: string;
  client: DatabaseClient;
}

export interface LogScan {
  name: string;
  /** The recent log lines, oldest first; should give up when `signal` fires. */
  readLines(signal: AbortSignal): Promise<string[]>;
  /** The deploy: entries with an earlier timestamp are not looked at. */
  since: Date;
  /** What an error line looks like. */
  patterns: RegExp[];
  /** How many matching entries are allowed. Default 0. */
  maxMatches?: number;
}

export interface MetricCheck {
  name: string;
  /** A PromQL expression, sent to /api/v1/query. */
  query: string;
  /** Every sample must be >= min. */
  min?: number;
  /** Every sample must be <= max. */
  max?: number;
}

export interface SmokeConfig {
  health?: HealthEndpoint[];
  databases?: DatabaseCheck[];
  logs?: LogScan[];
  /** Prometheus's base URL, e.g. "http://prometheus.monitoring:9090", and the metric checks. */
  prometheus?: { url: string; checks: MetricCheck[] };
  /** The time limit of each check. Default 5000 ms. */
  timeoutMs?: number;
}

export interface MetricSample {
  /** The series' labels (the `metric` object of the answer). */
  labels: Record<string, string>;
  value: number;
}

export type CheckResult =
  | { kind: "health"; name: string; status: CheckStatus; detail: string; httpStatus: number | null }
  | { kind: "database"; name: string; status: CheckStatus; detail: string }
  | { kind: "logs"; name: string; status: CheckStatus; detail: string; matches: string[] }
  | { kind: "metric"; name: string; status: CheckStatus; detail: string; samples: MetricSample[] };

export interface SmokeReport {
  /** failed if any check failed; else unknown if any is unknown (or there are none); else passed. */
  status: CheckStatus;
  /** 0 passed, 1 failed, 2 unknown. */
  exitCode: 0 | 1 | 2;
  /** Health, then databases, logs and metrics, each in config order. */
  checks: CheckResult[];
}

// TODO: start here. Suggested order: the verdict, then one kind of check at a time, then the
// time limit shared by all of them.

/**
 * Runs every configured check at once and gives one report and an exit code. Rejects only for a
 * bad config (RangeError, TypeError), before running anything.
 */
export function runSmokeTests(_config: SmokeConfig): Promise<SmokeReport> {
  throw new Error("TODO: implement runSmokeTests()");
}
