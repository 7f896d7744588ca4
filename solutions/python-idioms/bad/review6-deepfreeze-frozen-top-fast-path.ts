// Mistake: breaks "An object that is already frozen is still walked, wherever it is (at the top or deep
// inside)": `deepFreeze` starts with an idempotency fast path, `if (Object.isFrozen(value)) return value`
// ("already frozen, nothing to do"), so `deepFreeze(Object.freeze({ ports: [80] })).ports` stays
// mutable; the inner walk itself walks frozen children correctly. (adversarial review, round 6)
export * from "../python-idioms";

import type { DeepReadonly } from "../python-idioms";

export function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (Object.isFrozen(value)) return value as DeepReadonly<T>; // primitives are "frozen" too
  freezeAll(value, new WeakSet());
  return value as DeepReadonly<T>;
}

function freezeAll(value: unknown, seen: WeakSet<object>): void {
  if (typeof value !== "object" || value === null) return;
  if (seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const child of Object.values(value)) freezeAll(child, seen);
}
