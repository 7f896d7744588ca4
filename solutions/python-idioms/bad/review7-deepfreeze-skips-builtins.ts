// Mistake: breaks "'Object' means anything `typeof` calls "object" except `null`: a class instance, a `Map`
// or a `Date` inside is frozen too": built-ins whose data lives in internal slots (Map, Set, Date, typed
// arrays) are skipped ("Object.freeze cannot lock them anyway"), so `Object.isFrozen(cfg.started)` is false.
export * from "../python-idioms";
import type { DeepReadonly } from "../python-idioms";

export function deepFreeze<T>(value: T): DeepReadonly<T> {
  freezeAll(value, new WeakSet());
  return value as DeepReadonly<T>;
}

function isSlotBacked(value: object): boolean {
  return (
    value instanceof Map ||
    value instanceof Set ||
    value instanceof Date ||
    ArrayBuffer.isView(value)
  );
}

function freezeAll(value: unknown, seen: WeakSet<object>): void {
  if (typeof value !== "object" || value === null) return;
  if (isSlotBacked(value)) return; // freezing these locks nothing that matters (and throws on typed arrays)
  if (seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const child of Object.values(value)) freezeAll(child, seen);
}
