// Mistake: (adversarial review, round 2) fills the defaults with `options.x ?? default`, so `null` (a `null` in a JSON config)
// silently becomes the default: `retries: null` gives 3 retries, `jitter: null` gives "full",
// `baseDelayMs: null` gives 100, where the table accepts only "a whole number ≥ 0" / "a finite
// number ≥ 0" / the three strings and the reference rejects with `RangeError("… (got null)")`.
import { abortableSleep } from "../abortable-sleep";
import { check, type RetryOptions, type RetrySettings } from "../options";
import { isRetryableError } from "../retryable";

export type { Jitter, RetryOptions } from "../options";
export { isRetryableHttpStatus } from "../retryable";

const JITTER_MODES: readonly string[] = ["none", "full", "equal"];

function settingsOf(options: RetryOptions): RetrySettings {
  const retries = options.retries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? "full";
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
    jitter: check("jitter", jitter, (m) => JITTER_MODES.includes(m), '"none", "full" or "equal"'),
    random: options.random ?? Math.random,
    shouldRetry: options.shouldRetry ?? isRetryableError,
    onRetry: options.onRetry,
    signal: options.signal,
  };
}

export function backoffDelay(retryNumber: number, options: RetryOptions = {}): number {
  check("retryNumber", retryNumber, (n) => Number.isInteger(n) && n >= 1, "a whole number >= 1");
  const { baseDelayMs, maxDelayMs, factor, jitter, random } = settingsOf(options);
  const capped = Math.min(
    maxDelayMs,
    baseDelayMs === 0 ? 0 : baseDelayMs * factor ** (retryNumber - 1),
  );
  switch (jitter) {
    case "none":
      return Math.floor(capped);
    case "full":
      return Math.floor(random() * capped);
    case "equal":
      return Math.floor(capped / 2 + random() * (capped / 2));
  }
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
