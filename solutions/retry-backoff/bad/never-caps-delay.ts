// Mistake: forgets maxDelayMs, so after a dozen failures the "backoff" is a wait of minutes or
// hours (100 ms * 2^19 is almost 15 hours) instead of at most 20 s.
import { check, type RetryOptions, resolveOptions } from "../options";

export * from "../retry-backoff";

export function backoffDelay(retryNumber: number, options: RetryOptions = {}): number {
  check("retryNumber", retryNumber, (n) => Number.isInteger(n) && n >= 1, "a whole number >= 1");
  const { baseDelayMs, factor, jitter, random } = resolveOptions(options);
  const delay = baseDelayMs === 0 ? 0 : baseDelayMs * factor ** (retryNumber - 1);
  if (jitter === "none") return Math.floor(delay);
  if (jitter === "full") return Math.floor(random() * delay);
  return Math.floor(delay / 2 + (random() * delay) / 2);
}
