// Mistake: takes `maxDelayMs: Infinity` for "no cap" instead of refusing it: the README accepts
// only a finite number >= 0 for it.

import type { RetryOptions } from "../retry-backoff";
import * as reference from "../retry-backoff";

export * from "../retry-backoff";

/** Infinity means "never cap": any finite cap above every delay does the same. */
function allowInfiniteCap(options: RetryOptions): RetryOptions {
  return options.maxDelayMs === Number.POSITIVE_INFINITY
    ? { ...options, maxDelayMs: Number.MAX_VALUE }
    : options;
}

export function backoffDelay(retryNumber: number, options: RetryOptions = {}): number {
  return reference.backoffDelay(retryNumber, allowInfiniteCap(options));
}

export function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  return reference.retry(fn, allowInfiniteCap(options));
}

export function withRetry<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: RetryOptions = {},
): (...args: A) => Promise<R> {
  return reference.withRetry(fn, allowInfiniteCap(options));
}
