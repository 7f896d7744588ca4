// Mistake: writes @bound as a wrapper that calls the method with `this`, the way timed does.
// That keeps whatever `this` the call has; it binds nothing, so a detached method still loses
// its instance.

export type { Clock, Logger, TimedOptions, Timing } from "../decorators";
export { logged, timed, timedMethod } from "../decorators";

export function bound<This, A extends unknown[], R>(
  method: (this: This, ...args: A) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>,
): (this: This, ...args: A) => R {
  if (context.private) {
    throw new TypeError(`@bound cannot bind private method ${String(context.name)}`);
  }
  return function (this: This, ...args: A): R {
    return method.apply(this, args);
  };
}
