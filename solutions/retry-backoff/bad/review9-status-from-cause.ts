// Mistake: breaks "Only these two are read" (`error.status`, otherwise `error.$metadata.httpStatusCode`) and "An error with no
// numeric status ... is retried": the default rule also walks the `cause` chain and uses a wrapped error's status, so
// `new Error("GET /instances failed", { cause: { status: 404 } })` is not retried (the README retries it: it has no status). (adversarial review, round 9)
import { abortableSleep } from "../abortable-sleep";
import { check, type RetryOptions, resolveOptions } from "../options";

export type { Jitter, RetryOptions } from "../options";

import { httpStatusOf, isRetryableHttpStatus } from "../retryable";

export { isRetryableHttpStatus } from "../retryable";

/**
 * The default rule: the status of the error, or of the error it wraps (`new Error("request failed", { cause: response })`,
 * fetch's "fetch failed" TypeError), so a wrapped 404 is not retried.
 */
function isRetryableOrCause(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && current !== undefined; depth++) {
    const status = httpStatusOf(current);
    if (status !== undefined) return isRetryableHttpStatus(status);
    current = (current as { cause?: unknown }).cause;
  }
  return true;
}

/**
 * The wait before retry number `retryNumber` (1 = the wait after the first failure):
 * `min(maxDelayMs, baseDelayMs * factor ** (retryNumber - 1))`, then jittered, in whole ms.
 */
export function backoffDelay(retryNumber: number, options: RetryOptions = {}): number {
  check("retryNumber", retryNumber, (n) => Number.isInteger(n) && n >= 1, "a whole number >= 1");
  const { baseDelayMs, maxDelayMs, factor, jitter, random } = resolveOptions(options);
  // Cap first, then jitter: capping a jittered value would pile every late retry onto the cap.
  // A base of 0 is 0 at every retry: `factor ** n` overflows to Infinity, and 0 * Infinity is NaN.
  const grown = baseDelayMs === 0 ? 0 : baseDelayMs * factor ** (retryNumber - 1);
  const capped = Math.min(maxDelayMs, grown);
  switch (jitter) {
    case "none":
      return Math.floor(capped);
    case "full":
      // Anywhere in [0, capped]: spreads a crowd of clients out the most.
      return Math.floor(drawFrom(random) * capped);
    case "equal":
      // At least half the wait is kept, so a retry never comes right back.
      return Math.floor(capped / 2 + drawFrom(random) * (capped / 2));
  }
}

/**
 * Calls `random` and checks what it gave: outside [0, 1) (or NaN) the delay would be negative,
 * NaN or over the cap, and setTimeout would turn it into a tight loop.
 */
function drawFrom(random: () => number): number {
  return check(
    "random()",
    random(),
    (r) => typeof r === "number" && r >= 0 && r < 1,
    "a number >= 0 and < 1",
  );
}

/**
 * Calls `fn(attempt)` (attempt 1, 2, …) until it resolves. After a failure that may be retried,
 * waits `backoffDelay(attempt)` and tries again, at most `retries` times; then rethrows the last
 * error exactly as it was thrown.
 */
export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { retries, onRetry, signal } = resolveOptions(options);
  const { shouldRetry = isRetryableOrCause } = options;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      // Cancelled while the attempt ran: its failure no longer matters (not even a last one or a
      // 404), so neither shouldRetry nor onRetry hears of it and no wait starts.
      signal?.throwIfAborted();
      // The last attempt is not followed by a wait: nothing would come after it.
      if (attempt > retries || !shouldRetry(error, attempt)) throw error;
      const delayMs = backoffDelay(attempt, options);
      onRetry?.({ attempt, delayMs, error });
      await abortableSleep(delayMs, signal);
    }
  }
}

/**
 * The TypeScript form of a retry decorator: a function with the same parameters (and `this`) as
 * `fn` whose every call is retried on its own. Options are checked here, once, so a bad setting
 * fails where the function is defined instead of on its first call in production.
 */
export function withRetry<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: RetryOptions = {},
): (...args: A) => Promise<R> {
  resolveOptions(options);
  return function retried(this: unknown, ...args: A): Promise<R> {
    return retry(() => fn.apply(this, args), options);
  };
}
