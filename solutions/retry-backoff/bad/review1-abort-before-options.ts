// Mistake: (adversarial review, round 1) checks an already-aborted signal before validating the options, so a call with both
// an aborted signal and a bad option rejects with `signal.reason` instead of the RangeError; the
// README says "Options are checked before anything else".
import { abortableSleep } from "../abortable-sleep";
import type { RetryOptions } from "../options";
import { isRetryableError } from "../retryable";

export type { Jitter, RetryOptions } from "../options";
export { isRetryableHttpStatus } from "../retryable";

const JITTER_MODES: readonly string[] = ["none", "full", "equal"];

function fail(name: string, value: unknown, rule: string): never {
  throw new RangeError(`${name} must be ${rule} (got ${String(value)})`);
}

function resolveOptions(options: RetryOptions) {
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
  if (!(Number.isInteger(retries) && retries >= 0)) fail("retries", retries, "a whole number >= 0");
  if (!(Number.isFinite(baseDelayMs) && baseDelayMs >= 0))
    fail("baseDelayMs", baseDelayMs, "a finite number >= 0");
  if (!(Number.isFinite(maxDelayMs) && maxDelayMs >= 0))
    fail("maxDelayMs", maxDelayMs, "a finite number >= 0");
  if (!(Number.isFinite(factor) && factor >= 1)) fail("factor", factor, "a finite number >= 1");
  if (!JITTER_MODES.includes(jitter)) fail("jitter", jitter, '"none", "full" or "equal"');
  return { retries, baseDelayMs, maxDelayMs, factor, jitter, random, shouldRetry, onRetry, signal };
}

export function backoffDelay(retryNumber: number, options: RetryOptions = {}): number {
  if (!(Number.isInteger(retryNumber) && retryNumber >= 1))
    fail("retryNumber", retryNumber, "a whole number >= 1");
  const { baseDelayMs, maxDelayMs, factor, jitter, random } = resolveOptions(options);
  const capped = Math.min(
    maxDelayMs,
    baseDelayMs === 0 ? 0 : baseDelayMs * factor ** (retryNumber - 1),
  );
  switch (jitter) {
    case "none":
      return Math.floor(capped);
    case "full":
      return Math.floor(random() * capped);
    default:
      return Math.floor(capped / 2 + random() * (capped / 2));
  }
}

export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  // Cancelled already? Then nothing else matters: bail out before doing any work.
  options.signal?.throwIfAborted();
  const { retries, shouldRetry, onRetry, signal } = resolveOptions(options);
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
