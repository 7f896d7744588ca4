// Mistake: (adversarial review, round 2) keeps the jitter modes in a strategy object and validates with `jitter in STRATEGIES`,
// so inherited keys such as "toString", "constructor" or "__proto__" pass the check (and give NaN
// or garbage delays) where the README says `jitter` is "one of the three strings exactly as
// written" and anything else is a RangeError.
import { abortableSleep } from "../abortable-sleep";
import { check, type RetryOptions, type RetrySettings } from "../options";
import { isRetryableError } from "../retryable";

export type { Jitter, RetryOptions } from "../options";
export { isRetryableHttpStatus } from "../retryable";

const STRATEGIES: Record<string, (d: number, random: () => number) => number> = {
  none: (d) => d,
  full: (d, random) => random() * d,
  equal: (d, random) => d / 2 + random() * (d / 2),
};

function settingsOf(options: RetryOptions): RetrySettings {
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
    retries: check("retries", retries, (n) => Number.isInteger(n) && n >= 0, "a whole number >= 0"),
    baseDelayMs: check(
      "baseDelayMs",
      baseDelayMs,
      (n) => Number.isFinite(n) && n >= 0,
      "a finite number >= 0",
    ),
    maxDelayMs: check(
      "maxDelayMs",
      maxDelayMs,
      (n) => Number.isFinite(n) && n >= 0,
      "a finite number >= 0",
    ),
    factor: check("factor", factor, (n) => Number.isFinite(n) && n >= 1, "a finite number >= 1"),
    jitter: check(
      "jitter",
      jitter,
      (m) => typeof m === "string" && m in STRATEGIES,
      '"none", "full" or "equal"',
    ),
    random,
    shouldRetry,
    onRetry,
    signal,
  };
}

export function backoffDelay(retryNumber: number, options: RetryOptions = {}): number {
  check("retryNumber", retryNumber, (n) => Number.isInteger(n) && n >= 1, "a whole number >= 1");
  const { baseDelayMs, maxDelayMs, factor, jitter, random } = settingsOf(options);
  const capped = Math.min(
    maxDelayMs,
    baseDelayMs === 0 ? 0 : baseDelayMs * factor ** (retryNumber - 1),
  );
  const strategy = STRATEGIES[jitter] as (d: number, random: () => number) => number;
  return Math.floor(strategy(capped, random));
}

export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { retries, shouldRetry, onRetry, signal } = settingsOf(options);
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
  settingsOf(options);
  return function retried(this: unknown, ...args: A): Promise<R> {
    return retry(() => fn.apply(this, args), options);
  };
}
