// Mistake: keeps the first error and rethrows it at the end; the caller is told about a failure
// from seconds ago (say a 503) when the last attempt failed for another reason (say a timeout).
import { abortableSleep } from "../abortable-sleep";
import { type RetryOptions, resolveOptions } from "../options";
import { backoffDelay } from "../retry-backoff";

export * from "../retry-backoff";

export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { retries, shouldRetry, onRetry, signal } = resolveOptions(options);
  let firstError: unknown;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt === 1) firstError = error;
      if (attempt > retries || !shouldRetry(error, attempt)) throw firstError;
      const delayMs = backoffDelay(attempt, options);
      onRetry?.({ attempt, delayMs, error });
      await abortableSleep(delayMs, signal);
    }
  }
}
