// Mistake: (adversarial review, round 6) breaks "An error with no numeric status (...) is retried: nothing says it is permanent", where the status is
// only `error.status`, otherwise `error.$metadata.httpStatusCode`: the default rule also reads `error.statusCode` (Node's
// http, got, http-errors) and `error.response.status` (axios), so `{ statusCode: 404 }` or an axios 403 is not retried.
import { abortableSleep } from "../abortable-sleep";
import { type RetryOptions, resolveOptions } from "../options";
import { backoffDelay, isRetryableHttpStatus } from "../retry-backoff";

export type { Jitter, RetryOptions } from "../options";
export { backoffDelay, isRetryableHttpStatus } from "../retry-backoff";

interface MaybeWithStatus {
  status?: unknown;
  statusCode?: unknown;
  response?: { status?: unknown };
  $metadata?: { httpStatusCode?: unknown };
}

function httpStatusOf(error: unknown): number | undefined {
  const candidate = error as MaybeWithStatus | null | undefined;
  const places = [
    candidate?.status,
    candidate?.$metadata?.httpStatusCode,
    candidate?.statusCode,
    candidate?.response?.status,
  ];
  for (const place of places) if (typeof place === "number") return place;
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
  const settings = resolveOptions(options);
  const { retries, onRetry, signal } = settings;
  const shouldRetry = options.shouldRetry === undefined ? isRetryableError : settings.shouldRetry;
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
