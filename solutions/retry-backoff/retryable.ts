/**
 * Which failures are worth another attempt. A retry only helps when the failure is transient:
 * the server was overloaded (5xx), asked us to slow down (429) or timed out waiting for us (408).
 * Any other 4xx says the request itself is wrong, and sending it again gets the same answer.
 */

/** 408, 429 and every 5xx are worth retrying; nothing else is (500.5 is no HTTP status at all). */
export function isRetryableHttpStatus(status: number): boolean {
  if (!Number.isInteger(status)) return false;
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** The shapes that carry an HTTP status: fetch-style errors and AWS SDK v3 service exceptions. */
interface MaybeWithStatus {
  status?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * The numeric HTTP status an error carries, if any: `status` when it is a number, otherwise
 * `$metadata.httpStatusCode` when that is. (`status ?? $metadata…` would stop at a `status` that
 * is there but not a number, and miss the SDK's code behind it.)
 */
export function httpStatusOf(error: unknown): number | undefined {
  const candidate = error as MaybeWithStatus | null | undefined;
  if (typeof candidate?.status === "number") return candidate.status;
  const code = candidate?.$metadata?.httpStatusCode;
  return typeof code === "number" ? code : undefined;
}

/**
 * The default `shouldRetry`: an error without an HTTP status (a reset connection, a timeout, a
 * fetch "Failed to fetch" TypeError, anything thrown) is retried, because we cannot tell it is
 * permanent; an error with a status is retried only when that status is retryable.
 */
export function isRetryableError(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === undefined || isRetryableHttpStatus(status);
}
