import { isRetryableError } from "./retryable";

/**
 * The options of retry(), withRetry() and backoffDelay(): their defaults and their checks, in one
 * place, so every entry point rejects the same bad input with the same message.
 */

export type Jitter = "none" | "full" | "equal";

export interface RetryOptions {
  /** Extra attempts after the first one (default 3), so at most `retries + 1` calls. */
  retries?: number;
  /** The wait before the first retry, before jitter (default 100 ms). */
  baseDelayMs?: number;
  /** The cap on any wait, applied before jitter (default 20 000 ms). */
  maxDelayMs?: number;
  /** How much each wait grows over the previous one (default 2). */
  factor?: number;
  /** How the capped wait is randomised (default "full"). */
  jitter?: Jitter;
  /** A source of numbers in [0, 1) for jitter (default Math.random, looked up at each delay). */
  random?: () => number;
  /** Whether a failed attempt may be retried (default: isRetryableError). */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Told about every retry, just before its wait starts. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /**
   * Cancels the retries: once it has fired, retry rejects with signal.reason before the next
   * attempt, after a failed attempt (even the last) and during a wait.
   */
  signal?: AbortSignal;
}

/** RetryOptions with every default filled in and every number checked. */
export type RetrySettings = Required<Omit<RetryOptions, "onRetry" | "signal">> &
  Pick<RetryOptions, "onRetry" | "signal">;

const JITTER_MODES: readonly string[] = ["none", "full", "equal"];

const isWholeNumber = (value: number) => Number.isInteger(value) && value >= 0;
const isFiniteNonNegative = (value: number) => Number.isFinite(value) && value >= 0;
const isFiniteAtLeastOne = (value: number) => Number.isFinite(value) && value >= 1;

/**
 * Throws a RangeError naming the option when `value` breaks `rule`. A NaN delay would make
 * setTimeout fire at once and an Infinity one is clamped by Node to 1 ms, so neither may slip
 * through as a "number".
 */
export function check<T>(name: string, value: T, isValid: (value: T) => boolean, rule: string): T {
  if (!isValid(value)) throw new RangeError(`${name} must be ${rule} (got ${String(value)})`);
  return value;
}

export function resolveOptions(options: RetryOptions): RetrySettings {
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
    jitter: check(
      "jitter",
      jitter,
      (mode) => JITTER_MODES.includes(mode),
      '"none", "full" or "equal"',
    ),
    random,
    shouldRetry,
    onRetry,
    signal,
  };
}
