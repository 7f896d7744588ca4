/**
 * Decorators — your file. Read README.md first: it states every behaviour the spec checks.
 * Run the spec with `npm run kata -- run decorators` (or `npm start` to re-run on every save).
 */

/** A clock in milliseconds; only the difference between two readings matters. */
export type Clock = () => number;

/** What `timed` reports after each call. */
export type Timing =
  | { name: string; durationMs: number; ok: true }
  | { name: string; durationMs: number; ok: false; error: unknown };

export interface TimedOptions {
  /** The name in each Timing (default: the function's name, or "anonymous"). */
  name?: string;
  /** Where time comes from (default: performance.now(), looked up at every call). */
  clock?: Clock;
}

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

/** A function with its `this`, arguments and result spelled out, so a wrapper can keep them. */
type Method<This, A extends unknown[], R> = (this: This, ...args: A) => R;

// TODO: start here with timed(); logged() and the decorators can be built on it.

/**
 * Wraps `fn`: every call of the wrapper calls `fn` (same `this`, same arguments), returns or
 * throws exactly what it does, and reports a Timing to `onTiming` once the call has finished
 * (for a promise: once it has settled). A sync function stays sync.
 */
export function timed<This, A extends unknown[], R>(
  _fn: Method<This, A, R>,
  _onTiming: (timing: Timing) => void,
  _options?: TimedOptions,
): Method<This, A, R> {
  throw new Error("TODO: implement timed()");
}

/**
 * `timed`, writing one line per call to `logger`: `logger.info("<name> ok in 12.3 ms")` or
 * `logger.error("<name> failed in 12.3 ms: <String(error)>")`.
 */
export function logged<This, A extends unknown[], R>(
  _fn: Method<This, A, R>,
  _logger: Logger,
  _options?: TimedOptions,
): Method<This, A, R> {
  throw new Error("TODO: implement logged()");
}

/**
 * A standard (TypeScript 5) method decorator factory: `@timedMethod(onTiming, options)` above a
 * method times every call of it like `timed`, named after the method (`String(context.name)`)
 * unless `options.name` is given.
 */
export function timedMethod(_onTiming: (timing: Timing) => void, _options?: TimedOptions) {
  return <This, A extends unknown[], R>(
    _method: Method<This, A, R>,
    _context: ClassMethodDecoratorContext<This, Method<This, A, R>>,
  ): Method<This, A, R> => {
    throw new Error("TODO: implement timedMethod()");
  };
}

/**
 * A standard method decorator: `@bound` above a public method gives every instance (or the
 * class, for a static method) its own copy of the method bound to it. On a private method it
 * throws `TypeError("@bound cannot bind private method #name")` when the class is defined.
 */
export function bound<This, A extends unknown[], R>(
  _method: Method<This, A, R>,
  _context: ClassMethodDecoratorContext<This, Method<This, A, R>>,
): void {
  throw new Error("TODO: implement bound()");
}
