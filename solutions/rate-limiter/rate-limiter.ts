/**
 * Two rate limiters with one API, per client key:
 * - TokenBucketLimiter: a bucket of `capacity` tokens (the burst) refilled continuously at
 *   `refillPerSecond`, computed from the time elapsed since the last removal;
 * - SlidingWindowLimiter: at most `limit` tokens taken in any `windowMs` span (an exact log).
 *
 * Both share the per-key bookkeeping (KeyedLimiter): a FIFO queue of waiters per key with one
 * timer for its head, AbortSignal support, forgetting keys whose state is back to new, and a
 * clock that never goes backwards. Time is Date.now(); no timer runs unless someone waits.
 */

/** setTimeout's limit: Node fires a longer delay after 1 ms. A longer wait re-arms in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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

interface Waiter {
  tokens: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  /** Unhooks the abort listener; set only when a signal was given. */
  unhook?: () => void;
}

interface Entry<S> {
  state: S;
  waiters: Waiter[];
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When tokens were last taken: the entry is idle `idleMs` after this. */
  lastTakeAt: number;
}

/** What a limiter algorithm must answer; the queueing and the memory are KeyedLimiter's. */
abstract class KeyedLimiter<S> {
  // A Map iterates in insertion order; every take re-inserts its key, so the least recently
  // used keys come first and forgetting idle ones stops at the first that is still busy.
  readonly #entries = new Map<string, Entry<S>>();
  /** The latest time any call has seen, on the limiter's own clock. */
  #latest = Number.NEGATIVE_INFINITY;
  /** How far the wall clock has gone back, in all: the limiter's time is Date.now() + this. */
  #offset = 0;

  /** The most tokens one call may ask for (capacity or limit). */
  protected abstract readonly max: number;
  /** After this long without a take, a key's state is the same as a new key's. */
  protected abstract readonly idleMs: number;
  protected abstract fresh(now: number): S;
  /** The tokens that could be taken now (fractional for a bucket). */
  protected abstract available(state: S, now: number): number;
  /** Whether `tokens` can be taken now: the one test both tryRemove and the waiters use. */
  protected abstract has(state: S, tokens: number, now: number): boolean;
  protected abstract take(state: S, tokens: number, now: number): void;
  /** Whole milliseconds (> 0) until `tokens` are there, when they are not yet. */
  protected abstract msUntil(state: S, tokens: number, now: number): number;

  /**
   * The limiter's time: Date.now(), except that it never goes backwards. When the wall clock is
   * stepped back (NTP), the limiter carries on from the latest time it has seen, at the clock's
   * pace: the jump is cut out, so no token is added or removed for it. Every time the limiter
   * keeps is on this clock, so nothing else needs to know about jumps.
   */
  #now(): number {
    const wall = Date.now();
    if (wall + this.#offset < this.#latest) this.#offset = this.#latest - wall;
    this.#latest = wall + this.#offset;
    return this.#latest;
  }

  /** The number of keys held in memory. */
  get size(): number {
    this.#forgetIdle(this.#now());
    return this.#entries.size;
  }

  /** Tokens that could be taken now for `key` (fractional for a bucket). */
  tokensAvailable(key: string): number {
    const now = this.#now();
    this.#forgetIdle(now);
    const entry = this.#entries.get(key);
    return entry ? this.available(entry.state, now) : this.max;
  }

  /** Takes `tokens` now and returns true, or takes nothing and returns false. */
  tryRemove(key: string, tokens = 1): boolean {
    this.#checkTokens(tokens);
    const now = this.#now();
    this.#forgetIdle(now);
    const entry = this.#entries.get(key);
    if (!entry) {
      this.#takeFrom(key, this.#newEntry(now), tokens, now);
      return true;
    }
    // Fairness: while anyone waits for this key, the tokens are theirs.
    if (entry.waiters.length > 0 || !this.has(entry.state, tokens, now)) return false;
    this.#takeFrom(key, entry, tokens, now);
    return true;
  }

