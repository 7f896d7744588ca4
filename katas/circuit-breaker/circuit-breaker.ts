/**
 * Circuit breaker — see README.md for the full contract.
 *
 * Wrap an async call to a dependency. After `failureThreshold` failures in a row, stop calling it
 * and fail fast with a CircuitOpenError for `resetTimeoutMs`; then let up to `halfOpenMaxCalls`
 * trial calls through: a success closes the circuit, a failure opens it again.
 *
 * Read time only from `now()`: once when a call arrives at an OPEN circuit, and once when a failure
 * opens it (when that call settles). No timers needed.
 */

export type CircuitState = "CLOSED" | "OPEN" | "HALF_OPEN";

/**
 * The rejection `fire()` returns instead of calling the function.
 * - `name` is "CircuitOpenError";
 * - `message` is `Circuit is ${state}: retry in ${retryAfterMs} ms`.
 */
export class CircuitOpenError extends Error {
  /** "OPEN" while waiting for the reset timeout; "HALF_OPEN" when every trial slot is taken. */
  readonly state: "OPEN" | "HALF_OPEN";
  /** Milliseconds until a call may be let through; 0 when refused in HALF_OPEN. */
  readonly retryAfterMs: number;

  constructor(_state: "OPEN" | "HALF_OPEN", _retryAfterMs: number) {
    super();
    // TODO: set name, message, state and retryAfterMs.
    throw new Error("TODO: implement CircuitOpenError()");
  }
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit: an integer >= 1 (default 5). */
  failureThreshold?: number;
  /** Time spent OPEN before a trial call is allowed: a finite number >= 0 (default 60_000). */
  resetTimeoutMs?: number;
  /** Trial calls allowed at once in HALF_OPEN: an integer >= 1 (default 1). */
  halfOpenMaxCalls?: number;
  /**
   * Decides whether an error counts against the service (default: every error does). Errors for
   * which it returns false are the caller's fault (a 404, say): rethrown unchanged and treated as
   * a success by the breaker, because the service did answer.
   */
  isFailure?: (error: unknown) => boolean;
  /** The clock, in milliseconds (default Date.now). */
  now?: () => number;
  /** Called synchronously on every state change, once `state` already reads `to`. */
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

export class CircuitBreaker<A extends unknown[], R> {
  /**
   * Throws a TypeError ("fn must be a function") when fn is not a function, and a RangeError for
   * an invalid option, e.g. "failureThreshold must be an integer >= 1, got 0" (see README.md).
   */
  constructor(_fn: (...args: A) => Promise<R>, _options: CircuitBreakerOptions = {}) {
    // TODO: start here — validate the options, keep the defaults, start CLOSED.
    throw new Error("TODO: implement CircuitBreaker()");
  }

  /** "CLOSED", "OPEN" or "HALF_OPEN". Stays "OPEN" after the timeout until the next call. */
  get state(): CircuitState {
    throw new Error("TODO: implement state");
  }

  /**
   * Calls the wrapped function with `args` (and no `this`) and settles as it does, or rejects
   * with a CircuitOpenError without calling it. Never throws synchronously.
   */
  fire(..._args: A): Promise<R> {
    throw new Error("TODO: implement fire()");
  }
}
