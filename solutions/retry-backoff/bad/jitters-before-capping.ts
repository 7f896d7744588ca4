// Mistake: applies the jitter first and the cap last, `min(cap, random() * base * 2^n)`: once
// the exponential passes the cap most retries land exactly on maxDelayMs, and a crowd of clients
// throttled together retries together again.
import { check, type RetryOptions, resolveOptions } from "../options";

export * from "../retry-backoff";

export function backoffDelay(retryNumber: number, options: RetryOptions = {}): number {
  check("retryNumber", retryNumber, (n) => Number.isInteger(n) && n >= 1, "a whole number >= 1");
  const { baseDelayMs, maxDelayMs, factor, jitter, random } = resolveOptions(options);
  const delay = baseDelayMs === 0 ? 0 : baseDelayMs * factor ** (retryNumber - 1);
  const jittered =
    jitter === "none"
      ? delay
      : jitter === "full"
        ? random() * delay
        : delay / 2 + (random() * delay) / 2;
  return Math.floor(Math.min(maxDelayMs, jittered));
}
