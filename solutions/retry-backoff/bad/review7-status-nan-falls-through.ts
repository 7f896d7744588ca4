// Mistake: breaks "error.status when it is a number (typeof says "number", so NaN counts: a NaN status is not a
// retryable one, and $metadata is not read)": the default rule takes `status` only when it is a valid integer
// (`Number.isInteger`), so `{ status: NaN, $metadata: { httpStatusCode: 503 } }` falls through to the SDK's 503 and is retried (adversarial review, round 7).
import { abortableSleep } from "../abortable-sleep";
import { type RetryOptions, resolveOptions } from "../options";
import { backoffDelay, isRetryableHttpStatus } from "../retry-backoff";

export type { Jitter, RetryOptions } from "../options";
export { backoffDelay, isRetryableHttpStatus } from "../retry-backoff";

function httpStatusOf(error: unknown): number | undefined {
  const candidate = error as
    | { status?: unknown; $metadata?: { httpStatusCode?: unknown } }
    | null
    | undefined;
  // A status that is not a whole number is no real status: look at the SDK's metadata instead.
  if (Number.isInteger(candidate?.status)) return candidate?.status as number;
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
