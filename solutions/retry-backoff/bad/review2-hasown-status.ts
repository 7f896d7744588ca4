// Mistake: (adversarial review, round 2) the default rule reads a status only when it is an *own* property
// (`Object.hasOwn(error, "status")`), so a thrown `Response`, whose `status` is a getter on
// Response.prototype, looks status-less and a thrown 404 Response is retried; the README says the
// default reads `error.status` "whatever it is (an `Error`, a plain object, a thrown `Response`)".
import { abortableSleep } from "../abortable-sleep";
import { type RetryOptions, resolveOptions } from "../options";
import { backoffDelay } from "../retry-backoff";
import { isRetryableHttpStatus } from "../retryable";

export type { Jitter, RetryOptions } from "../options";
export { backoffDelay, isRetryableHttpStatus } from "../retry-backoff";

function httpStatusOf(error: unknown): number | undefined {
  if (error === null || error === undefined) return undefined;
  const record = error as Record<string, unknown>;
  if (Object.hasOwn(record, "status") && typeof record.status === "number") return record.status;
  if (Object.hasOwn(record, "$metadata")) {
    const code = (record.$metadata as { httpStatusCode?: unknown } | undefined)?.httpStatusCode;
    if (typeof code === "number") return code;
  }
  return undefined;
}

function isRetryableError(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === undefined || isRetryableHttpStatus(status);
}

export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { retries, onRetry, signal } = resolveOptions(options);
  const shouldRetry = options.shouldRetry ?? isRetryableError;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      signal?.throwIfAborted();
      if (attempt > retries || !shouldRetry(error, attempt)) throw error;
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
