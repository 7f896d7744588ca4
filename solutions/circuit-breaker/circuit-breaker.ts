/**
 * A circuit breaker: it wraps an async call to a dependency and, once the dependency has failed
 * `failureThreshold` times in a row, stops calling it for `resetTimeoutMs`, failing fast instead.
 * Then it lets a few trial calls through; their outcome closes the circuit or opens it again.
 *
 * Time is read from an injectable clock, only when a call arrives at an OPEN circuit and when a
 * failure opens it: no timers run in the background, so nothing needs disposing and tests can
 * move time by hand.
 */

export type CircuitState = "CLOSED" | "OPEN" | "HALF_OPEN";

/** Thrown (as a rejection) instead of calling the dependency while the circuit refuses calls. */
export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";

  constructor(
    /** "OPEN" while waiting for the reset timeout; "HALF_OPEN" when every trial slot is taken. */
    readonly state: "OPEN" | "HALF_OPEN",
    /** How long until a call may be let through (0 when HALF_OPEN: a trial is deciding now). */
    readonly retryAfterMs: number,
  ) {
    super(`Circuit is ${state}: retry in ${retryAfterMs} ms`);
  }
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** Time spent OPEN before a trial call is allowed (default 60_000). */
  resetTimeoutMs?: number;
  /** Trial calls allowed at once in HALF_OPEN (default 1). */
  halfOpenMaxCalls?: number;
  /** Errors for which this returns false are the caller's fault: rethrown, counted as a success. */
  isFailure?: (error: unknown) => boolean;
  /** The clock, in milliseconds (default Date.now). */
  now?: () => number;
  /** Told of every state change, after `state` has changed. */
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

export class CircuitBreaker<A extends unknown[], R> {
  readonly #fn: (...args: A) => Promise<R>;
  readonly #failureThreshold: number;
  readonly #resetTimeoutMs: number;
  readonly #halfOpenMaxCalls: number;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #now: () => number;
  readonly #onStateChange: ((from: CircuitState, to: CircuitState) => void) | undefined;

  #state: CircuitState = "CLOSED";
  #consecutiveFailures = 0;
  #openedAt = 0;
  /** Trials admitted in the current HALF_OPEN phase; the first to settle ends the phase. */
  #trialsAdmitted = 0;

  constructor(fn: (...args: A) => Promise<R>, options: CircuitBreakerOptions = {}) {
    if (typeof fn !== "function") throw new TypeError("fn must be a function");
    this.#fn = fn;
    // Defaults replace only `undefined`: a `null` (from a JSON config) is refused, not defaulted.
    const { failureThreshold = 5, resetTimeoutMs = 60_000, halfOpenMaxCalls = 1 } = options;
    this.#failureThreshold = requireCount("failureThreshold", failureThreshold);
    this.#resetTimeoutMs = requireDuration("resetTimeoutMs", resetTimeoutMs);
    this.#halfOpenMaxCalls = requireCount("halfOpenMaxCalls", halfOpenMaxCalls);
    this.#isFailure = options.isFailure ?? (() => true);
    // Date.now looked up at each reading, not kept from construction (like Math.random in retry-backoff).
    this.#now = options.now ?? (() => Date.now());
    this.#onStateChange = options.onStateChange;
  }

  get state(): CircuitState {
    return this.#state;
  }

  /**
   * Calls the wrapped function with `args`, or rejects with a CircuitOpenError without calling it.
   * Admission happens synchronously, before the first `await`, so two calls fired in the same tick
   * cannot both take the last trial slot.
   */
  async fire(...args: A): Promise<R> {
    this.#admit();
    // Called through a local, not as `this.#fn(...)`, so the function gets no `this`.
    const fn = this.#fn;
    let result: R;
    try {
      result = await fn(...args); // inside the try: a synchronous throw counts like a rejection
    } catch (error) {
      if (this.#isFailure(error)) this.#recordFailure();
      else this.#recordSuccess(); // the service answered; the caller asked for the wrong thing
      throw error;
    }
    this.#recordSuccess();
    return result;
  }

  /** Throws when the call must not reach the function; moves OPEN to HALF_OPEN when it is time. */
  #admit(): void {
    if (this.#state === "OPEN") {
      const waited = this.#now() - this.#openedAt;
      if (waited < this.#resetTimeoutMs) {
        throw new CircuitOpenError("OPEN", this.#resetTimeoutMs - waited);
      }
      this.#trialsAdmitted = 0;
      this.#moveTo("HALF_OPEN");
    }
    if (this.#state === "HALF_OPEN") {
      if (this.#trialsAdmitted >= this.#halfOpenMaxCalls)
        throw new CircuitOpenError("HALF_OPEN", 0);
      this.#trialsAdmitted += 1;
    }
  }

  // Outcomes are judged against the state when the call settles, not when it started: a call
  // admitted while CLOSED that fails after the circuit opened must not restart the timeout.

  #recordSuccess(): void {
    this.#consecutiveFailures = 0;
    if (this.#state === "HALF_OPEN") this.#moveTo("CLOSED");
  }

  #recordFailure(): void {
    if (this.#state === "HALF_OPEN") {
      this.#open();
    } else if (this.#state === "CLOSED") {
      this.#consecutiveFailures += 1;
      if (this.#consecutiveFailures >= this.#failureThreshold) this.#open();
    }
  }

  #open(): void {
    this.#openedAt = this.#now();
    this.#moveTo("OPEN");
  }

  #moveTo(to: CircuitState): void {
    const from = this.#state;
    this.#state = to;
    this.#onStateChange?.(from, to);
  }
}

function requireCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  }
  return value;
}

function requireDuration(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}
