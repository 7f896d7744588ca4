// Mistake: a fixed window instead of a sliding one (the model of rate-limiter-flexible's memory
// limiter): each key's window starts at its first take and its count resets when the window
// ends, so a client can take `limit` just before the reset and `limit` again just after it.
import type { RemoveTokensOptions, SlidingWindowOptions } from "../rate-limiter";

export {
  type RemoveTokensOptions,
  TokenBucketLimiter,
  type TokenBucketOptions,
} from "../rate-limiter";
export type { SlidingWindowOptions };

export class SlidingWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { startedAt: number; used: number }>();

  constructor({ limit, windowMs }: SlidingWindowOptions) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`limit must be an integer >= 1, got ${limit}`);
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new RangeError(`windowMs must be a finite number > 0, got ${windowMs}`);
    }
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  get size(): number {
    this.#expire(Date.now());
    return this.#windows.size;
  }

  tokensAvailable(key: string): number {
    this.#expire(Date.now());
    return this.#limit - (this.#windows.get(key)?.used ?? 0);
  }

  tryRemove(key: string, tokens = 1): boolean {
    if (!Number.isInteger(tokens) || tokens < 1 || tokens > this.#limit) {
      throw new RangeError(`tokens must be an integer from 1 to ${this.#limit}, got ${tokens}`);
    }
    const now = Date.now();
    this.#expire(now);
    const window = this.#windows.get(key) ?? { startedAt: now, used: 0 };
    if (window.used + tokens > this.#limit) return false;
    window.used += tokens;
    this.#windows.set(key, window);
    return true;
  }

  async removeTokens(key: string, tokens = 1, options: RemoveTokensOptions = {}): Promise<void> {
    const { signal } = options;
    signal?.throwIfAborted();
    while (!this.tryRemove(key, tokens)) {
      const window = this.#windows.get(key);
      const wait = window ? window.startedAt + this.#windowMs - Date.now() : 0;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, wait);
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
    }
  }

  #expire(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.startedAt + this.#windowMs <= now) this.#windows.delete(key);
    }
  }
}
