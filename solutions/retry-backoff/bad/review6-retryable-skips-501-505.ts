// Mistake: (adversarial review, round 6) breaks "isRetryableHttpStatus(status) is true for 408, 429 and every status from 500 to 599": 501 (Not
// Implemented) and 505 (HTTP Version Not Supported) are treated as permanent ("asking again cannot make the server
// implement it"), so they are false, and the default rule does not retry them; 500, 502-504 and 599 are still true.
import { abortableSleep } from "../abortable-sleep";
import { type RetryOptions, resolveOptions } from "../options";
import { backoffDelay } from "../retry-backoff";

export type { Jitter, RetryOptions } from "../options";
export { backoffDelay } from "../retry-backoff";

const PERMANENT_5XX = new Set([501, 505]);

export function isRetryableHttpStatus(status: number): boolean {
  if (!Number.isInteger(status)) return false;
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && !PERMANENT_5XX.has(status);
}

function httpStatusOf(error: unknown): number | undefined {
  const candidate = error as
    | { status?: unknown; $metadata?: { httpStatusCode?: unknown } }
    | null
    | undefined;
  if (typeof candidate?.status === "number") return candidate.status;
  const code = candidate?.$metadata?.httpStatusCode;
  return typeof code === "number" ? code : undefined;
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
