// Mistake: logs a "calling" line before every call, as many Python examples do, so each call
// writes two lines and a line appears before the call has finished.
import { type Logger, type TimedOptions, timed } from "../decorators";

export type { Clock, Logger, TimedOptions, Timing } from "../decorators";
export { bound, timed, timedMethod } from "../decorators";

export function logged<This, A extends unknown[], R>(
  fn: (this: This, ...args: A) => R,
  logger: Logger,
  options: TimedOptions = {},
): (this: This, ...args: A) => R {
  const inner = timed(
    fn,
    (timing) => {
      const ms = timing.durationMs.toFixed(1);
      if (timing.ok) logger.info(`${timing.name} ok in ${ms} ms`);
      else logger.error(`${timing.name} failed in ${ms} ms: ${String(timing.error)}`);
    },
    options,
  );
  const wrapper = function (this: This, ...args: A): R {
    logger.info(`calling ${inner.name}`);
    return inner.apply(this, args);
  };
  Object.defineProperty(wrapper, "name", { value: inner.name });
  return wrapper;
}
