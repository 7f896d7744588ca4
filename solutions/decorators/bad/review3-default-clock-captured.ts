// Mistake: breaks "otherwise `performance.now()`, looked up at every call (so a spy installed after
// wrapping is seen)": the default clock is `performance.now.bind(performance)`, taken when `timed`
// wraps, so a `vi.spyOn(performance, "now")` made after wrapping is never called.
import type { Logger, Timing, TimedOptions } from "../decorators";
export * from "../decorators";

type Method<This, A extends unknown[], R> = (this: This, ...args: A) => R;
type Outcome = { ok: true } | { ok: false; error: unknown };

export function timed<This, A extends unknown[], R>(
  fn: Method<This, A, R>,
  onTiming: (timing: Timing) => void,
  options: TimedOptions = {},
): Method<This, A, R> {
  const name = options.name ?? (fn.name || "anonymous");
  // bind: a detached performance.now throws "Illegal invocation".
  const clock = options.clock ?? performance.now.bind(performance);
  const wrapper = function (this: This, ...args: A): R {
    const start = clock();
    const finish = (outcome: Outcome) => onTiming({ name, durationMs: clock() - start, ...outcome });
    let result: R;
    try {
      result = fn.apply(this, args);
    } catch (error) {
      finish({ ok: false, error });
      throw error;
    }
    if (!isThenable(result)) {
      finish({ ok: true });
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        finish({ ok: true });
        return value;
      },
      (error: unknown) => {
        finish({ ok: false, error });
        throw error;
      },
    ) as R;
  };
  Object.defineProperty(wrapper, "name", { value: name });
  return wrapper;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === "object" && value !== null) || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

export function logged<This, A extends unknown[], R>(
  fn: Method<This, A, R>,
  logger: Logger,
  options: TimedOptions = {},
): Method<This, A, R> {
  return timed(
    fn,
    (timing) => {
      const ms = timing.durationMs.toFixed(1);
      if (timing.ok) logger.info(`${timing.name} ok in ${ms} ms`);
      else logger.error(`${timing.name} failed in ${ms} ms: ${String(timing.error)}`);
    },
    options,
  );
}

export function timedMethod(onTiming: (timing: Timing) => void, options: TimedOptions = {}) {
  return <This, A extends unknown[], R>(
    method: Method<This, A, R>,
    context: ClassMethodDecoratorContext<This, Method<This, A, R>>,
  ): Method<This, A, R> =>
    timed(method, onTiming, { ...options, name: options.name ?? String(context.name) });
}
