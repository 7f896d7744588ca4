// Mistake: breaks "retry leaves no abort listener on the signal once it has settled, whichever way": the wait listens through
// the `signal.onabort` slot instead of addEventListener ("one slot, so nothing can pile up"), and never resets it, so after a
// success or the last error `signal.onabort` still holds the handler (and the caller's own onabort handler was overwritten). (adversarial review, round 11)
/**
 * Retry with exponential backoff: the reference solution.
 *
 * retry() calls a function until it resolves, waiting longer after each failure, and gives up
 * by rethrowing the last error. The pieces live in small modules next to this one: the options
 * and their checks (options.ts), which errors are worth retrying (retryable.ts) and a sleep an
 * AbortSignal can cut short (abortable-sleep.ts).
 */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal === undefined) return new Promise((resolve) => setTimeout(resolve, ms));
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const timer = setTimeout(resolve, ms);
    signal.onabort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
  });
}

import { check, type RetryOptions, resolveOptions } from "../options";

export type { Jitter, RetryOptions } from "../options";
export { isRetryableHttpStatus } from "../retryable";

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
  const { retries, shouldRetry, onRetry, signal } = resolveOptions(options);
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
