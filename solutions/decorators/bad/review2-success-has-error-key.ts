// Mistake: the Timing is built in one place as `{ name, durationMs, ok, error }`, so a successful call
// reports `{ …, ok: true, error: undefined }`: an `error` key the README's success shape
// (`onTiming({ name, durationMs: end - start, ok: true })`) does not have.
// (adversarial review, round 2)
/**
 * Decorators: the reference solution.
 *
 * A Python decorator is a function that takes a function and returns a wrapper. `timed` and
 * `logged` are exactly that, for sync and async functions alike: the wrapper keeps `this`, the
 * arguments, the result and the errors of the function it wraps, and a sync function stays sync.
 * `timedMethod` and `bound` are the same ideas as TypeScript 5 standard decorators, written
 * `@timedMethod(…)` and `@bound` above a class method.
 */

/** A clock in milliseconds; only differences between two readings matter. */
export type Clock = () => number;

export type Timing =
  | { name: string; durationMs: number; ok: true }
  | { name: string; durationMs: number; ok: false; error: unknown };

export interface TimedOptions {
  /** The name in each Timing; default: the function's name, or "anonymous". */
  name?: string;
  /** Default: performance.now(), looked up at every call. */
  clock?: Clock;
}

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

type Method<This, A extends unknown[], R> = (this: This, ...args: A) => R;
type Outcome = { ok: true } | { ok: false; error: unknown };

/**
 * Wraps `fn` so that every call is timed and reported to `onTiming` once it has finished: when
 * `fn` returns or throws, or, when it returns a promise, when that promise settles.
 */
export function timed<This, A extends unknown[], R>(
  fn: Method<This, A, R>,
  onTiming: (timing: Timing) => void,
  options: TimedOptions = {},
): Method<This, A, R> {
  const name = options.name ?? (fn.name || "anonymous");
  // Look performance.now up at each call: a detached `performance.now` throws ("Illegal
  // invocation"), and a spy installed after wrapping must still be seen.
  const clock = options.clock ?? (() => performance.now());

  const wrapper = function (this: This, ...args: A): R {
    // Each call has its own start: overlapping async calls must not share one.
    const start = clock();
    const finish = (outcome: Outcome) => {
      const ok = outcome.ok;
      const error = outcome.ok ? undefined : outcome.error;
      onTiming({ name, durationMs: clock() - start, ok, error } as Timing);
    };
    let result: R;
    try {
      result = fn.apply(this, args);
    } catch (error) {
      finish({ ok: false, error });
      throw error; // the same value, whatever it is: never wrapped
    }
    if (!isThenable(result)) {
      // A sync function stays sync: the caller gets the value itself, not a promise of it.
      finish({ ok: true });
      return result;
    }
    // The call is over when the promise settles, not when fn hands it back.
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
  // functools.wraps, the part that matters here: logs and stack traces show the real name.
  Object.defineProperty(wrapper, "name", { value: name });
  return wrapper;
}

/** Anything `await` would wait for: an object or function with a callable `then`. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === "object" && value !== null) || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** `timed`, reporting one line per call to `logger`: info when it succeeds, error when it fails. */
export function logged<This, A extends unknown[], R>(
  fn: Method<This, A, R>,
  logger: Logger,
  options: TimedOptions = {},
): Method<This, A, R> {
  return timed(
    fn,
    (timing) => {
      const ms = timing.durationMs.toFixed(1);
      // Called as methods: a logger may well need its own `this`.
      if (timing.ok) logger.info(`${timing.name} ok in ${ms} ms`);
      else logger.error(`${timing.name} failed in ${ms} ms: ${String(timing.error)}`);
    },
    options,
  );
}

/** `@timedMethod(onTiming, options)`: `timed` as a standard method decorator. */
export function timedMethod(onTiming: (timing: Timing) => void, options: TimedOptions = {}) {
  return <This, A extends unknown[], R>(
    method: Method<This, A, R>,
    context: ClassMethodDecoratorContext<This, Method<This, A, R>>,
  ): Method<This, A, R> =>
    timed(method, onTiming, { ...options, name: options.name ?? String(context.name) });
}

/**
 * `@bound`: every instance gets the method bound to itself, so it can be passed around as a
 * callback (`setTimeout(this.tick)`, `items.forEach(this.check)`) the way a Python bound method can.
 */
export function bound<This, A extends unknown[], R>(
  _method: Method<This, A, R>,
  context: ClassMethodDecoratorContext<This, Method<This, A, R>>,
): void {
  if (context.private) {
    // A private method cannot be replaced on the instance, so there is nothing to bind to.
    throw new TypeError(`@bound cannot bind private method ${String(context.name)}`);
  }
  const key = context.name;
  context.addInitializer(function (this: This) {
    const self = this as Record<PropertyKey, unknown>;
    // Bind what the instance sees under that name, so a subclass's override is the one bound.
    const method = self[key] as (...args: unknown[]) => unknown;
    self[key] = method.bind(this);
  });
}
