// Mistake: the wait only listens for an abort to come, so a signal that onRetry aborted just
// before the wait started is missed: the whole delay runs, then fn is called again.
import { type RetryOptions, resolveOptions } from "../options";
import { backoffDelay } from "../retry-backoff";

export {
  backoffDelay,
  isRetryableHttpStatus,
  type Jitter,
  type RetryOptions,
} from "../retry-backoff";

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

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
      if (attempt > retries || !shouldRetry(error, attempt)) throw error;
      const delayMs = backoffDelay(attempt, options);
      onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, signal);
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
