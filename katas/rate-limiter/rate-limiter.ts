/**
 * Rate limiters per client key — see README.md for the full contract.
 *
 * - TokenBucketLimiter: a bucket of `capacity` tokens per key, refilled continuously at
 *   `refillPerSecond` (compute the refill from the time elapsed: no timer ticking per token);
 * - SlidingWindowLimiter: at most `limit` tokens taken per key in any `windowMs` span.
 *
 * Both: `tryRemove` answers at once; `removeTokens` waits its turn (FIFO per key) and can be
 * given up with an AbortSignal; keys whose state is as good as new are forgotten. Read time from
 * Date.now() (the spec fakes it).
 */

export interface TokenBucketOptions {
  /** The most tokens the bucket holds, so the largest burst: an integer >= 1. */
  capacity: number;
  /** Tokens added per second, continuously: a finite number > 0 (fractions allowed). */
  refillPerSecond: number;
}

export interface SlidingWindowOptions {
  /** The most tokens taken in any window: an integer >= 1. */
  limit: number;
  /** The window's length in milliseconds: a finite number > 0. */
  windowMs: number;
}

export interface RemoveTokensOptions {
  /** Gives up waiting: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

export class TokenBucketLimiter {
  /** Throws a RangeError for a bad option, e.g. "capacity must be an integer >= 1, got 0". */
  constructor(_options: TokenBucketOptions) {
    // TODO: start here — validate the options; keep one bucket per key (only once it loses tokens),
    // counting thousandths of a token.
    throw new Error("TODO: implement TokenBucketLimiter()");
  }

  /** The number of keys held in memory (idle keys are forgotten first). */
  get size(): number {
    throw new Error("TODO: implement size");
  }

  /** Tokens `key` could take now (fractional); `capacity` for a key never seen. */
  tokensAvailable(_key: string): number {
    throw new Error("TODO: implement tokensAvailable()");
  }

  /** Takes `tokens` now and returns true, or takes nothing and returns false. */
  tryRemove(_key: string, _tokens = 1): boolean {
    throw new Error("TODO: implement tryRemove()");
  }

  /** Resolves once `tokens` were taken for this caller, in FIFO order per key. Never throws. */
  removeTokens(_key: string, _tokens = 1, _options: RemoveTokensOptions = {}): Promise<void> {
    throw new Error("TODO: implement removeTokens()");
  }
}

export class SlidingWindowLimiter {
  /** Throws a RangeError for a bad option, e.g. "windowMs must be a finite number > 0, got 0". */
  constructor(_options: SlidingWindowOptions) {
    // TODO: the same API as TokenBucketLimiter, counting takes in the last windowMs instead.
    throw new Error("TODO: implement SlidingWindowLimiter()");
  }

  /** The number of keys held in memory (idle keys are forgotten first). */
  get size(): number {
    throw new Error("TODO: implement size");
  }

  /** Tokens `key` could take now; `limit` for a key never seen. */
  tokensAvailable(_key: string): number {
    throw new Error("TODO: implement tokensAvailable()");
  }

  /** Takes `tokens` now and returns true, or takes nothing and returns false. */
  tryRemove(_key: string, _tokens = 1): boolean {
    throw new Error("TODO: implement tryRemove()");
  }

  /** Resolves once `tokens` were taken for this caller, in FIFO order per key. Never throws. */
  removeTokens(_key: string, _tokens = 1, _options: RemoveTokensOptions = {}): Promise<void> {
    throw new Error("TODO: implement removeTokens()");
  }
}
