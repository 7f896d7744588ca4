/**
 * Parallel health checks — your file. Read README.md first: it states every behaviour the spec
 * checks. Run the spec with `npm run kata -- run parallel-health-checks`.
 *
 * The types are done; `createHealthChecker` is yours. p-limit and lru-cache are installed if you
 * want them (`import pLimit from "p-limit"`, `import { LRUCache } from "lru-cache"`), but a
 * limiter and a TTL cache are short enough to write yourself.
 */

export type HealthStatus = "up" | "degraded" | "down";

export type HealthReason =
  | "ok"
  | "slow"
  | "rate-limited"
  | "http-error"
  | "timeout"
  | "unreachable"
  | "warning"
  | "critical"
  | "not-registered"
  | "invalid-response";

/** An endpoint checked with one GET. */
export interface HttpTarget {
  kind: "http";
  name: string;
  url: string;
}

/** A service registered in Consul, answered by the one batch request of the call. */
export interface ConsulTarget {
  kind: "consul";
  name: string;
  service: string;
}

export type Target = HttpTarget | ConsulTarget;

export interface HealthResult {
  /** The target's name. */
  name: string;
  status: HealthStatus;
  reason: HealthReason;
  /** The HTTP status of the answer; null when none came (timeout, unreachable). */
  httpStatus: number | null;
  /** From just before the request to the answer's headers (or the failure), rounded. */
  latencyMs: number;
  /** True when the result was reused from the cache, without a request. */
  cached: boolean;
}

export interface CheckerOptions {
  /** Requests in flight at once, across every check() in progress. Default 10. */
  concurrency?: number;
  /** A request with no answer after this long is aborted. Default 2000 ms. */
  timeoutMs?: number;
  /** A 2xx slower than this is degraded. Default 500 ms. */
  slowMs?: number;
  /** How long a result is reused (age ≤ cacheTtlMs). Default 5000 ms; 0 turns the cache off. */
  cacheTtlMs?: number;
  /** Consul's HTTP API, e.g. "http://consul.service.internal:8500"; needed for consul targets. */
  consulUrl?: string;
  /** The clock, in milliseconds. Default: () => performance.now(). */
  now?: () => number;
}

export interface HealthChecker {
  /** One result per target, in the order of the targets. */
  check(targets: readonly Target[]): Promise<HealthResult[]>;
}

// TODO: start here. Suggested order: one HTTP check (status table, then the timeout), the
// limiter, the cache, then the Consul batch.

/**
 * A checker that keeps at most `concurrency` requests in flight and remembers its results for
 * `cacheTtlMs`. Throws a RangeError (a TypeError for consulUrl) for a bad option.
 */
export function createHealthChecker(_options?: CheckerOptions): HealthChecker {
  throw new Error("TODO: implement createHealthChecker()");
}
