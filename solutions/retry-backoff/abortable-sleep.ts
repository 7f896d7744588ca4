/**
 * A promise-based sleep that an AbortSignal can cut short.
 *
 * Why not `setTimeout` from `node:timers/promises`? It rejects with its own AbortError wrapping
 * the reason, while fetch (and this kata) rejects with `signal.reason` itself, so callers can
 * tell "the user cancelled" from "we are shutting down" by the reason they gave abort().
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal === undefined) return new Promise((resolve) => setTimeout(resolve, ms));
  return new Promise((resolve, reject) => {
    // Aborted already (by onRetry, just before the wait): do not start a wait nobody wants.
    signal.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      // A long-lived signal (one per process, say) must not collect a listener per wait.
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
