/**
 * The same API on p-retry, the package a production codebase would reach for.
 *
 * p-retry runs the attempt loop: it numbers the attempts, stops after `retries` extra ones, asks
 * our shouldRetry only when a retry is still possible, and rejects with the last error. Three of
 * its defaults do not fit this kata's contract, so they are configured or wrapped:
 *
 * - its backoff has no full or equal jitter and no injectable random (`randomize` multiplies by
 *   a factor in [1, 2) instead): its own wait is switched off (`minTimeout: 0`) and ours runs
 *   inside its async `shouldRetry` hook, which p-retry awaits before the next attempt;
 * - it never retries a TypeError other than a network error, and turns a thrown non-Error into a
 *   TypeError: every failure is carried to p-retry inside an AttemptFailure and unwrapped at the
 *   end, so the caller gets back exactly what was thrown;
 * - given a signal, it also rejects when the signal fires during an attempt that then succeeds;
 *   this kata returns that result, so the signal is handled here rather than passed to p-retry.
 */
import pRetry from "p-retry";
import { abortableSleep } from "./abortable-sleep";
import { type RetryOptions, resolveOptions } from "./options";
import { backoffDelay } from "./retry-backoff";

export type { Jitter, RetryOptions } from "./options";
export { backoffDelay, isRetryableHttpStatus } from "./retry-backoff";

/** Carries whatever an attempt threw past p-retry's TypeError and non-Error handling. */
class AttemptFailure extends Error {
  constructor(readonly thrown: unknown) {
    super("attempt failed", { cause: thrown });
  }
}

async function runOnPRetry<T>(
  attempt: (attemptNumber: number) => T | Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const settings = resolveOptions(options);
  settings.signal?.throwIfAborted();
  try {
    return await pRetry(
      async (attemptNumber) => {
        try {
          return await attempt(attemptNumber);
        } catch (error) {
          throw new AttemptFailure(error);
        }
      },
      {
        retries: settings.retries,
        minTimeout: 0,
        shouldRetry: async ({ error, attemptNumber }) => {
          // Cancelled during the attempt: reject with the reason, before shouldRetry or onRetry.
          settings.signal?.throwIfAborted();
          const { thrown } = error as AttemptFailure;
          // Not retried: reject with the error itself. Thrown from this hook, it passes p-retry
          // and the catch below as it is, so an abort made inside shouldRetry does not replace it.
          if (!settings.shouldRetry(thrown, attemptNumber)) throw thrown;
          const delayMs = backoffDelay(attemptNumber, options);
          settings.onRetry?.({ attempt: attemptNumber, delayMs, error: thrown });
          await abortableSleep(delayMs, settings.signal);
          return true;
        },
      },
    );
  } catch (error) {
    // Thrown by our hook (shouldRetry's error or its "no", onRetry's error, random()'s
    // RangeError, an abort during the wait): as it is, whatever the signal says now.
    if (!(error instanceof AttemptFailure)) throw error;
    // p-retry does not call shouldRetry after the last attempt: an abort during it is seen here.
    settings.signal?.throwIfAborted();
    throw error.thrown;
  }
}

export function retry<T>(
  fn: (attempt: number) => T | Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  return runOnPRetry(fn, options);
}

/**
 * p-retry's makeRetriable() keeps `this` and the arguments the same way, but calls p-retry
 * directly; going through runOnPRetry keeps the wrapping described above.
 */
export function withRetry<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: RetryOptions = {},
): (...args: A) => Promise<R> {
  resolveOptions(options);
  return function retried(this: unknown, ...args: A): Promise<R> {
    return runOnPRetry(() => fn.apply(this, args), options);
  };
}
