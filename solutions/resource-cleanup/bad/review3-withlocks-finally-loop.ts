// Mistake: breaks "Every lock is released even when a release fails": the locks are released in a
// plain loop in a `finally`, so the first release that throws stops the loop (earlier-taken locks stay
// held) and its error replaces fn's, with no SuppressedError pairing.
import { acquireLock, type Lock } from "../resource-cleanup";
export * from "../resource-cleanup";

export async function withLocks<T>(
  paths: readonly string[],
  fn: (locks: readonly Lock[]) => T | Promise<T>,
): Promise<T> {
  const duplicate = paths.find((path, i) => paths.indexOf(path) !== i);
  if (duplicate !== undefined) throw new TypeError(`withLocks: ${duplicate} is listed twice`);
  const locks: Lock[] = [];
  try {
    for (const path of paths) locks.push(acquireLock(path));
    return await fn(locks);
  } finally {
    for (const lock of locks.toReversed()) lock.release();
  }
}
