/**
 * The same API on opossum 9 — the circuit breaker most Node services use.
 *
 * Opossum's own state machine does not fit this kata's contract (see NOTES.md): it opens on an
 * error *percentage* over a rolling time window rather than on N failures in a row, it half-opens
 * from a `setTimeout` that ignores an injected clock, and it lets exactly one trial through. So
 * opossum is kept for what it does well — running the call (a synchronous throw becomes a
 * rejection), classifying each outcome through `errorFilter`, and the rolling stats its metrics
 * exporters read — and this adapter keeps the CLOSED / OPEN / HALF_OPEN decisions, driven by
 * opossum's `success` and `failure` events and the injected clock.
 */
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
  readonly #failureThreshold: number;
  readonly #resetTimeoutMs: number;
  readonly #halfOpenMaxCalls: number;
  readonly #now: () => number;
  readonly #onStateChange: ((from: CircuitState, to: CircuitState) => void) | undefined;

  #state: CircuitState = "CLOSED";
  #consecutiveFailures = 0;
  #openedAt = 0;
  #trialsAdmitted = 0;

  constructor(fn: (...args: A) => Promise<R>, options: CircuitBreakerOptions = {}) {
    if (typeof fn !== "function") throw new TypeError("fn must be a function");
    // Defaults replace only `undefined`: a `null` (from a JSON config) is refused, not defaulted.
    const { failureThreshold = 5, resetTimeoutMs = 60_000, halfOpenMaxCalls = 1 } = options;
    this.#failureThreshold = requireCount("failureThreshold", failureThreshold);
    this.#resetTimeoutMs = requireDuration("resetTimeoutMs", resetTimeoutMs);
    this.#halfOpenMaxCalls = requireCount("halfOpenMaxCalls", halfOpenMaxCalls);
    // Date.now looked up at each reading, not kept from construction (like Math.random in retry-backoff).
    this.#now = options.now ?? (() => Date.now());
    this.#onStateChange = options.onStateChange;
    const isFailure = options.isFailure ?? (() => true);

    // Opossum calls its action with `this` set to the action itself; the arrow keeps fn `this`-free.
    this.#opossum = new Opossum((...args: A) => fn(...args), {
      // This contract has no call timeout (opossum's default is 10 s, on a real setTimeout).
      timeout: false,
      // Opossum opens when failures / fires * 100 > this; a rate can never exceed 100 %, so
      // opossum never opens by itself and the consecutive count below decides instead.
      errorThresholdPercentage: 100,
      // A filtered error is reported as `success` by opossum: the same rule as this contract's.
      errorFilter: (error: unknown) => !isFailure(error),
      // No `snapshot` events are listened to: spare the second interval timer.
      enableSnapshots: false,
    });
    // Opossum emits these synchronously, before the promise `fire` returns settles.
    this.#opossum.on("success", () => this.#recordSuccess());
    this.#opossum.on("failure", () => this.#recordFailure());
  }

  get state(): CircuitState {
    return this.#state;
  }

  async fire(...args: A): Promise<R> {
    this.#admit();
    return this.#opossum.fire(...args);
  }

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
