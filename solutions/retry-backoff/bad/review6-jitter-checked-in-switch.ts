// Mistake: (adversarial review, round 6) breaks "Options are checked before anything else ... A bad one makes retry reject ..., withRetry throw a
// RangeError when it wraps (before any call) ... fn is not called": jitter is only checked in backoffDelay's exhaustive
// switch (the `default:` branch throws the table's RangeError), so retry(fn, { jitter: "FULL" }) calls fn and resolves if
// it succeeds at once, and withRetry wraps without throwing; backoffDelay itself still throws the right error.
import { abortableSleep } from "../abortable-sleep";
import { check, type RetryOptions } from "../options";
import { isRetryableError } from "../retryable";

export type { Jitter, RetryOptions } from "../options";
export { isRetryableHttpStatus } from "../retryable";

const isWholeNumber = (value: number) => Number.isInteger(value) && value >= 0;
const isFiniteNonNegative = (value: number) => Number.isFinite(value) && value >= 0;
const isFiniteAtLeastOne = (value: number) => Number.isFinite(value) && value >= 1;

function resolveNumbers(options: RetryOptions) {
  const {
    retries = 3,
    baseDelayMs = 100,
    maxDelayMs = 20_000,
    factor = 2,
    jitter = "full",
    random = Math.random,
    shouldRetry = isRetryableError,
    onRetry,
    signal,
  } = options;
  return {
    retries: check("retries", retries, isWholeNumber, "a whole number >= 0"),
    baseDelayMs: check("baseDelayMs", baseDelayMs, isFiniteNonNegative, "a finite number >= 0"),
    maxDelayMs: check("maxDelayMs", maxDelayMs, isFiniteNonNegative, "a finite number >= 0"),
    factor: check("factor", factor, isFiniteAtLeastOne, "a finite number >= 1"),
    jitter,
    random,
    shouldRetry,
    onRetry,
    signal,
  };
}

export function backoffDelay(retryNumber: number, options: RetryOptions = {}): number {
  check("retryNumber", retryNumber, (n) => Number.isInteger(n) && n >= 1, "a whole number >= 1");
  const { baseDelayMs, maxDelayMs, factor, jitter, random } = resolveNumbers(options);
  const grown = baseDelayMs === 0 ? 0 : baseDelayMs * factor ** (retryNumber - 1);
  const capped = Math.min(maxDelayMs, grown);
  switch (jitter) {
    case "none":
      return Math.floor(capped);
    case "full":
      return Math.floor(drawFrom(random) * capped);
    case "equal":
      return Math.floor(capped / 2 + drawFrom(random) * (capped / 2));
    default:
      throw new RangeError(`jitter must be "none", "full" or "equal" (got ${String(jitter)})`);
  }
}

function drawFrom(random: () => number): number {
  return check(
    "random()",
    random(),
    (r) => typeof r === "number" && r >= 0 && r < 1,
    "a number >= 0 and < 1",
  );
}

export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { retries, shouldRetry, onRetry, signal } = resolveNumbers(options);
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
  resolveNumbers(options);
  return function retried(this: unknown, ...args: A): Promise<R> {
    return retry(() => fn.apply(this, args), options);
  };
}
