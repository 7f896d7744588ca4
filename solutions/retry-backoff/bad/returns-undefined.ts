// Mistake: the seed's `return None` — when every attempt fails, resolves with undefined instead of
// rethrowing, so the caller carries on with no value and no idea what went wrong.
import { abortableSleep } from "../abortable-sleep";
import { type RetryOptions, resolveOptions } from "../options";
import { backoffDelay } from "../retry-backoff";

export * from "../retry-backoff";

export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { retries, shouldRetry, onRetry, signal } = resolveOptions(options);
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (!shouldRetry(error, attempt)) throw error;
      if (attempt > retries) break;
      const delayMs = backoffDelay(attempt, options);
      onRetry?.({ attempt, delayMs, error });
      await abortableSleep(delayMs, signal);
    }
  }
  return undefined as T;
}
