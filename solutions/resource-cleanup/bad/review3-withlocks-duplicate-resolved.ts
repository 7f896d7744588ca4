// Mistake: breaks "A path listed twice (the same string) rejects with TypeError": duplicates are found
// after `path.resolve`, so two different strings naming one file ("run/a.lock" and "./run/a.lock")
// are rejected as "listed twice" instead of failing on the second lock with a LockedError.
import { resolve } from "node:path";
import { CleanupStack, acquireLock, type Lock } from "../resource-cleanup";
export * from "../resource-cleanup";

export async function withLocks<T>(
  paths: readonly string[],
  fn: (locks: readonly Lock[]) => T | Promise<T>,
): Promise<T> {
  const seen = new Set<string>();
  for (const path of paths) {
    const key = resolve(path); // "./a" and "a" are the same lock
    if (seen.has(key)) throw new TypeError(`withLocks: ${path} is listed twice`);
    seen.add(key);
  }
  await using stack = new CleanupStack();
  const locks = paths.map((path) => stack.use(acquireLock(path)));
  return await fn(locks);
}
