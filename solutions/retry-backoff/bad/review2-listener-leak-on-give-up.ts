// Mistake: (adversarial review, round 2) adds one `abort` listener for the whole retry call and removes it only when `fn`
// succeeds (an abort removes it by firing it, `once: true`); when retry gives up with the last
// error, or on an error that is not retried, the listener stays on the signal, against "`retry`
// leaves no `abort` listener on the signal once it has settled, whichever way".
import { type RetryOptions, resolveOptions } from "../options";
import { backoffDelay } from "../retry-backoff";

export type { Jitter, RetryOptions } from "../options";
export { backoffDelay, isRetryableHttpStatus } from "../retry-backoff";

export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { retries, shouldRetry, onRetry, signal } = resolveOptions(options);
  signal?.throwIfAborted();
  // One listener for the whole call: it cancels whichever wait is running.
  let cancelWait: ((reason: unknown) => void) | undefined;
  const onAbort = () => cancelWait?.(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    let value: T;
    try {
      value = await fn(attempt);
    } catch (error) {
      signal?.throwIfAborted();
      if (attempt > retries || !shouldRetry(error, attempt)) throw error;
      const delayMs = backoffDelay(attempt, options);
      onRetry?.({ attempt, delayMs, error });
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          cancelWait = undefined;
          resolve();
        }, delayMs);
        cancelWait = (reason) => {
          clearTimeout(timer);
          cancelWait = undefined;
          reject(reason);
        };
      });
      continue;
    }
    signal?.removeEventListener("abort", onAbort);
    return value;
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