  /**
   * Resolves once `tokens` have been taken for this caller: at once when they are there and
   * nobody waits, otherwise in FIFO order as they refill. Never throws synchronously.
   */
  removeTokens(key: string, tokens = 1, options: RemoveTokensOptions = {}): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      this.#checkTokens(tokens);
      // Inside the try: options of null throw a TypeError here, which must be a rejection too.
      ({ signal } = options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryRemove(key, tokens)) return Promise.resolve();

    // tryRemove refused, so the key has an entry: the tokens are short or others wait.
    const entry = this.#entries.get(key) as Entry<S>;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { tokens, resolve, reject };
      if (signal) {
        const onAbort = () => {
          entry.waiters.splice(entry.waiters.indexOf(waiter), 1);
          reject(signal.reason);
          // The waiters behind it move up: serve them now if they can be, re-arm the timer.
          this.#serve(key, entry);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiter.unhook = () => signal.removeEventListener("abort", onAbort);
      }
      entry.waiters.push(waiter);
      this.#serve(key, entry); // arms the timer for the head (the first waiter, or one before)
    });
  }

  /** Serves the waiters in order while their tokens are there; then arms one timer for the head. */
  #serve(key: string, entry: Entry<S>): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const now = this.#now();
    let head = entry.waiters[0];
    while (head && this.has(entry.state, head.tokens, now)) {
      entry.waiters.shift();
      this.#takeFrom(key, entry, head.tokens, now);
      head.unhook?.();
      head.resolve();
      head = entry.waiters[0];
    }
    if (head) {
      entry.timer = setTimeout(
        () => this.#serve(key, entry),
        Math.min(this.msUntil(entry.state, head.tokens, now), MAX_TIMER_MS),
      );
    }
  }

  #newEntry(now: number): Entry<S> {
    return { state: this.fresh(now), waiters: [], timer: undefined, lastTakeAt: now };
  }

  #takeFrom(key: string, entry: Entry<S>, tokens: number, now: number): void {
    this.take(entry.state, tokens, now);
    entry.lastTakeAt = now;
    this.#entries.delete(key); // re-insert: the most recently used key goes last
    this.#entries.set(key, entry);
  }

  /** Drops keys idle for `idleMs` that nobody waits for: their state equals a new key's. */
  #forgetIdle(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (now - entry.lastTakeAt < this.idleMs) break; // the rest were used more recently
      if (entry.waiters.length === 0) this.#entries.delete(key);
    }
  }

  #checkTokens(tokens: number): void {
    if (!Number.isInteger(tokens) || tokens < 1 || tokens > this.max) {
      throw new RangeError(`tokens must be an integer from 1 to ${this.max}, got ${tokens}`);
    }
  }
}

interface Bucket {
  /** Thousandths of a token in the bucket at `updatedAt` (the last take). */
  thousandths: number;
  updatedAt: number;
}

export class TokenBucketLimiter extends KeyedLimiter<Bucket> {
  protected readonly max: number;
  protected readonly idleMs: number;
  /** Thousandths of a token added per millisecond: `refillPerSecond` itself. */
  readonly #rate: number;
  readonly #full: number;

