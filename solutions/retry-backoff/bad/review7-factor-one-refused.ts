// Mistake: breaks the table's "factor: a finite number >= 1": exponential backoff "must grow", so factor is checked
// with `> 1` and `factor: 1` (a constant delay, a legal setting) is refused with "factor must be a finite number >= 1
// (got 1)"; 0.5, 0, NaN, Infinity and "2" are still refused with the right message (adversarial review, round 7).
import { abortableSleep } from "../abortable-sleep";
import { isRetryableError } from "../retryable";

export type Jitter = "none" | "full" | "equal";

export interface RetryOptions {
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
  jitter?: Jitter;
  random?: () => number;
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  signal?: AbortSignal;
}

export { isRetryableHttpStatus } from "../retryable";

const JITTER_MODES: readonly string[] = ["none", "full", "equal"];

function describe(value: unknown): string {
  return String(value);
}

function check<T>(name: string, value: T, isValid: (value: T) => boolean, rule: string): T {
  if (!isValid(value)) throw new RangeError(`${name} must be ${rule} (got ${describe(value)})`);
  return value;
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
  return {
    retries: check("retries", retries, (v) => Number.isInteger(v) && v >= 0, "a whole number >= 0"),
    baseDelayMs: check(
      "baseDelayMs",
      baseDelayMs,
      (v) => Number.isFinite(v) && v >= 0,
      "a finite number >= 0",
    ),
    maxDelayMs: check(
      "maxDelayMs",
      maxDelayMs,
      (v) => Number.isFinite(v) && v >= 0,
      "a finite number >= 0",
    ),
    factor: check("factor", factor, (v) => Number.isFinite(v) && v > 1, "a finite number >= 1"),
    jitter: check("jitter", jitter, (m) => JITTER_MODES.includes(m), '"none", "full" or "equal"'),
    random,
    shouldRetry,
    onRetry,
    signal,
  };
}

function drawFrom(random: () => number): number {
  return check(
    "random()",
    random(),
    (r) => typeof r === "number" && r >= 0 && r < 1,
    "a number >= 0 and < 1",
  );
}

export function backoffDelay(retryNumber: number, options: RetryOptions = {}): number {
  check("retryNumber", retryNumber, (n) => Number.isInteger(n) && n >= 1, "a whole number >= 1");
  const { baseDelayMs, maxDelayMs, factor, jitter, random } = resolveOptions(options);
  const grown = baseDelayMs === 0 ? 0 : baseDelayMs * factor ** (retryNumber - 1);
  const capped = Math.min(maxDelayMs, grown);
  switch (jitter) {
    case "none":
      return Math.floor(capped);
    case "full":
      return Math.floor(drawFrom(random) * capped);
    case "equal":
      return Math.floor(capped / 2 + drawFrom(random) * (capped / 2));
  }
}

export async function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
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
