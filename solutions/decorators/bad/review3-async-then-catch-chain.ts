// Mistake: breaks "`onTiming` is called exactly once per call" on the promise path: it is written
// `.then(onOk).catch(onFail)` instead of `.then(onOk, onFail)`, so an `onTiming` that throws on the
// `ok: true` report is reported again as `ok: false` with its own error (the rejection looks right).
import type { Logger, Timing, TimedOptions } from "../decorators";
export * from "../decorators";

type Method<This, A extends unknown[], R> = (this: This, ...args: A) => R;

export function timed<This, A extends unknown[], R>(
  fn: Method<This, A, R>,
  onTiming: (timing: Timing) => void,
  options: TimedOptions = {},
): Method<This, A, R> {
  const name = options.name ?? (fn.name || "anonymous");
  const clock = options.clock ?? (() => performance.now());
  const wrapper = function (this: This, ...args: A): R {
    const start = clock();
    let result: R;
    try {
      result = fn.apply(this, args);
    } catch (error) {
      onTiming({ name, durationMs: clock() - start, ok: false, error });
      throw error;
    }
    if (!isThenable(result)) {
      onTiming({ name, durationMs: clock() - start, ok: true });
      return result;
    }
    return Promise.resolve(result)
      .then((value) => {
        onTiming({ name, durationMs: clock() - start, ok: true });
        return value;
      })
      .catch((error: unknown) => {
        onTiming({ name, durationMs: clock() - start, ok: false, error });
        throw error;
      }) as R;
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