  constructor(options: TokenBucketOptions) {
    super();
    const { capacity, refillPerSecond } = options;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    }
    // So slow that an empty bucket takes more than 2^53 - 1 ms to fill (Number.MIN_VALUE, or
    // 1e-300 per second): no whole millisecond could be counted to, so it is refused too.
    if (
      !Number.isFinite(refillPerSecond) ||
      refillPerSecond <= 0 ||
      !((capacity * 1000) / refillPerSecond <= Number.MAX_SAFE_INTEGER)
    ) {
      throw new RangeError(`refillPerSecond must be a finite number > 0, got ${refillPerSecond}`);
    }
    this.max = capacity;
    this.#rate = refillPerSecond;
    this.#full = capacity * 1000;
    // The time an empty bucket takes to be full: by then any bucket is as good as new.
    this.idleMs = this.#msToReach(0, this.#full);
  }

  protected fresh(now: number): Bucket {
    return { thousandths: this.#full, updatedAt: now };
  }

  /**
   * The count at `now`, in one step from the last take: checking often loses nothing to
   * rounding. In thousandths, a whole-number rate keeps every count a whole number: exact.
   */
  #thousandthsAt(bucket: Bucket, now: number): number {
    return Math.min(this.#full, bucket.thousandths + (now - bucket.updatedAt) * this.#rate);
  }

  protected available(bucket: Bucket, now: number): number {
    return this.#thousandthsAt(bucket, now) / 1000;
  }

  protected has(bucket: Bucket, tokens: number, now: number): boolean {
    return this.#thousandthsAt(bucket, now) >= tokens * 1000;
  }

  protected take(bucket: Bucket, tokens: number, now: number): void {
    bucket.thousandths = this.#thousandthsAt(bucket, now) - tokens * 1000;
    bucket.updatedAt = now;
  }

  protected msUntil(bucket: Bucket, tokens: number, now: number): number {
    return bucket.updatedAt + this.#msToReach(bucket.thousandths, tokens * 1000) - now;
  }

  /**
   * The fewest whole milliseconds after which `from` thousandths have refilled to `needed`, by
   * the very arithmetic `has` uses. Dividing by the rate gives the estimate; for a fractional
   * rate it can round to a millisecond either side of the first one the count itself says yes,
   * so step to that one: a waiter is served exactly when tryRemove would first succeed.
   */
  #msToReach(from: number, needed: number): number {
    let ms = Math.ceil((needed - from) / this.#rate);
    while (from + (ms - 1) * this.#rate >= needed) ms -= 1;
    while (from + ms * this.#rate < needed) ms += 1;
    return ms;
  }
}

interface Window {
  /** Takes still inside the window, oldest first. */
  log: { at: number; tokens: number }[];
  /** The sum of the log's tokens. */
  used: number;
}

export class SlidingWindowLimiter extends KeyedLimiter<Window> {
  protected readonly max: number;
  protected readonly idleMs: number;

  constructor(options: SlidingWindowOptions) {
    super();
    const { limit, windowMs } = options;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`limit must be an integer >= 1, got ${limit}`);
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new RangeError(`windowMs must be a finite number > 0, got ${windowMs}`);
    }
    this.max = limit;
    // A take at `at` (a whole millisecond) leaves at the first whole millisecond >= at + windowMs,
    // which is at + ceil(windowMs). Rounding the window, not the sum: at a real Date.now() (about
    // 1.7e12, where one step of a double is 2.4e-4 ms) `at + windowMs` rounds, so a windowMs of
    // 1e-5 would vanish (at + 1e-5 === at) and one of 1 + 1e-6 would end at at + 1. Whole
    // numbers added and compared are exact, so every window ends where the README says.
    // Every take has left the window by then, so it is also how long a key stays.
    this.idleMs = Math.ceil(windowMs);
  }

  protected fresh(): Window {
    return { log: [], used: 0 };
  }

  protected available(window: Window, now: number): number {
    // A take at `at` counts while now < at + ceil(windowMs).
    let oldest = window.log[0];
    while (oldest && oldest.at + this.idleMs <= now) {
      window.log.shift();
      window.used -= oldest.tokens;
      oldest = window.log[0];
    }
    return this.max - window.used;
  }

  protected has(window: Window, tokens: number, now: number): boolean {
    return this.available(window, now) >= tokens;
  }

  protected take(window: Window, tokens: number, now: number): void {
    // `has` has just pruned the log: every take follows a check.
    window.log.push({ at: now, tokens });
    window.used += tokens;
  }

  protected msUntil(window: Window, tokens: number, now: number): number {
    // Walk the log, oldest first, to the take whose leaving frees enough for this request.
    // tokens <= limit, so some take in the log always does.
    let short = tokens - this.available(window, now);
    const freeing = window.log.find((take) => {
      short -= take.tokens;
      return short <= 0;
    }) as { at: number };
    // It leaves at the first whole millisecond >= at + windowMs (windowMs may be fractional).
    return freeing.at + this.idleMs - now;
  }
}
