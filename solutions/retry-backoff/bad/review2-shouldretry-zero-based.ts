// Mistake: (adversarial review, round 2) passes `shouldRetry` the number of retries made so far (Python's `for i in
// range(retries)`, 0 after the first failure) instead of "`shouldRetry(error, n)`" with `n` the
// failed attempt number; onRetry and backoffDelay still get `n`.
import { abortableSleep } from "../abortable-sleep";
import { type RetryOptions, resolveOptions } from "../options";

export type { Jitter, RetryOptions } from "../options";
export { backoffDelay, isRetryableHttpStatus } from "../retry-backoff";

import { backoffDelay } from "../retry-backoff";

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
      signal?.throwIfAborted();
      const retriesSoFar = attempt - 1;
      if (attempt > retries || !shouldRetry(error, retriesSoFar)) throw error;
      const delayMs = backoffDelay(attempt, options);
      onRetry?.({ attempt, delayMs, error });
      await abortableSleep(delayMs, signal);
    }
  }
}

export function withRetry<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: RetryOptions = {},
): (...args: A) => Promise<R> {
  resolveOptions(options);
  return function retried(this: unknown, ...args: A): Promise<R> {
    return retry(() => fn.apply(this, args), options);
  };
}
