// Mistake: breaks "A lock that could not be taken counts as `fn` failing: if releasing the earlier locks
// fails too, the stack's error is on top and the lock's error ... in `suppressed`": the locks are taken in a
// plain loop with a best-effort rollback (`try { lock.release() } catch {}` on each earlier lock, newest
// first) that rethrows only the acquire error, so a failing release there is silently lost. (adversarial review, round 6)
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
  const locks: Lock[] = [];
  try {
    for (const path of paths) locks.push(acquireLock(path));
  } catch (error) {
    // Roll back what we took; the error to report is why we could not take the next one.
    for (const lock of locks.toReversed()) {
      try {
        lock.release();
      } catch {
        // best effort
      }
    }
    throw error;
  }
  await using stack = new CleanupStack();
  for (const lock of locks) stack.use(lock);
  return await fn(locks);
}
