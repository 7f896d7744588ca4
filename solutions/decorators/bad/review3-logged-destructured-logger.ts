// Mistake: breaks "`info` and `error` are called as methods of `logger` (`logger.info(…)`), so a
// logger object that uses its own `this` works": it destructures `const { info, error } = logger`
// once, so a class-based logger (or `console`-like object using `this`) loses its `this`.
import type { Logger, TimedOptions } from "../decorators";
import { timed } from "../decorators";
export * from "../decorators";

type Method<This, A extends unknown[], R> = (this: This, ...args: A) => R;

export function logged<This, A extends unknown[], R>(
  fn: Method<This, A, R>,
  logger: Logger,
  options: TimedOptions = {},
): Method<This, A, R> {
  const { info, error } = logger;
  return timed(
    fn,
    (timing) => {
      const ms = timing.durationMs.toFixed(1);
      if (timing.ok) info(`${timing.name} ok in ${ms} ms`);
      else error(`${timing.name} failed in ${ms} ms: ${String(timing.error)}`);
    },
    options,
  );
}
