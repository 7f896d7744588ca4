// Mistake: takes all the locks first and only then enters the try/finally, so when the third
// lock is held, the first two are never released: the next deploy finds them and stops.
import { acquireLock, type Lock } from "../resource-cleanup";

export * from "../resource-cleanup";

export async function withLocks<T>(
  paths: readonly string[],
  fn: (locks: readonly Lock[]) => T | Promise<T>,
): Promise<T> {
  const duplicate = paths.find((path, i) => paths.indexOf(path) !== i);
  if (duplicate !== undefined) throw new TypeError(`withLocks: ${duplicate} is listed twice`);
  const locks = paths.map((path) => acquireLock(path));
  try {
    return await fn(locks);
  } finally {
    for (const lock of [...locks].reverse()) lock.release();
  }
}
