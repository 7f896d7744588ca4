// Mistake: (adversarial review, round 1) withRetry resolves the options once at wrap time, so the default `random` is the
// Math.random of that moment; the README says the default is "Math.random, read when
// retry/backoffDelay is called", and each wrapped call "runs retry", so a Math.random replaced
// (spied on) after wrapping is ignored.
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

type Settings = ReturnType<typeof resolveOptions>;

function delayFor(retryNumber: number, settings: Settings): number {
  const { baseDelayMs, maxDelayMs, factor, jitter, random } = settings;
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

export function backoffDelay(retryNumber: number, options: RetryOptions = {}): number {
  if (!(Number.isInteger(retryNumber) && retryNumber >= 1))
    fail("retryNumber", retryNumber, "a whole number >= 1");
  return delayFor(retryNumber, resolveOptions(options));
}

/** The attempt loop, on options that are already resolved and checked. */
async function run<T>(fn: (attempt: number) => T | Promise<T>, settings: Settings): Promise<T> {
  const { retries, shouldRetry, onRetry, signal } = settings;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      signal?.throwIfAborted();
      if (attempt > retries || !shouldRetry(error, attempt)) throw error;
      const delayMs = delayFor(attempt, settings);
      onRetry?.({ attempt, delayMs, error });
      await abortableSleep(delayMs, signal);
    }
  }
}

export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  return run(fn, resolveOptions(options));
}

export function withRetry<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: RetryOptions = {},
): (...args: A) => Promise<R> {
  // Resolve (and check) once when wrapping, not on every call: the options never change.
  const settings = resolveOptions(options);
  return function retried(this: unknown, ...args: A): Promise<R> {
    return run(() => fn.apply(this, args), settings);
  };
}
