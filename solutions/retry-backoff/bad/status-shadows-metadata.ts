// Mistake: reads the status as `error.status ?? error.$metadata.httpStatusCode`, so an error whose
// `status` is there but not a number ("failed") never reaches the SDK's 404 behind it, and is
// retried; the README says a non-numeric `status` falls through to `$metadata`.
import {
  isRetryableHttpStatus,
  type RetryOptions,
  retry as retryAsTheReferenceDoes,
} from "../retry-backoff";

export * from "../retry-backoff";

function sloppyShouldRetry(error: unknown): boolean {
  const candidate = error as { status?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  const status = candidate?.status ?? candidate?.$metadata?.httpStatusCode;
  return typeof status !== "number" || isRetryableHttpStatus(status);
}

export function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  return retryAsTheReferenceDoes(fn, { shouldRetry: sloppyShouldRetry, ...options });
}
