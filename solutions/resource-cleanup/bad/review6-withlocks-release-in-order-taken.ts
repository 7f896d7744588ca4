// Mistake: breaks "then releases every lock in **reverse order** (the last taken is released first)":
// the locks are registered on the stack newest first ("so the stack releases them in the order taken",
// FIFO like a queue), so `[a, b]` releases a then b, and with both releases failing the error is
// `{ error: b's error, suppressed: a's error }` instead of `{ error: a's error, suppressed: b's error }`. (adversarial review, round 6)
export * from "../resource-cleanup";

import { acquireLock, CleanupStack, type Lock } from "../resource-cleanup";

export async function withLocks<T>(
  paths: readonly string[],
  fn: (locks: readonly Lock[]) => T | Promise<T>,
): Promise<T> {
  const duplicate = paths.find((path, i) => paths.indexOf(path) !== i);
  if (duplicate !== undefined) {
    throw new TypeError(`withLocks: ${duplicate} is listed twice`);
  }
  await using stack = new CleanupStack();
  const locks: Lock[] = [];
  let pending: Lock[] = [];
  try {
    for (const path of paths) {
      const lock = acquireLock(path);
      locks.push(lock);
      pending.push(lock);
    }
  } finally {
    // Register newest first, so the stack (LIFO) releases in the order the locks were taken.
    for (const lock of pending.toReversed()) stack.use(lock);
    pending = [];
  }
  return await fn(locks);
}
