// Mistake: checks the signal only around each attempt and sleeps with a plain setTimeout, so an
// abort (Ctrl+C, a deploy being cancelled) during a wait still waits out the whole delay — up to 20 s.
import { type RetryOptions, resolveOptions } from "../options";
import { backoffDelay } from "../retry-backoff";

export * from "../retry-backoff";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
      await sleep(delayMs);
    }
  }
}
