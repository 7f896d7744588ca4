// Mistake: breaks "if `fn` failed too, that stack error on top and `fn`'s error in `suppressed`": the
// stack is disposed in a plain `finally` (`try { … } finally { await stack.disposeAsync() }`) instead of
// `await using`, so every lock is still released in reverse order, but when fn failed and a release
// fails too, the release error replaces fn's error and fn's is lost.
import { acquireLock, CleanupStack, type Lock } from "../resource-cleanup";
export * from "../resource-cleanup";

export async function withLocks<T>(
  paths: readonly string[],
  fn: (locks: readonly Lock[]) => T | Promise<T>,
): Promise<T> {
  const duplicate = paths.find((path, i) => paths.indexOf(path) !== i);
  if (duplicate !== undefined) throw new TypeError(`withLocks: ${duplicate} is listed twice`);
  const stack = new CleanupStack();
  try {
    const locks = paths.map((path) => stack.use(acquireLock(path)));
    return await fn(locks);
  } finally {
    await stack.disposeAsync();
  }
}
