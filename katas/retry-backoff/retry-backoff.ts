/**
 * Retry with exponential backoff — your file. Read README.md first: it states every behaviour
 * the spec checks. Run the spec with `npm run kata -- run retry-backoff`.
 */

export type Jitter = "none" | "full" | "equal";

export interface RetryOptions {
  /** Extra attempts after the first one (default 3), so at most `retries + 1` calls. */
  retries?: number;
  /** The wait before the first retry, before jitter (default 100 ms). */
  baseDelayMs?: number;
  /** The cap on any wait, applied before jitter (default 20 000 ms). */
  maxDelayMs?: number;
  /** How much each wait grows over the previous one (default 2). */
  factor?: number;
  /** How the capped wait is randomised (default "full"). */
  jitter?: Jitter;
  /** A source of numbers in [0, 1) for jitter (default Math.random, looked up at each delay). */
  random?: () => number;
  /** Whether a failed attempt may be retried (default: see "Which errors are retried"). */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Told about every retry, just before its wait starts. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /**
   * Cancels the retries: once it has fired, retry rejects with signal.reason before the next
   * attempt, after a failed attempt (even the last) and during a wait.
   */
  signal?: AbortSignal;
}

// TODO: start here. Suggested order: isRetryableHttpStatus, backoffDelay, retry, withRetry.

/** True for 408, 429 and every status from 500 to 599; false for anything else. */
export function isRetryableHttpStatus(_status: number): boolean {
  throw new Error("TODO: implement isRetryableHttpStatus()");
}

/**
 * The wait in whole milliseconds before retry number `retryNumber` (1 = the wait after the first
 * failure): `min(maxDelayMs, baseDelayMs * factor ** (retryNumber - 1))`, then jittered, rounded
 * down. Throws a RangeError for a bad `retryNumber` or bad options.
 */
export function backoffDelay(_retryNumber: number, _options?: RetryOptions): number {
  throw new Error("TODO: implement backoffDelay()");
}

/**
 * Calls `fn(attempt)` (attempt 1, 2, …) until it resolves, waiting `backoffDelay(attempt)`
 * between attempts, at most `retries` extra times; then rejects with the last error, exactly as
 * it was thrown. Rejects (never throws) with a RangeError for bad options.
 */
export function retry<T>(
  _fn: (attempt: number) => T | Promise<T>,
  _options?: RetryOptions,
): Promise<T> {
  throw new Error("TODO: implement retry()");
}

/**
 * Wraps `fn` (keeping its parameters, its `this` and its result type) so that every call is
 * retried like retry() does. Throws a RangeError at once for bad options.
 */
export function withRetry<A extends unknown[], R>(
  _fn: (...args: A) => R | Promise<R>,
  _options?: RetryOptions,
): (...args: A) => Promise<R> {
  throw new Error("TODO: implement withRetry()");
}
