// Mistake: breaks "`name` = `options.name` when it is a string (even `\"\"`)" for `@timedMethod`:
// the decorator falls back with `options.name || String(context.name)`, so
// `@timedMethod(onTiming, { name: "" })` reports "deploy" (`timed` itself still keeps "").
import type { Timing, TimedOptions } from "../decorators";
import { timed } from "../decorators";
export * from "../decorators";

type Method<This, A extends unknown[], R> = (this: This, ...args: A) => R;

export function timedMethod(onTiming: (timing: Timing) => void, options: TimedOptions = {}) {
  return <This, A extends unknown[], R>(
    method: Method<This, A, R>,
    context: ClassMethodDecoratorContext<This, Method<This, A, R>>,
  ): Method<This, A, R> =>
    timed(method, onTiming, { ...options, name: options.name || String(context.name) });
}
