// Mistake: maps the options onto opossum's own settings and trusts opossum's state machine, as if
// it were the same breaker. It is not: opossum opens on an error *percentage* over a rolling
// 10-second window (so a success does not reset anything, and failures are not "in a row"),
// half-opens from its own setTimeout (an injected clock changes nothing, and `state` flips to
// HALF_OPEN with no call), and allows exactly one trial whatever halfOpenMaxCalls says.
import Opossum from "opossum";

export type CircuitState = "CLOSED" | "OPEN" | "HALF_OPEN";

export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";

  constructor(
    readonly state: "OPEN" | "HALF_OPEN",
    readonly retryAfterMs: number,
  ) {
    super(`Circuit is ${state}: retry in ${retryAfterMs} ms`);
  }
}

export interface CircuitBreakerOptions {
  failureThreshold?: number;
  resetTimeoutMs?: number;
  halfOpenMaxCalls?: number;
  isFailure?: (error: unknown) => boolean;
  now?: () => number;
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

export class CircuitBreaker<A extends unknown[], R> {
  readonly #opossum: Opossum<A, R>;
  readonly #resetTimeoutMs: number;
  #lastState: CircuitState = "CLOSED";
  #openedAt = 0;

  constructor(fn: (...args: A) => Promise<R>, options: CircuitBreakerOptions = {}) {
    const isFailure = options.isFailure ?? (() => true);
    this.#resetTimeoutMs = options.resetTimeoutMs ?? 60_000;
    this.#opossum = new Opossum(fn, {
      timeout: false,
      volumeThreshold: options.failureThreshold ?? 5, // at least this many calls in the window…
      errorThresholdPercentage: 50, // …and more than half of them failed
      resetTimeout: this.#resetTimeoutMs,
      errorFilter: (error: unknown) => !isFailure(error),
    });
    const report = (to: CircuitState) => () => {
      const from = this.#lastState;
      this.#lastState = to;
      if (to === "OPEN") this.#openedAt = Date.now();
      options.onStateChange?.(from, to);
    };
    this.#opossum.on("open", report("OPEN"));
    this.#opossum.on("halfOpen", report("HALF_OPEN"));
    this.#opossum.on("close", report("CLOSED"));
  }

  get state(): CircuitState {
    if (this.#opossum.opened) return "OPEN";
    return this.#opossum.halfOpen ? "HALF_OPEN" : "CLOSED";
  }

  async fire(...args: A): Promise<R> {
    try {
      return await this.#opossum.fire(...args);
    } catch (error) {
      if (error instanceof Error && Opossum.isOurError(error)) {
        const waited = Date.now() - this.#openedAt;
        throw this.#opossum.opened
          ? new CircuitOpenError("OPEN", this.#resetTimeoutMs - waited)
          : new CircuitOpenError("HALF_OPEN", 0);
      }
      throw error;
    }
  }
}
