// Mistake: translates the Python try/finally line by line. The timing is reported as soon as fn
// returns, so an async call is timed at about 0 ms and its rejection is reported as a success.
import type { TimedOptions, Timing } from "../decorators";

export type { Clock, Logger, TimedOptions, Timing } from "../decorators";
export { bound, logged, timedMethod } from "../decorators";

export function timed<This, A extends unknown[], R>(
  fn: (this: This, ...args: A) => R,
  onTiming: (timing: Timing) => void,
  options: TimedOptions = {},
): (this: This, ...args: A) => R {
  const name = options.name ?? (fn.name || "anonymous");
  const clock = options.clock ?? (() => performance.now());
  const wrapper = function (this: This, ...args: A): R {
    const start = clock();
    let failure: { error: unknown } | undefined;
    try {
      return fn.apply(this, args);
    } catch (error) {
      failure = { error };
      throw error;
    } finally {
      const durationMs = clock() - start;
      onTiming(
        failure ? { name, durationMs, ok: false, ...failure } : { name, durationMs, ok: true },
      );
    }
  };
  Object.defineProperty(wrapper, "name", { value: name });
  return wrapper;
}
