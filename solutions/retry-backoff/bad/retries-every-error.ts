// Mistake: retries whatever was thrown, like the Python `except Exception:`; a 404 or a 403 is
// sent again and again although the answer cannot change, and the caller waits for nothing.
import { abortableSleep } from "../abortable-sleep";
import { type RetryOptions, resolveOptions } from "../options";
import { backoffDelay } from "../retry-backoff";

export * from "../retry-backoff";

export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { retries, onRetry, signal } = resolveOptions(options);
  const shouldRetry = options.shouldRetry ?? (() => true);
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt > retries || !shouldRetry(error, attempt)) throw error;
      const delayMs = backoffDelay(attempt, options);
      onRetry?.({ attempt, delayMs, error });
      await abortableSleep(delayMs, signal);
    }
  }
}
